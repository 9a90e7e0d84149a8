/* Charts drawn with uPlot from data the page carries in a json_script element: every
   <figure data-chart="ID"> is drawn from the JSON in #ID. No inline script or style, so the
   Content-Security-Policy stays strict. Amounts arrive as text (Decimal on the server) and are
   turned into numbers here for plotting only. */
(function () {
  "use strict";

  var COLOURS = ["#4f46e5", "#0891b2", "#d97706", "#16a34a", "#db2777", "#7c3aed", "#dc2626", "#475569"];

  function amount(value, currency) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    var abs = Math.abs(value);
    var digits = abs !== 0 && abs < 1 ? { maximumSignificantDigits: 4 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    return value.toLocaleString(undefined, digits) + (currency ? " " + currency : "");
  }

  function options(figure, data) {
    var bars = figure.dataset.kind === "bars";
    var currency = data.currency || "";
    var series = [{ label: data.bucket_label }];
    var paths = bars && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined;
    data.series.forEach(function (line, index) {
      var colour = COLOURS[index % COLOURS.length];
      series.push({
        label: line.label,
        stroke: colour,
        fill: bars ? colour + "cc" : colour + "14",
        width: bars ? 1 : 2,
        paths: paths,
        points: { show: !bars && data.x.length < 60 },
        value: function (u, v) { return amount(v, currency); },
      });
    });
    var fromZero = data.from_zero !== false;
    return {
      width: Math.max(280, figure.clientWidth),
      height: 240,
      series: series,
      cursor: { points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: {
          // From zero, with headroom: a small change looks small, never like a crash.
          range: function (u, low, high) {
            var top = high > 0 ? high * 1.15 : 1;
            return [fromZero ? Math.min(0, low) : low, top];
          },
        },
      },
      axes: [
        {},
        { size: 70, values: function (u, ticks) { return ticks.map(function (t) { return amount(t, ""); }); } },
      ],
    };
  }

  function draw(figure) {
    if (figure.dataset.drawn || typeof uPlot === "undefined") return;
    var source = document.getElementById(figure.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.x.length || !data.series.length) return;
    var columns = [data.x];
    data.series.forEach(function (line) {
      columns.push(line.values.map(function (v) { return v === null ? null : parseFloat(v); }));
    });
    if (figure.dataset.kind === "bars" && data.series.length > 1) {
      // Stacked: each provider's bar sits on the ones before it.
      for (var s = 2; s < columns.length; s++) {
        columns[s] = columns[s].map(function (v, i) { return (v || 0) + (columns[s - 1][i] || 0); });
      }
      data.series.reverse();
      columns = [columns[0]].concat(columns.slice(1).reverse());
    }
    figure.dataset.drawn = "1";
    var chart = new uPlot(options(figure, data), columns, figure);
    new ResizeObserver(function () {
      chart.setSize({ width: Math.max(280, figure.clientWidth), height: 240 });
    }).observe(figure);
  }

  function drawAll(root) {
    (root || document).querySelectorAll("figure[data-chart]").forEach(draw);
  }

  /* Tables with class "sortable": a header button sorts by its column, on each cell's
     data-value when it has one (numbers as numbers), else its text. */
  function sortBy(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var descending = th.getAttribute("aria-sort") !== "descending";
    table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var cell = row.children[index];
      var raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
      var number = parseFloat(raw);
      return raw !== "" && !isNaN(number) && /^-?[\d.]+(e-?\d+)?$/i.test(raw) ? number : raw.toLowerCase();
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === y) return 0;
      if (x === "") return 1;
      if (y === "") return -1;
      return (x < y ? -1 : 1) * (descending ? -1 : 1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("table.sortable th button.sort");
    if (button) sortBy(button);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-submit-on-change]");
    if (form && event.target.type !== "date") form.requestSubmit();
  });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
