// pcms charts: Chart.js charts described by data, never by inline script.
//
// Markup:
//   <canvas data-chart="chart-id" aria-label="…"></canvas>
//   {{ chart|json_script:"chart-id" }}
// where the JSON is {"type": "bar"|"line"|"doughnut"|"pie", "labels": [...],
//   "datasets": [{"label": "...", "data": [...]}], "horizontal": false, "stacked": false}.
// Colours come from one palette; right-to-left pages get a mirrored legend, tooltips and x axis.
(function () {
  "use strict";
  const PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107",
    "#0dcaf0", "#6c757d", "#dc3545", "#6610f2", "#adb5bd"];

  function config(spec) {
    const rtl = document.documentElement.dir === "rtl";
    const circular = spec.type === "doughnut" || spec.type === "pie";
    const datasets = spec.datasets.map((dataset, index) => ({
      ...dataset,
      backgroundColor: circular ? spec.labels.map((_, i) => PALETTE[i % PALETTE.length])
        : PALETTE[index % PALETTE.length],
      borderColor: circular ? "#fff" : PALETTE[index % PALETTE.length],
      borderWidth: circular ? 1 : 2,
    }));
    const options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: document.documentElement.lang || undefined,
      plugins: {
        legend: { display: circular || datasets.length > 1, rtl, position: "bottom" },
        tooltip: { rtl, textDirection: rtl ? "rtl" : "ltr" },
      },
    };
    if (!circular) {
      const horizontal = Boolean(spec.horizontal);
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = {
        x: { stacked: Boolean(spec.stacked), reverse: rtl && !horizontal, beginAtZero: true },
        y: { stacked: Boolean(spec.stacked), beginAtZero: true, position: rtl ? "right" : "left",
          ticks: { precision: 0 } },
      };
      if (horizontal) options.scales.x.reverse = rtl;
    }
    return { type: spec.type, data: { labels: spec.labels, datasets }, options };
  }

  function start() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]:not([data-chart-ready])").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      canvas.dataset.chartReady = "true";
      new window.Chart(canvas, config(JSON.parse(source.textContent)));
    });
  }

  window.pcmsCharts = { config, start };
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();
