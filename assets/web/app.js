// cbm-ttx participant page: counts the host's round clock down between pushes.
// Everything else is htmx (vendored beside this file). No inline script anywhere:
// the page's Content-Security-Policy allows scripts from the host only.
(function () {
  "use strict";
  var base = new WeakMap();
  function fmt(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var now = Date.now();
    var els = document.querySelectorAll("[data-remaining-ms]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!base.has(el)) base.set(el, now);
      var left = parseInt(el.getAttribute("data-remaining-ms"), 10) || 0;
      if (el.getAttribute("data-running") === "1") left -= now - base.get(el);
      el.textContent = fmt(left);
      el.classList.toggle("low", left <= 60000);
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
