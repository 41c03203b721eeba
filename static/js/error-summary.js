// A form sent back with errors opens with its error summary: move the focus there so that
// keyboard and screen-reader users start from the list of what to correct.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
