(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("replay-data").textContent || "{}");
  var slider = document.getElementById("as-of");
  var dateOut = document.getElementById("as-of-date");
  var movesOut = document.getElementById("as-of-moves");
  var charts = Array.prototype.slice.call(document.querySelectorAll("svg.chart[data-t0]"));
  var cells = Array.prototype.slice.call(document.querySelectorAll("table.replay td[data-issue]"));
  var days = data.days || [];
  var total = (data.moves && data.moves.length) ? data.moves[data.moves.length - 1] : 0;

  // The page's one number rule (src/format.rs): at most two decimals, halves away from
  // zero, trailing zeros dropped, thousands set apart with commas, no -0.
  function number(value) {
    if (!isFinite(value)) { return "\u2014"; }
    var rounded = Math.sign(value) * Math.round(Math.abs(value) * 100) / 100;
    var parts = Math.abs(rounded).toFixed(2).replace(/\.?0+$/, "").split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (rounded < 0 ? "-" : "") + whole + (parts.length > 1 ? "." + parts[1] : "");
  }

  function format(value, unit) {
    var text = number(value);
    if (unit === "%") { return text + "%"; }
    return unit ? text + " " + unit : text;
  }

  function valueAt(points, day) {
    var value = null;
    for (var i = 0; i < points.length && points[i][0] <= day; i++) { value = points[i][1]; }
    return value;
  }

  function positions(day) {
    return (data.issues || []).map(function (issue) {
      var sides = {};
      var known = [];
      issue.sides.forEach(function (side) {
        var v = valueAt(side[1], day);
        sides[side[0]] = v;
        if (v !== null) { known.push(v); }
      });
      /* As `positions` gives it: highest minus lowest, once two sides stated a number. */
      var gap = known.length >= 2 ? Math.max.apply(null, known) - Math.min.apply(null, known) : null;
      return { unit: issue.unit, sides: sides, gap: gap };
    });
  }

  function moveCursor(day) {
    var last = day >= days.length - 1;
    charts.forEach(function (svg) {
      var t0 = +svg.dataset.t0, t1 = +svg.dataset.t1, x0 = +svg.dataset.x0, x1 = +svg.dataset.x1;
      var t = data.ends[day];
      var x = x0 + (Math.min(t, t1) - t0) / (t1 - t0) * (x1 - x0);
      var rect = svg.querySelector(".future");
      var line = svg.querySelector(".cursor");
      if (!rect || !line) { return; }
      rect.setAttribute("x", last ? x1 : x);
      /* Cover the end labels too: they give the final positions. */
      rect.setAttribute("width", last ? 0 : Math.max(0, svg.viewBox.baseVal.width - x));
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
      line.setAttribute("visibility", last ? "hidden" : "visible");
    });
  }

  function show(day, flash) {
    var when = days[day] || "";
    var count = data.moves ? data.moves[day] : 0;
    slider.setAttribute("aria-valuetext", when + " (day " + (day + 1) + " of " + days.length + ")");
    dateOut.textContent = when;
    movesOut.textContent = number(count) + " of " + number(total) + (total === 1 ? " move" : " moves");
    var now = positions(day);
    cells.forEach(function (cell) {
      var issue = now[+cell.dataset.issue];
      if (!issue) { return; }
      var value = cell.classList.contains("gap-cell") ? issue.gap : issue.sides[cell.dataset.party];
      var text = (value === null || value === undefined) ? "\u2014" : format(value, issue.unit);
      if (cell.textContent !== text) {
        cell.textContent = text;
        if (flash) {
          cell.classList.add("changed");
          setTimeout(function () { cell.classList.remove("changed"); }, 500);
        }
      }
    });
    moveCursor(day);
  }

  /* A link ending in #as-of=YYYY-MM-DD opens the page at that date. */
  function fromHash() {
    var match = /as-of=(\d{4}-\d{2}-\d{2})/.exec(location.hash);
    if (!match) { return; }
    var day = 0;
    while (day + 1 < days.length && days[day + 1] <= match[1]) { day++; }
    slider.value = day;
    show(day, false);
  }

  if (slider && days.length) {
    slider.addEventListener("input", function () { show(+slider.value, true); });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
  document.documentElement.setAttribute("data-replay", days.length ? "ready" : "empty");
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([data-print=closed])").forEach(function (d) { d.open = true; });
  });
})();
