/* Charts arrive as static SVG drawn at build time, with their marks already
   linked to the evidence. The live Vega view, which adds the tooltips, is
   loaded from this site's own bundle only when a reader points at a chart,
   so no page waits for 900 KB of chart code before it can be read. */
(function () {
  "use strict";
  var bundle = new URL("vega-bundle.js", document.currentScript.src).href;
  var loading = null;

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

  function goLive(chart) {
    if (chart.dataset.live) return;
    chart.dataset.live = "loading";
    var spec = JSON.parse(document.getElementById(chart.id + "-spec").textContent);
    var live = document.createElement("div");
    live.hidden = true;
    chart.appendChild(live);
    loadVega()
      .then(function () {
        return window.vegaEmbed(live, spec, { actions: false, renderer: "svg" });
      })
      .then(function () {
        chart.querySelector(":scope > svg").remove();
        live.hidden = false;
        chart.dataset.live = "yes";
      })
      .catch(function () {
        live.remove();  // the static chart, with its links, stays
        chart.dataset.live = "failed";
      });
  }

  document.querySelectorAll(".book-chart").forEach(function (chart) {
    chart.addEventListener("pointerover", function () { goLive(chart); }, { passive: true });
  });
})();
