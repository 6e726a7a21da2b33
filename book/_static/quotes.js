/* Quotes to paste: each quote's copy button (hidden until this script runs, so without
   JavaScript the quote is plain selectable text) copies the quote with its reference
   and the address of its sentence on the reader page, as a briefing cites it. */
(function () {
  "use strict";

  function citationOf(figure) {
    var quote = figure.querySelector("blockquote").textContent.trim();
    var link = figure.querySelector("figcaption a");
    return quote + " (" + link.textContent.trim() + ", " + link.href + ")";
  }

  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    area.remove();
    return copied;
  }

  document.querySelectorAll(".paste-quote").forEach(function (figure) {
    var button = figure.querySelector(".copy-quote");
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.after(status);
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = citationOf(figure);
      var say = function (message) {
        status.textContent = message;
        window.setTimeout(function () { status.textContent = ""; }, 4000);
      };
      var fallback = function () {
        say(copyBySelection(text) ? "Copied with its reference" : "Select the quote to copy it");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say("Copied with its reference"); }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
