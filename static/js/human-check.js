// The human check of a busy search form: ALTCHA's proof of work runs in a same-origin
// Web Worker (the strict-CSP build ships none inline), registered here by its static URL.
(function () {
  "use strict";
  var holder = document.querySelector("[data-altcha-worker]");
  if (!holder || !window.$altcha) { return; }
  var url = holder.getAttribute("data-altcha-worker");
  window.$altcha.algorithms.set("SHA-256", function () { return new Worker(url); });
})();
