// The status page's table: sort by a column (click its heading), filter by any column (the
// inputs under the headings) or by state (the chart's bars), and the same from the address's
// fragment: #sort=-errors&state=fixable-now&filter.project=App. It only moves and hides rows
// that are in the page already: without JavaScript the table is complete and readable.
"use strict";
(function () {
  var root = document.documentElement;
  window.addEventListener("error", function (event) {
    root.setAttribute("data-error", String(event.message));
  });
  root.classList.add("js");

  var table = document.getElementById("fleet");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var keys = headers.map(function (th) { return th.getAttribute("data-key"); });
  var inputs = Array.prototype.slice.call(table.tHead.querySelectorAll("tr.filters input"));
  var shown = document.getElementById("shown");
  var view = { sort: null, state: null };

  function bodies() {
    return Array.prototype.slice.call(table.tBodies);
  }

  function value(body, column) {
    var cell = body.rows[0].cells[column];
    var given = cell.getAttribute("data-value");
    return given === null ? cell.textContent.trim() : given;
  }

  function sort(spec) {
    var descending = spec.charAt(0) === "-";
    var column = keys.indexOf(descending ? spec.slice(1) : spec);
    if (column < 0) {
      return;
    }
    var numeric = headers[column].classList.contains("n");
    var index = function (body) { return Number(body.getAttribute("data-index")); };
    var ordered = bodies().sort(function (a, b) {
      var x = value(a, column);
      var y = value(b, column);
      var c = numeric ? Number(x) - Number(y)
        : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
      if (c === 0) {
        return index(a) - index(b);
      }
      return descending ? -c : c;
    });
    ordered.forEach(function (body) { table.appendChild(body); });
    headers.forEach(function (th, i) {
      if (i === column) {
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    view.sort = spec;
  }

  function filter() {
    var needles = inputs.map(function (input) { return input.value.trim().toLowerCase(); });
    var all = bodies();
    var count = 0;
    all.forEach(function (body) {
      var keep = (!view.state || body.getAttribute("data-state") === view.state) &&
        needles.every(function (needle, column) {
          return !needle || body.rows[0].cells[column].textContent.toLowerCase().indexOf(needle) >= 0;
        });
      body.hidden = !keep;
      if (keep) {
        count += 1;
      }
    });
    shown.textContent = count + " of " + all.length + " projects shown" +
      (view.state ? " (state " + view.state + "; clear the address's fragment to see all)" : "");
  }

  function remember() {
    var parts = [];
    if (view.sort) {
      parts.push("sort=" + encodeURIComponent(view.sort));
    }
    if (view.state) {
      parts.push("state=" + encodeURIComponent(view.state));
    }
    inputs.forEach(function (input, column) {
      if (input.value) {
        parts.push("filter." + keys[column] + "=" + encodeURIComponent(input.value));
      }
    });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }

  // What the test in a real browser reads back: how the chart was laid out.
  function selftest() {
    var bars = Array.prototype.slice.call(document.querySelectorAll("#chart rect.bar"));
    var output = document.createElement("output");
    output.id = "selftest";
    output.setAttribute("data-bars", String(bars.length));
    output.setAttribute("data-drawn", String(bars.filter(function (bar) {
      return bar.getBoundingClientRect().width > 0;
    }).length));
    output.setAttribute("data-nonzero", String(bars.filter(function (bar) {
      return bar.getAttribute("data-count") !== "0";
    }).length));
    document.body.appendChild(output);
  }

  function fromFragment() {
    var params = new URLSearchParams(location.hash.slice(1));
    view.state = params.get("state");
    inputs.forEach(function (input, column) {
      input.value = params.get("filter." + keys[column]) || "";
    });
    if (params.get("sort")) {
      sort(params.get("sort"));
    }
    filter();
    if (params.has("selftest")) {
      selftest();
    }
  }

  headers.forEach(function (th) {
    var button = th.querySelector("button.sort");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sort(view.sort === key ? "-" + key : key);
      remember();
    });
  });
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      filter();
      remember();
    });
  });
  window.addEventListener("hashchange", fromFragment);
  fromFragment();
  root.setAttribute("data-ready", "true");
})();
