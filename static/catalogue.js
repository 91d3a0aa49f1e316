// facilitator: the leaders' triage, on a phone and on the facilitator's console. Forty
// proposals in a compact list: sorted by votes, by the leaders' order or as they came in;
// filtered to those not judged yet or to one verdict; "showing 12 of 40". Each person's own
// choice (the fragment is shared), applied again after every morph. An entry that is open
// or holds the focus stays in view while it is worked on, even once it leaves the filter.
(function () {
  "use strict";
  var app = window.facilitator;
  if (!app) return;
  var lastShown = null;

  function apply() {
    var list = document.querySelector("[data-triage-list]");
    var tools = document.querySelector("[data-triage-tools]");
    if (!list || !tools) { lastShown = null; return; }
    var sort = tools.querySelector("[data-triage-sort]");
    var filter = tools.querySelector("[data-triage-filter]");
    var entries = Array.from(list.children);
    var by = sort ? sort.value : "votes";
    var keyed = entries.map(function (li) {
      var order = parseInt(li.dataset.order, 10);
      var key = by === "votes" ? [-parseInt(li.dataset.votes, 10), order]
        : by === "leaders" ? [parseInt(li.dataset.leadersOrder, 10), order] : [order, 0];
      return { li: li, key: key };
    });
    keyed.sort(function (a, b) { return a.key[0] - b.key[0] || a.key[1] - b.key[1]; });
    var inPlace = keyed.every(function (k, i) { return entries[i] === k.li; });
    if (!inPlace) {
      var focused = document.activeElement;
      keyed.forEach(function (k) { list.appendChild(k.li); });
      if (focused && focused !== document.body && !focused.isConnected) focused = null;
      if (focused && document.activeElement !== focused) focused.focus({ preventScroll: true });
    }
    var wanted = filter ? filter.value : "";
    var shown = 0;
    var leaving = null; // the focused entry, if it leaves the filter now
    Array.from(list.children).forEach(function (li) {
      var working = !!li.querySelector("details[open]");
      var visible = !wanted || li.dataset.verdict === wanted || working;
      if (!visible && !li.hidden && li.contains(document.activeElement)) leaving = li;
      if (li.hidden === visible) li.hidden = !visible;
      if (visible) shown += 1;
    });
    if (leaving) { // the focus goes on to the next entry in view, never to <body>
      var next = leaving.nextElementSibling;
      while (next && next.hidden) next = next.nextElementSibling;
      var previous = leaving.previousElementSibling;
      while (!next && previous && previous.hidden) previous = previous.previousElementSibling;
      var target = (next || previous) ? (next || previous).querySelector("summary") : filter;
      if (target) target.focus({ preventScroll: false });
    }
    var count = tools.querySelector(".shown-count");
    if (count) {
      var text = (count.dataset.shownText || "").replace("{shown}", shown).replace("{total}", entries.length);
      if (count.textContent !== text) count.textContent = text;
    }
    return shown;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("[data-triage-tools]")) return;
    var shown = apply();
    var count = document.querySelector("[data-triage-tools] .shown-count");
    if (count && app.announce) app.announce(count.textContent); // the result of one's own choice
    lastShown = shown;
  });
  // Closing an entry that no longer matches the filter lets it go.
  document.addEventListener("toggle", function (event) {
    if (event.target instanceof Element && event.target.matches(".triage-edit")) apply();
  }, true);
  app.onSwap(function () { lastShown = apply(); });
})();
