/* Charts drawn with uPlot from data the page carries in a json_script element: every
   <figure data-chart="ID"> is drawn from the JSON in #ID. No inline script or style, so the
   Content-Security-Policy stays strict. Amounts arrive as text (Decimal on the server) and are
   turned into numbers here for plotting only. */
(function () {
  "use strict";

  var COLOURS = ["#4f46e5", "#0891b2", "#d97706", "#16a34a", "#db2777", "#7c3aed", "#dc2626", "#475569"];

  /* Numbers and dates the way the page's language writes them (<html lang>), by the rules the
     server follows (smmdash.lib.numbers, smmdash.lib.moments): an amount has two decimals and
     its currency ("<0.01" when it is not zero but too small to show), a day is "7 Dec 2026". */
  var LANGUAGE = document.documentElement.lang || undefined;
  var AMOUNT = new Intl.NumberFormat(LANGUAGE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var TICK = new Intl.NumberFormat(LANGUAGE, { maximumFractionDigits: 2 });

  function amount(value, currency) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    var text = value !== 0 && Math.abs(value) < 0.005
      ? (value > 0 ? "<" : ">-") + AMOUNT.format(0.01)
      : AMOUNT.format(value);
    return text + (currency ? " " + currency : "");
  }

  /* Dates in the server's order, whatever the language's own: "7 Dec 2026", "7 декабря 2026",
     "7 Dec 2026, 16:51"; on the axis "7 Dec", "7 нояб."; a month "December 2026". */
  function dates(timeZone) {
    var zone = timeZone ? { timeZone: timeZone } : {};
    var russian = /^ru/i.test(LANGUAGE || "");
    function parts(options) {
      var format = new Intl.DateTimeFormat(LANGUAGE, Object.assign({}, options, zone));
      return function (when) {
        var found = {};
        format.formatToParts(when).forEach(function (part) { found[part.type] = part.value; });
        return found;
      };
    }
    var full = parts({ day: "numeric", month: russian ? "long" : "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    var short = parts({ day: "numeric", month: "short" });
    var month = parts({ month: "long", year: "numeric" });
    function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
    return {
      day: { format: function (when) { var p = full(when); return p.day + " " + p.month + " " + p.year; } },
      moment: { format: function (when) { var p = full(when); return p.day + " " + p.month + " " + p.year + ", " + p.hour + ":" + p.minute; } },
      dayMonth: { format: function (when) { var p = short(when); return p.day + " " + p.month; } },
      month: { format: function (when) { var p = month(when); return capital(p.month) + " " + p.year; } },
      time: { format: function (when) { var p = full(when); return p.hour + ":" + p.minute; } },
    };
  }

  /* The x axis: times under a day apart as hours, days as "7 Dec", months as "December 2026". */
  function timeTicks(written) {
    return function (u, splits, axis, space, increment) {
      return splits.map(function (seconds) {
        var when = new Date(seconds * 1000);
        if (increment < 86400) return written.time.format(when);
        if (increment >= 28 * 86400) return written.month.format(when);
        return written.dayMonth.format(when);
      });
    };
  }

  function options(figure, data) {
    var bars = figure.dataset.kind === "bars";
    var currency = data.currency || "";
    var written = dates(data.time_zone);
    var whole = data.bucket === "day" || data.bucket === "week" || data.bucket === "month";
    var series = [{
      label: data.bucket_label,
      // The legend's moment: a day for a day's bar, else the moment to the minute.
      value: function (u, seconds) {
        if (seconds === null || seconds === undefined) return "—";
        var when = new Date(seconds * 1000);
        if (data.bucket === "month") return written.month.format(when);
        return (whole ? written.day : written.moment).format(when);
      },
    }];
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
      // Ticks fall on the days of the time zone the figures are summed in, not the browser's.
      tzDate: data.time_zone ? function (seconds) { return uPlot.tzDate(new Date(seconds * 1000), data.time_zone); } : undefined,
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
        { values: timeTicks(written) },
        { size: 70, values: function (u, ticks) { return ticks.map(function (t) { return TICK.format(t); }); } },
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
    figure.chart = chart; // what it drew can be read back (the browser tests read the axes)
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
      // A decimal comma is a Russian page's decimal point.
      var plain = /^-?\d+,\d+$/.test(raw) ? raw.replace(",", ".") : raw;
      var number = parseFloat(plain);
      return plain !== "" && !isNaN(number) && /^-?[\d.]+(e-?\d+)?$/i.test(plain) ? number : raw.toLowerCase();
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
