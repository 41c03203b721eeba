// The import's progress bar: ask the portal every second how far the job got and move
// the bar; when the phase ends, reload to show its result. Without JavaScript the
// "Aggiorna" link does the same.
(function () {
  "use strict";
  var box = document.getElementById("import-progress-box");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var url = box.getAttribute("data-status-url");
  function check() {
    window.fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && !data.running) {
          window.location.reload();
          return;
        }
        if (data) {
          bar.max = Math.max(data.total, 1);
          bar.value = data.done;
          text.textContent = data.done + " / " + data.total;
        }
        window.setTimeout(check, 1000);
      })
      .catch(function () { window.setTimeout(check, 3000); });
  }
  window.setTimeout(check, 1000);
})();
