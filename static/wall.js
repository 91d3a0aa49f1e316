// The wall (templates/fragments/projector.html): what the server cannot know about a screen.
// - Fit: a region marked data-fit starts at the density the server chose (data-density,
//   from how many ideas and columns there are); while one of its lists overflows, its type
//   steps down, to density 7 at most.
// - Pages: what does not fit even so is split into pages (in the type the server chose, as
//   pages are turned anyway), each list on its own, and the wall
//   shows page n of m for 12 s each, the same page on every wall (from the server's clock),
//   with the "page n of m" indicator in the header. A morph never resets the page: the
//   layout is worked out again, before the browser paints, after every swap and resize.
// - The clock counts down to the server's deadline and, past it, up: "+3:20 over time".
(function () {
  "use strict";
  var PAGE_MS = 12000;
  var DENSEST = 7;
  var live = window.facilitator;
  var shown = -1; // the page shown, so a turn (not a morph) fades in

  function now() { return live ? live.serverNow() : Date.now(); }

  function lists(region) { return Array.prototype.slice.call(region.querySelectorAll("[data-page-list]")); }

  function overflowing(region) {
    return lists(region).some(function (list) { return list.scrollHeight > list.clientHeight + 1; });
  }

  function setDensity(region, level) {
    for (var i = 1; i <= DENSEST; i++) region.classList.toggle("density-" + i, i === level);
  }

  // Every item visible, the densest type that fits (or the densest there is), then pages.
  function layout(region) {
    lists(region).forEach(function (list) {
      Array.prototype.forEach.call(list.children, function (item) { item.classList.remove("off-page"); });
    });
    var start = parseInt(region.dataset.density || "1", 10) || 1;
    var level = start;
    setDensity(region, level);
    while (level < DENSEST && overflowing(region)) {
      level += 1;
      setDensity(region, level);
    }
    // Pages are turned anyway: then the type the server chose, read more easily (a ranked
    // list keeps its densest type: its pages would break the order of the places).
    if (overflowing(region) && level !== start && !region.hasAttribute("data-dense-pages")) {
      setDensity(region, start);
    }
    var pages = 1;
    lists(region).forEach(function (list) {
      var height = list.clientHeight;
      var start = 0;
      var page = 0;
      Array.prototype.forEach.call(list.children, function (item) {
        var top = item.offsetTop;
        if (top + item.offsetHeight - start > height && top > start) { page += 1; start = top; }
        item.dataset.page = String(page);
      });
      list.dataset.pages = String(page + 1);
      pages = Math.max(pages, page + 1);
    });
    region.dataset.pages = String(pages);
    return pages;
  }

  function showPage(region, page, turning) {
    lists(region).forEach(function (list) {
      var own = Math.min(page, parseInt(list.dataset.pages || "1", 10) - 1);
      var changed = false;
      Array.prototype.forEach.call(list.children, function (item) {
        var off = item.dataset.page !== String(own);
        if (item.classList.contains("off-page") !== off) { item.classList.toggle("off-page", off); changed = true; }
      });
      if (turning && changed) {
        list.classList.remove("turning");
        void list.offsetWidth; // restart the fade
        list.classList.add("turning");
      }
    });
  }

  function regions() { return Array.prototype.slice.call(document.querySelectorAll("#projector [data-fit]")); }

  function pageCount() {
    return regions().reduce(function (most, region) {
      return Math.max(most, parseInt(region.dataset.pages || "1", 10));
    }, 1);
  }

  function indicator(page, pages) {
    var out = document.querySelector("#projector .pages");
    if (!out) return;
    var on = pages > 1;
    var text = on ? (out.dataset.text || "{page}/{pages}").replace("{page}", page + 1).replace("{pages}", pages) : "\u00a0";
    if (out.textContent !== text) out.textContent = text;
    out.classList.toggle("on", on);
  }

  function current(pages) { return pages > 1 ? Math.floor(now() / PAGE_MS) % pages : 0; }

  // After a swap or a resize: lay out again and show the page the wall is on.
  function relayout() {
    var all = regions();
    all.forEach(layout);
    var pages = pageCount();
    var page = current(pages);
    all.forEach(function (region) { showPage(region, page, false); });
    indicator(page, pages);
    shown = page;
  }

  function turn() {
    var pages = pageCount();
    var page = current(pages);
    if (page === shown) return;
    regions().forEach(function (region) { showPage(region, page, true); });
    indicator(page, pages);
    shown = page;
  }

  function pad(n) { return String(n).padStart(2, "0"); }
  function clock() {
    document.querySelectorAll("#projector .wall-clock[data-until]").forEach(function (el) {
      if (!el.dataset.until) return; // paused: the server's figure stands
      var seconds = Math.round((Date.parse(el.dataset.until) - now()) / 1000);
      var over = seconds < 0;
      var s = Math.abs(seconds);
      var text = (over ? "+" : "") + Math.floor(s / 60) + ":" + pad(s % 60);
      var out = el.querySelector(".left");
      if (out && out.textContent !== text) out.textContent = text;
      if (el.classList.contains("over") !== over) el.classList.toggle("over", over);
      var left = el.querySelector(".left-label");
      if (left && left.hidden !== over) left.hidden = over;
      var said = el.querySelector(".over-label");
      if (said && said.hidden === over) said.hidden = !over;
      var note = document.querySelector("#projector .over-note");
      if (note && note.classList.contains("on") !== over) note.classList.toggle("on", over);
    });
  }

  // The header can change height without a swap (a title that wraps at another size, the
  // clock going over time): the room the board has is what counts, so it is watched.
  var observer = window.ResizeObserver ? new ResizeObserver(relayout) : null;
  var watched = null;
  function watch() {
    var body = document.querySelector("#projector .wall-body");
    if (!observer || body === watched) return;
    if (watched) observer.unobserve(watched);
    watched = body;
    if (body) observer.observe(body);
  }

  function swapped() { clock(); relayout(); watch(); }

  if (live) live.onSwap(swapped);
  else window.addEventListener("DOMContentLoaded", swapped);
  window.addEventListener("resize", relayout);
  setInterval(function () { clock(); turn(); }, 1000);
})();
