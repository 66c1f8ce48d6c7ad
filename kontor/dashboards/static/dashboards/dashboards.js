// The dashboard: draws each widget's chart (Chart.js) when its fragment arrives, opens the
// filtered list behind a clicked bar or slice, and saves the order after a drag (SortableJS).
// Every change also works without it: the widgets' buttons are plain forms.
(function () {
  "use strict";

  function textColour() {
    return getComputedStyle(document.body).getPropertyValue("--bs-body-color").trim() || "#333";
  }

  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-widget-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.widgetChart);
      if (!source || canvas.dataset.drawn) return;
      var spec = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      var round = spec.type === "pie" || spec.type === "doughnut";
      Chart.defaults.color = textColour();
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          // Numbers on the axes as the page's language writes them (1.000 in German).
          locale: document.documentElement.lang || undefined,
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: round || spec.datasets.length > 1, position: "bottom" } },
          scales: round ? {} : {
            x: { stacked: !!spec.stacked },
            y: { stacked: !!spec.stacked, beginAtZero: true },
          },
          onClick: function (_event, elements) {
            if (!elements.length || !spec.links) return;
            var link = spec.links[elements[0].index];
            if (link) window.location.href = link;
          },
        },
      });
    });
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sortable() {
    var grid = document.getElementById("widgets");
    if (!grid || !grid.dataset.orderUrl || typeof Sortable === "undefined") return;
    Sortable.create(grid, {
      handle: ".kt-widget-handle",
      draggable: ".kt-widget",
      animation: 150,
      onEnd: function () {
        var body = new URLSearchParams();
        if (grid.dataset.dashboard) body.append("dashboard", grid.dataset.dashboard);
        grid.querySelectorAll(".kt-widget").forEach(function (el) { body.append("widget", el.dataset.widget); });
        fetch(grid.dataset.orderUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrf(), "HX-Request": "true" },
          body: body,
          credentials: "same-origin",
        }).then(function (response) {
          // A dashboard stored by this first change names its widgets by id from now on.
          var unsaved = Array.prototype.some.call(grid.querySelectorAll(".kt-widget"), function (el) {
            return !/^\d+$/.test(el.dataset.widget);
          });
          if (!response.ok || unsaved) window.location.reload();
        });
      },
    });
  }

  function reportChoice() {
    var form = document.querySelector("[data-widget-add]");
    if (!form) return;
    var kind = form.querySelector("select[name=kind]");
    var report = form.querySelector("[data-widget-report]");
    function sync() { report.hidden = kind.value !== "report"; }
    kind.addEventListener("change", sync);
    sync();
  }

  function start() {
    draw(document);
    // The whole page: a card that swapped itself out (outerHTML) is no longer the event's
    // target; charts already drawn are skipped.
    document.body.addEventListener("htmx:afterSwap", function () { draw(document); });
    sortable();
    reportChoice();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
