// zc dashboard: sort and filter the label table. No libraries, no network.
"use strict";

(function () {
  var table = document.getElementById("labels-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filterBox = document.getElementById("filter");
  var familyBox = document.getElementById("family");
  var count = document.getElementById("count");
  var total = tbody.rows.length;

  function cellValue(row, col, kind) {
    var v = row.cells[col].getAttribute("data-v");
    if (v === null || v === "") return null;
    if (kind === "text") return v;
    var n = parseFloat(v);
    return isNaN(n) ? null : n;
  }

  // Sort by a column; empty cells always go last. dir: 1 ascending, -1 descending.
  function sortBy(col, dir) {
    var kind = headers[col].getAttribute("data-kind");
    if (kind === "none") return;
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, col, kind), y = cellValue(b, col, kind);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (kind === "text") return dir * x.localeCompare(y);
      return dir * (x - y);
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    headers.forEach(function (h) { h.classList.remove("asc", "desc"); });
    headers[col].classList.add(dir > 0 ? "asc" : "desc");
  }

  headers.forEach(function (h, col) {
    h.addEventListener("click", function () {
      sortBy(col, h.classList.contains("asc") ? -1 : 1);
    });
  });

  // Text filter: a substring (case-insensitive), or /regex/ on the label.
  function matcher(text) {
    var m = /^\/(.*)\/([i]?)$/.exec(text);
    if (m) {
      try {
        var re = new RegExp(m[1], m[2]);
        return function (s) { return re.test(s); };
      } catch (e) {
        return null;
      }
    }
    var t = text.toLowerCase();
    return function (s) { return s.toLowerCase().indexOf(t) >= 0; };
  }

  function applyFilter() {
    var text = filterBox ? filterBox.value.trim() : "";
    var fam = familyBox ? familyBox.value : "";
    var match = matcher(text);
    if (filterBox) filterBox.classList.toggle("invalid", match === null);
    if (match === null) match = function () { return true; };
    var shown = 0;
    Array.prototype.forEach.call(tbody.rows, function (r) {
      var label = r.cells[0].getAttribute("data-v") || "";
      var ok = match(label) && (!fam || r.getAttribute("data-family") === fam);
      r.style.display = ok ? "" : "none";
      if (ok) shown++;
    });
    if (count) count.textContent = shown + " of " + total + " labels";
    return shown;
  }

  if (filterBox) filterBox.addEventListener("input", applyFilter);
  if (familyBox) familyBox.addEventListener("change", applyFilter);
  applyFilter();

  window.zcDashboard = { sortBy: sortBy, applyFilter: applyFilter, total: total };
})();
