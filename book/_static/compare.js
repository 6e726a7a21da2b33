/* "Compare two sources": every pair is a section of the page, and without this
   script all of them show, with a list of links to each. With it, two selects
   choose the pair: only its section shows, the address's #pair-… follows the
   choice (so it can be shared), and a live region says which pair is shown.
   Sections are named pair-<earlier>-<later>, in the order the selects list
   the sources, and carry their two sources' ids (data-first, data-second). No inline script and no eval: the page's CSP allows neither. */
(function () {
  "use strict";
  var root = document.querySelector(".pair-compare");
  if (!root) return;
  var picker = root.querySelector(".pair-picker");
  var first = root.querySelector("#pair-first");
  var second = root.querySelector("#pair-second");
  var status = root.querySelector(".pair-status");
  var list = root.querySelector(".pair-list");
  var sections = Array.prototype.slice.call(root.querySelectorAll("section.pair"));
  var order = Array.prototype.map.call(first.options, function (option) { return option.value; });
  var label = {};
  Array.prototype.forEach.call(first.options, function (option) { label[option.value] = option.text; });
  var shownA = null;
  var shownB = null;

  function sectionId(a, b) {
    return order.indexOf(a) < order.indexOf(b) ? "pair-" + a + "-" + b : "pair-" + b + "-" + a;
  }

  function show(a, b, announce) {
    var id = sectionId(a, b);
    if (!document.getElementById(id)) return false;
    sections.forEach(function (section) { section.hidden = section.id !== id; });
    first.value = a;
    second.value = b;
    shownA = a;
    shownB = b;
    if (announce) {
      status.textContent = "Showing " + label[a] + " and " + label[b] + ".";
      history.replaceState(null, "", "#" + id);
    }
    return true;
  }

  /* The pair a #pair-… address names (or the pair an anchor inside a section belongs to). */
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var section = target ? target.closest("section.pair") : null;
    return section ? show(section.dataset.first, section.dataset.second, false) : false;
  }

  function choose(changed, other, previous) {
    /* Choosing in one select the source the other shows swaps them, so two different sources stay chosen. */
    if (changed.value === other.value) other.value = previous;
    show(first.value, second.value, true);
  }

  first.addEventListener("change", function () { choose(first, second, shownA); });
  second.addEventListener("change", function () { choose(second, first, shownB); });
  window.addEventListener("hashchange", fromHash);

  picker.hidden = false;
  list.hidden = true;
  if (fromHash()) {
    document.getElementById(sectionId(shownA, shownB)).scrollIntoView();
  } else {
    show(order[0], order[1], false);
  }
})();
