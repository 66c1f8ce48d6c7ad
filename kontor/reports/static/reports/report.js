// Draws the chart of a report's result (Chart.js) from the data the page carries as JSON
// beside it. The table under it says the same for screen readers and keyboards: the chart is
// decoration. Runs on load and after HTMX swaps in a preview or a fresh result.
(function () {
  "use strict";

  function textColour() {
    return getComputedStyle(document.body).getPropertyValue("--bs-body-color").trim() || "#333";
  }

  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-report-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.reportChart);
      if (!source || canvas.dataset.drawn) return;
      var spec = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      var round = spec.type === "pie";
      Chart.defaults.color = textColour();
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: round || spec.datasets.length > 1 } },
          scales: round ? {} : {
            x: { stacked: !!spec.stacked },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.whole ? { precision: 0 } : {} },
          },
        },
      });
    });
  }

  function start() {
    draw(document);
    document.body.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
