/* Case page tabs: the links are plain anchors (every section is on the page without script);
   with script, choosing a tab shows that section alone and the address keeps the choice
   (#tab-…); a page opened without one shows every section. */
(function () {
  "use strict";
  var nav = document.getElementById("case-tabs");
  if (!nav) { return; }
  var links = nav.querySelectorAll("a[data-tab]");
  function show(name) {
    var found = false;
    links.forEach(function (a) { if (a.dataset.tab === name) { found = true; } });
    if (!found) { name = null; }  // no tab chosen: every section shows, as without script
    document.body.classList.toggle("tabs-on", name !== null);
    links.forEach(function (a) {
      var on = a.dataset.tab === name;
      a.classList.toggle("active", on);
      if (on) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
      var panel = document.getElementById("tab-" + a.dataset.tab);
      if (panel) { panel.hidden = name !== null && !on; }
    });
  }
  function fromHash() {
    var h = window.location.hash.replace(/^#tab-/, "").replace(/^#/, "");
    if (h === "timeline-pager") { h = "timeline"; }
    show(h);
  }
  nav.addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-tab]");
    if (!a) { return; }
    ev.preventDefault();
    history.replaceState(null, "", "#tab-" + a.dataset.tab);
    show(a.dataset.tab);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
}());
