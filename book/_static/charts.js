/* Charts arrive as static SVG drawn at build time, each mark a link to its evidence,
   so they work with no script and every mark is a Tab stop. The tooltips (with the
   quote) come from the site's own Vega, loaded only when a reader points at a chart
   or moves the keyboard focus into one, so no page waits for 900 KB of chart code.
   Vega runs without drawing (renderer "none"): it computes each mark's tooltip from
   the chart's spec, and vega-tooltip's handler (the one a live view uses on hover)
   shows it beside the static mark the pointer or the focus is on. The static SVG
   stays, so the links, and the focus on them, are never swapped out. */
(function () {
  "use strict";
  var bundle = new URL("vega-bundle.js", document.currentScript.src).href;
  var TIP_ID = "vg-tooltip-element"; // vega-tooltip's default element
  var GAP = 8; // px between the tooltip and the mark or the viewport's edge
  var loading = null;
  var shown = null; // {link, tips, by: "focus" | "pointer"}: the tooltip on screen

  function loadVega() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = bundle;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  /* The scene's items that carry a link, in drawing order (the order of the static
     SVG's <a> elements, which vl-convert drew from the same scene). */
  function linkedItems(node, out) {
    if (node.href) out.push(node);
    (node.items || []).forEach(function (child) { linkedItems(child, out); });
    return out;
  }

  /* Each static link paired with its scene item: the k-th link to an address with the
     k-th item linking there. Resolves to {tooltip, itemOf} or null (no tooltips). */
  function goLive(chart) {
    if (!chart.bookLive) {
      chart.dataset.live = "loading";
      var spec = JSON.parse(document.getElementById(chart.id + "-spec").textContent);
      chart.bookLive = loadVega()
        .then(function () {
          // ast: Vega reads expressions with its interpreter, never new Function, so the
          // tooltips work under the pages' Content-Security-Policy (no 'unsafe-eval').
          // No default styles: vega-embed's and vega-tooltip's are inline <style>s, which
          // the policy's style-src 'self' blocks; the tooltip's look is in book.css.
          var options = {
            actions: false, renderer: "none", ast: true, defaultStyle: false,
            tooltip: { disableDefaultStyle: true }
          };
          return window.vegaEmbed(document.createElement("div"), spec, options);
        })
        .then(function (result) {
          var queues = {};
          linkedItems(result.view.scenegraph().root, []).forEach(function (item) {
            (queues[item.href] = queues[item.href] || []).push(item);
          });
          var itemOf = new Map();
          chart.querySelectorAll("svg a").forEach(function (link) {
            var queue = queues[link.getAttribute("href")];
            if (queue && queue.length) itemOf.set(link, queue.shift());
          });
          tooltipBox();
          chart.dataset.live = "yes";
          chart.bookTips = { tooltip: result.view.tooltip(), itemOf: itemOf };
          return chart.bookTips;
        })
        .catch(function () {
          chart.dataset.live = "failed"; // the static chart, with its links, stays
          return null;
        });
    }
    return chart.bookLive;
  }

  /* vega-tooltip draws into the element with its id, and makes one at the end of <body>
     if there is none: outside every landmark, where a screen reader's landmark
     navigation would never find it. It is made here, in the page's <main>. */
  function tooltipBox() {
    if (document.getElementById(TIP_ID)) return;
    var tip = document.createElement("div");
    tip.id = TIP_ID;
    tip.className = "vg-tooltip";
    tip.setAttribute("role", "tooltip");
    (document.querySelector("main") || document.body).appendChild(tip);
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(value, high));
  }

  /* Below the mark (above it when there is no room), centred on it, inside the viewport. */
  function placeBeside(tip, mark) {
    var box = tip.getBoundingClientRect();
    var top = mark.bottom + GAP;
    if (top + box.height > window.innerHeight - GAP && mark.top - GAP - box.height >= GAP) {
      top = mark.top - GAP - box.height;
    }
    var left = mark.left + mark.width / 2 - box.width / 2;
    tip.style.left = clamp(left, GAP, window.innerWidth - GAP - box.width) + "px";
    tip.style.top = clamp(top, GAP, Math.max(GAP, window.innerHeight - GAP - box.height)) + "px";
  }

  /* vega-tooltip places its box by the pointer; on a phone the box may not fit beside
     it, so it is pulled back inside the viewport. */
  function keepInside(tip) {
    var box = tip.getBoundingClientRect();
    tip.style.left = clamp(box.left, GAP, window.innerWidth - GAP - box.width) + "px";
    tip.style.top = clamp(box.top, GAP, Math.max(GAP, window.innerHeight - GAP - box.height)) + "px";
  }

  function show(tips, link, event, by) {
    var item = tips.itemOf.get(link);
    if (!item || item.tooltip == null || item.tooltip === "") return hide();
    if (shown && shown.link !== link) shown.link.removeAttribute("aria-describedby");
    var mark = link.getBoundingClientRect();
    var at = event || { clientX: mark.right, clientY: mark.bottom };
    tips.tooltip(null, at, item, item.tooltip); // no Vega event handler: the box goes by `at`
    var tip = document.getElementById(TIP_ID);
    if (by === "focus") {
      placeBeside(tip, mark);
      link.setAttribute("aria-describedby", TIP_ID);
    } else {
      keepInside(tip);
    }
    shown = { link: link, tips: tips, by: by };
  }

  function hide() {
    if (!shown) return;
    shown.link.removeAttribute("aria-describedby");
    shown.tips.tooltip(null, {}, null, null); // vega-tooltip hides its box on an empty value
    shown = null;
  }

  function linkIn(chart, target) {
    var link = target && target.closest ? target.closest("a") : null;
    return link && chart.contains(link) ? link : null;
  }

  /* A heatmap's number sits on its cell and links where the cell does: the cell is the
     Tab stop, the number only takes clicks, so a keyboard passes each cell once. */
  function skipRepeatedLabels(chart) {
    var marks = new Set();
    chart.querySelectorAll("svg a").forEach(function (link) {
      if (!link.closest(".mark-text")) marks.add(link.getAttribute("href"));
    });
    chart.querySelectorAll("svg .mark-text a").forEach(function (link) {
      if (marks.has(link.getAttribute("href"))) link.setAttribute("tabindex", "-1");
    });
  }

  document.querySelectorAll(".book-chart").forEach(function (chart) {
    skipRepeatedLabels(chart);
    chart.addEventListener("pointerover", function () { goLive(chart); }, { passive: true });
    chart.addEventListener("pointermove", function (event) {
      var link = linkIn(chart, event.target);
      if (link && chart.bookTips) show(chart.bookTips, link, event, "pointer");
      else if (shown && shown.by === "pointer") hide();
    }, { passive: true });
    chart.addEventListener("pointerleave", function () {
      if (shown && shown.by === "pointer") hide();
    }, { passive: true });
    chart.addEventListener("focusin", function (event) {
      var link = linkIn(chart, event.target);
      goLive(chart).then(function (tips) {
        if (tips && link && document.activeElement === link) show(tips, link, null, "focus");
      });
    });
    chart.addEventListener("focusout", function (event) {
      if (shown && shown.link === event.target) hide();
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && shown) hide();
  });
  /* A focus tooltip follows its mark; a pointer's waits for the pointer to move. */
  function follow() {
    if (!shown) return;
    if (shown.by === "focus") placeBeside(document.getElementById(TIP_ID), shown.link.getBoundingClientRect());
    else hide();
  }
  window.addEventListener("scroll", follow, { passive: true, capture: true });
  window.addEventListener("resize", follow, { passive: true });
})();
