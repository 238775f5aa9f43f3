// Pages waiting for background work (a certificate being read) carry data-reload-seconds: this
// same-origin script reloads them after that many seconds (the CSP forbids inline script, and a
// timed <meta refresh> is an accessibility failure when scripts run; it stays as <noscript>).
(function () {
  "use strict";
  function schedule() {
    var holder = document.querySelector("[data-reload-seconds]");
    if (!holder) {
      return;
    }
    var seconds = Number(holder.getAttribute("data-reload-seconds"));
    if (Number.isFinite(seconds) && seconds > 0) {
      window.setTimeout(function () {
        window.location.reload();
      }, seconds * 1000);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", schedule);
  } else {
    schedule();
  }
})();
