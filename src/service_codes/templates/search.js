// The home page's search: every term typed must be in a guide's name, code, agency, type
// or keywords; exact codes and names come first. Runs on the index search-index.js sets,
// so it needs no server and no network. Results are built as text nodes, never as HTML.
(function () {
  "use strict";
  var LIMIT = 20;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  var entries = (window.SEARCH_INDEX || []).map(function (e) {
    return {
      name: e[0], code: e[1], agency: e[2], type: e[3], href: e[5],
      lower: e[0].toLowerCase(),
      text: [e[0], e[1], e[2], e[3], e[4]].join("\n").toLowerCase()
    };
  });

  function rank(entry, terms, query) {
    for (var i = 0; i < terms.length; i++) {
      if (entry.text.indexOf(terms[i]) < 0) return -1;
    }
    if (entry.code.toLowerCase() === query) return 0;
    if (entry.lower === query) return 1;
    if (entry.lower.indexOf(query) === 0) return 2;
    if (entry.lower.indexOf(query) >= 0) return 3;
    return 4;
  }

  function show() {
    var query = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) {
      status.textContent = "";
      return;
    }
    var terms = query.split(/\s+/);
    var found = [];
    entries.forEach(function (entry, at) {
      var r = rank(entry, terms, query);
      if (r >= 0) found.push([r, at, entry]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    status.textContent = found.length
      ? "找到 " + found.length + " 个办事指南" + (found.length > LIMIT ? "，显示前 " + LIMIT + " 个" : "")
      : "没有找到办事指南";
    found.slice(0, LIMIT).forEach(function (f) {
      var entry = f[2];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.href;
      link.textContent = entry.name;
      var about = document.createElement("small");
      about.textContent = entry.agency + " · " + entry.type + " · " + entry.code;
      item.appendChild(link);
      item.appendChild(about);
      list.appendChild(item);
    });
  }

  input.addEventListener("input", show);
  var given = new URLSearchParams(window.location.search).get("q");
  if (given) input.value = given;
  show();
})();
