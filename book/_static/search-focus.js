/* The search page puts the cursor in its search field, ready to type (the theme does
   this with an inline script, which the pages' Content-Security-Policy forbids; it
   picked the first search form, the hidden pop-up's, so the cursor went nowhere). */
(function () {
  "use strict";
  var field = document.querySelector(".bd-search-container form.bd-search input");
  if (field) {
    field.focus();
    field.select();
  }
})();
