/* The reader's colour mode, set before the page is painted so a dark-mode reader never
   sees a flash of light. It is the theme's own first step (pydata-sphinx-theme writes it
   inline), kept in a file so the pages' Content-Security-Policy can forbid inline
   script; the default comes from the script tag's data-default-mode. This script alone
   is not deferred: deferred, it would run after the first paint. */
(function () {
  "use strict";
  var fallback = document.currentScript.dataset.defaultMode || "";
  var root = document.documentElement;
  root.dataset.mode = localStorage.getItem("mode") || fallback;
  root.dataset.theme = localStorage.getItem("theme") || fallback;
})();
