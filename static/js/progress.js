// The Content-Security-Policy forbids style="" attributes, so progress bars carry their width
// as data-progress-width (0..100) and this same-origin script applies it through CSSOM.
(function () {
  "use strict";
  function applyWidths() {
    document.querySelectorAll("[data-progress-width]").forEach(function (bar) {
      var value = Number(bar.getAttribute("data-progress-width"));
      if (Number.isFinite(value)) {
        bar.style.width = Math.min(Math.max(value, 0), 100) + "%";
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyWidths);
  } else {
    applyWidths();
  }
})();
