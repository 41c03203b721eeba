// "Pagamento in corso": ask the portal every few seconds whether the receipt has
// arrived, and show the outcome page as soon as it has. Without JavaScript a
// <noscript> refresh and the "Aggiorna" link do the same.
(function () {
  "use strict";
  var box = document.getElementById("payment-status");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var every = (parseInt(box.getAttribute("data-refresh-seconds"), 10) || 5) * 1000;
  function check() {
    window.fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.outcome && data.outcome !== "waiting") {
          window.location.reload();
        } else {
          window.setTimeout(check, every);
        }
      })
      .catch(function () { window.setTimeout(check, every); });
  }
  window.setTimeout(check, every);
})();
