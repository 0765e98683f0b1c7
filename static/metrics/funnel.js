/* Funnel plots: a click on a unit's point opens its drill-down (the URL the figure carries in
 * customdata; the table beside the chart has the same links). Runs after charts.js has drawn. */
(function () {
  "use strict";

  function attach(element, tries) {
    if (typeof element.on !== "function") {
      if (tries > 0) {
        window.setTimeout(function () { attach(element, tries - 1); }, 100);
      }
      return;
    }
    element.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = point && point.customdata;
      if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.assign(url);
      }
    });
  }

  function start() {
    document.querySelectorAll(".funnel-chart[data-figure]").forEach(function (element) {
      attach(element, 50);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
