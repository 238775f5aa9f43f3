// After a failed submit the page opens with an error summary (templates/partials/error_summary.html):
// focus it so screen readers announce it and keyboard users start there; its links move focus to
// the field in error (a plain #fragment only scrolls). Same-origin script: the CSP forbids inline code.
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
