// Starts Pagefind's default search UI on the search page. A file, not an inline script, so that
// the site's Content-Security-Policy can allow only same-origin scripts.
"use strict";
(function () {
  var root = document.getElementById("recherche");
  if (!root) {
    return;
  }
  if (typeof PagefindUI === "undefined") {
    // The index was not built (a preview, or `blog build --no-search`): say so, offer the indexes.
    var notice = document.querySelector(".search-unavailable");
    if (notice) {
      notice.hidden = false;
    }
    return;
  }
  // The index is one bundle per quarter of posts: the newest one's UI merges the others.
  var merged = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  var ui = new PagefindUI({
    element: "#recherche",
    bundlePath: root.getAttribute("data-bundle"),
    mergeIndex: merged.map(function (path) { return { bundlePath: path }; }),
    showSubResults: true,
    showImages: false
  });
  // Give the field a visible label (the UI only gives it a title): WCAG 3.3.2.
  var field = root.querySelector("input");
  var label = document.querySelector(".search-label");
  if (field && label) {
    field.id = "recherche-champ";
    label.htmlFor = field.id;
    label.hidden = false;
  }
  // `/recherche/?q=hopital` opens on the results, so that a search can be linked to.
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
