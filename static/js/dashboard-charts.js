// The back office's dashboard charts: the figures come from the page's json_script
// element (no inline script: strict CSP); each chart has the same data as a table below it.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var euro = new Intl.NumberFormat("it-IT", {style: "currency", currency: "EUR"});
  var blue = "#0066cc";
  var palette = ["#0066cc", "#008055", "#cc7a00", "#5c6f82", "#a61919", "#004d99"];

  function draw(id, type, series, label, asEuro) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    var colours = type === "bar" ? blue : palette;
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{label: label, data: series.values, backgroundColor: colours}]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: {display: type !== "bar"},
          tooltip: {callbacks: {label: function (item) {
            return asEuro ? euro.format(item.parsed.y !== undefined ? item.parsed.y : item.parsed)
              : String(item.parsed);
          }}}
        },
        scales: type === "bar" ? {y: {beginAtZero: true, ticks: {callback: function (value) {
          return euro.format(value);
        }}}} : {}
      }
    });
  }

  draw("chart-month", "bar", data.month, data.labels.euro, true);
  draw("chart-service", "bar", data.service, data.labels.euro, true);
  draw("chart-channel", "doughnut", data.channel, data.labels.count, false);
})();
