// The funnel page's trend chart: journeys per stage and cohort month, from the JSON the page
// carries (the CSP allows no inline script). The table under the chart holds the same figures.
(function () {
  "use strict";
  const canvas = document.getElementById("funnel-chart");
  const source = document.getElementById("funnel-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const style = getComputedStyle(document.documentElement);
  const text = style.getPropertyValue("--bs-body-color").trim();
  const grid = style.getPropertyValue("--bs-border-color").trim();
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({ label: s.label, data: s.data })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { ticks: { color: text }, grid: { color: grid } },
        y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
      },
      plugins: { legend: { labels: { color: text } } },
    },
  });
})();
