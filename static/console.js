// facilitator: the console's own script, on top of app.js (window.facilitator).
// - Views: "Now", "Participants", "Links and codes", "Preview" are parts of the page; one is
//   shown at a time (remembered for this tab). Without this script they are one long page.
// - The board: drag a card onto a theme (a chip or a section) to put it there, onto another
//   card to merge the two (asked first). By keyboard: tick cards, choose a theme, "Move".
//   Each idea is one assign_theme command through the page's outbox.
// - One shared dialog edits an idea or merges it into another found by its text.
// - Ending and reopening ask first (a <dialog>); the dialog closes once the screen shows it.
// - Counts that the room must not see yet (votes, a poll's answers) show only when the
//   facilitator ticks "only you"; remembered for this tab.
// - A command that has not been answered says so beside its control ("Sending…", or "Not
//   sent" while the server is unreachable), read from the outbox in localStorage.
// - The preview frame follows the workshop while it is shown.
// Ready for the strict Content-Security-Policy: no inline script or style, nothing evaluated.
(function () {
  "use strict";
  var body = document.body;
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var $$ = function (selector, root) { return Array.from((root || document).querySelectorAll(selector)); };

  // The printable page of codes has a print button and nothing else of the console.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  if (!body.classList.contains("console") || !window.facilitator) return;

  var app = window.facilitator;
  var workshop = body.dataset.workshop || "";
  var outboxKey = "outbox:" + workshop + ":console";
  var store = window.sessionStorage;
  function remembered(key) { try { return store.getItem(key); } catch (e) { return null; } }
  function remember(key, value) { try { store.setItem(key, value); } catch (e) { /* private mode */ } }

  // --- the outbox, read-only: which commands are still unanswered -------------------------
  function unanswered() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]").map(function (i) { return i.command; }); }
    catch (e) { return []; }
  }
  function stillOut(clientId) {
    return unanswered().some(function (c) { return c.client_id === clientId; });
  }
  // Calls done(refused) once the command is answered (refused: its form shows a refusal).
  function whenAnswered(clientId, form, done) {
    var timer = setInterval(function () {
      if (stillOut(clientId)) return;
      clearInterval(timer);
      done(Boolean(form && $(".refusal", form)));
    }, 80);
  }

  // --- views (tabs) ---------------------------------------------------------------------
  var tabKey = "console-tab:" + location.pathname;
  var current = remembered(tabKey) || "phase";
  function showView(name) {
    var panels = $$(".work > .panel");
    if (!panels.some(function (p) { return p.dataset.panel === name; })) name = "phase";
    current = name;
    panels.forEach(function (panel) { panel.hidden = panel.dataset.panel !== name; });
    markTabs();
    remember(tabKey, name);
    if (name === "preview") refreshPreview(true);
  }
  function markTabs() {
    $$("#console-tabs [data-tab]").forEach(function (link) {
      if (link.dataset.tab === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-tab]");
    if (!link) return;
    event.preventDefault();
    showView(link.dataset.tab);
    var panel = $("#panel-" + link.dataset.tab);
    var heading = panel && $("h2", panel);
    if (heading && link.closest(".console-tabs") === null) { heading.tabIndex = -1; heading.focus(); }
  });

  // --- confirmations: end, reopen ---------------------------------------------------------
  function openDialog(dialog) {
    if (!dialog) return;
    if (dialog.open) dialog.close();
    dialog.showModal();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.dialog) { // the button that asks first
      event.preventDefault();
      openDialog(document.getElementById(form.dataset.dialog));
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("dialog [data-close]");
    if (button) button.closest("dialog").close();
  });
  // After "Yes": the dialog stays (saying "Sending…", or a refusal) until the screen shows it.
  function settleConfirmations() {
    var status = ($("#live") || body).dataset.status;
    $$("dialog form[data-awaits]").forEach(function (form) {
      var dialog = form.closest("dialog");
      if (dialog.open && form.dataset.awaits === status) dialog.close();
    });
  }

  // --- counts only the facilitator sees, on purpose ---------------------------------------
  var privateKey = "show-private:" + location.pathname;
  function syncPrivate() {
    var on = remembered(privateKey) === "1";
    $$(".show-private").forEach(function (box) { if (box.checked !== on) box.checked = on; });
    body.classList.toggle("show-private", on);
  }
  document.addEventListener("change", function (event) {
    if (!event.target.classList.contains("show-private")) return;
    remember(privateKey, event.target.checked ? "1" : "0");
    syncPrivate();
  });

  // --- waiting: a command sent and not yet answered says so beside its control -------------
  // Each entry: {type, key (idea, question, participant, phase…), selector (where to show it)}.
  var waiting = [];
  function keyOf(command) {
    return command.idea || command.question || command.participant || command.source ||
      (command.phase !== undefined ? String(command.phase) : "") || "";
  }
  function fieldsOf(form, submitter) {
    var command = {};
    new FormData(form).forEach(function (value, key) { if (typeof value === "string") command[key] = value; });
    if (submitter && submitter.name) command[submitter.name] = submitter.value;
    return command;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("form[data-command] button");
    if (!button || button.disabled) return;
    var form = button.form;
    var command = fieldsOf(form, button);
    if (!command.type) return;
    // A moment later: the outbox has it by then (app.js adds it on the submit that follows).
    setTimeout(function () {
      waiting.push({ type: command.type, key: keyOf(command), form: form, button: button });
      showWaiting();
    }, 0);
  });
  function pending(entry, out) {
    return out.some(function (c) { return c.type === entry.type && (!entry.key || keyOf(c) === entry.key); });
  }
  // The note shows beside the control, or, for the buttons that steer the agenda (a row of
  // narrow buttons), on a line of its own under them.
  function showWaiting() {
    var out = unanswered();
    var offline = body.classList.contains("offline");
    waiting = waiting.filter(function (entry) { return pending(entry, out); });
    var text = offline ? body.dataset.unsentText : body.dataset.sendingText;
    $$("[data-waiting]").forEach(function (el) {
      if (!waiting.some(function (w) { return w.form === el || w.card === el; })) {
        el.removeAttribute("data-waiting");
        el.classList.remove("waiting", "unsent");
      }
    });
    var steering = false;
    waiting.forEach(function (entry) {
      var el = entry.card ? document.getElementById(entry.card.id) : entry.form;
      if (!el || !el.isConnected) return;
      entry.card = entry.card ? el : null;
      if (el.dataset.waiting !== text) el.dataset.waiting = text;
      el.classList.add("waiting");
      el.classList.toggle("unsent", offline);
      if (el.closest("#live")) steering = true;
    });
    var note = $("#live .pending-note");
    if (note) {
      var said = steering ? text : "";
      if (note.textContent !== said) note.textContent = said;
      note.classList.toggle("unsent", steering && offline);
    }
  }
  setInterval(showWaiting, 400);

  function send(command, origin, card) {
    var id = app.send(command, origin);
    if (card) waiting.push({ type: command.type, key: keyOf(command), card: card });
    showWaiting();
    return id;
  }

  // --- the board: themes by dragging, or by ticking and choosing -------------------------
  function cardOf(id) { return document.getElementById("mod-" + id); }
  function picked() { return $$("#moderation input.pick:checked").map(function (box) { return box.value; }); }
  function countPicked() {
    var form = $("#bulk");
    if (!form) return;
    var out = $(".picked", form);
    var text = (form.dataset.picked || "{n}").replace("{n}", picked().length);
    if (out && out.textContent !== text) out.textContent = text;
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList.contains("pick")) countPicked();
  });

  // One assign_theme per idea that is not in that theme already: as the screen shows it, or,
  // while an earlier choice is still unanswered (its answer may come late), as last sent.
  var themeSent = {}; // idea → the theme last sent for it
  function themeNow(id, card) {
    var out = unanswered().some(function (c) { return c.type === "assign_theme" && c.idea === id; });
    return out && id in themeSent ? themeSent[id] : card.dataset.theme;
  }
  function putInTheme(ids, theme, origin) {
    var sent = 0;
    ids.forEach(function (id) {
      var card = cardOf(id);
      if (!card || themeNow(id, card) === theme) return;
      var form = origin || $("form", card);
      themeSent[id] = theme;
      send({ type: "assign_theme", idea: id, theme: theme || null }, { form: form }, card);
      sent += 1;
    });
    return sent;
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "bulk") return;
    event.preventDefault();
    var form = event.target;
    var ids = picked();
    var note = $(".bulk-note", form);
    if (!ids.length) { if (note) note.textContent = body.dataset.pickFirst || ""; return; }
    if (note) note.textContent = "";
    putInTheme(ids, $("#bulk-theme").value, form);
    $$("#moderation input.pick:checked").forEach(function (box) { box.checked = false; });
    countPicked();
  });

  var dragged = null; // the ids being dragged
  var over = null; // the element showing where they would go
  function dropTarget(el) {
    if (!dragged || !el || !el.closest) return null;
    var card = el.closest("li.card");
    if (card && !card.classList.contains("hidden-idea")) {
      if (dragged.length === 1 && card.dataset.idea !== dragged[0]) return { merge: card.dataset.idea, el: card };
      if (dragged.length > 1 || card.dataset.idea === dragged[0]) {
        var section = card.closest("[data-drop-theme]");
        return section ? { theme: section.dataset.dropTheme, el: section } : null;
      }
    }
    var zone = el.closest("[data-drop-theme]");
    return zone ? { theme: zone.dataset.dropTheme, el: zone } : null;
  }
  function highlight(target) {
    var el = target ? target.el : null;
    if (over === el) return;
    if (over) { over.classList.remove("drop-over"); delete over.dataset.hint; }
    over = el;
    if (el) {
      el.classList.add("drop-over");
      el.dataset.hint = target.merge ? body.dataset.mergeHint : body.dataset.themeHint;
    }
  }
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("#moderation li.card[draggable=true]");
    if (!card) return;
    var box = $("input.pick", card);
    var ticked = picked();
    dragged = box && box.checked && ticked.length > 1 ? ticked : [card.dataset.idea];
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.idea);
    dragged.forEach(function (id) { var c = cardOf(id); if (c) c.classList.add("dragging"); });
  });
  document.addEventListener("dragover", function (event) {
    var target = dropTarget(event.target);
    highlight(target);
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });
  document.addEventListener("drop", function (event) {
    var target = dropTarget(event.target);
    var ids = dragged;
    highlight(null);
    if (!target || !ids) return;
    event.preventDefault();
    if (target.merge) askMerge(ids[0], target.merge);
    else {
      putInTheme(ids, target.theme);
      ids.forEach(function (id) { var box = $("input.pick", cardOf(id) || body); if (box) box.checked = false; });
      countPicked();
    }
  });
  document.addEventListener("dragend", function () {
    highlight(null);
    $$("#moderation li.dragging").forEach(function (c) { c.classList.remove("dragging"); });
    dragged = null;
  });

  // --- merging by a drop: asked first ------------------------------------------------------
  var merging = null; // {source, target}
  function textOf(id) { var el = document.getElementById("text-" + id); return el ? el.textContent : ""; }
  function askMerge(source, target) {
    var dialog = $("#merge-dialog");
    merging = { source: source, target: target };
    $(".merge-source", dialog).textContent = textOf(source);
    $(".merge-target", dialog).textContent = textOf(target);
    $$(".refusal", dialog).forEach(function (note) { note.remove(); });
    openDialog(dialog);
  }
  function merge(source, target, form, submitter, dialog) {
    var id = send({ type: "merge_ideas", source: source, target: target }, { form: form, submitter: submitter }, cardOf(source));
    whenAnswered(id, form, function (refused) { if (!refused && dialog.open) dialog.close(); });
  }
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "merge-form" || !merging) return;
    event.preventDefault();
    merge(merging.source, merging.target, event.target, event.submitter, $("#merge-dialog"));
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#merge-dialog [data-same-theme]") || !merging) return;
    var target = cardOf(merging.target);
    putInTheme([merging.source], target ? target.dataset.theme : "");
    $("#merge-dialog").close();
  });

  // --- the shared dialog: edit an idea, or merge it into one found by its text -------------
  var editing = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-edit]");
    if (!button) return;
    editing = button.dataset.edit;
    var dialog = $("#idea-dialog");
    var form = $("#edit-form");
    form.elements.idea.value = editing;
    form.elements.text.value = textOf(editing);
    $$(".refusal", dialog).forEach(function (note) { note.remove(); });
    $("#merge-search").value = "";
    findTargets("");
    openDialog(dialog);
    form.elements.text.focus();
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "edit-form") return;
    event.preventDefault();
    var form = event.target;
    var command = { type: "edit_idea", idea: form.elements.idea.value, text: form.elements.text.value };
    var id = send(command, { form: form, submitter: event.submitter }, cardOf(command.idea));
    whenAnswered(id, form, function (refused) { if (!refused) $("#idea-dialog").close(); });
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "merge-find") event.preventDefault();
  });
  function findTargets(query) {
    var list = $("#merge-results");
    var none = $("#idea-dialog .merge-none");
    list.textContent = "";
    query = query.trim().toLocaleLowerCase();
    if (!query) { none.hidden = true; return; }
    var found = $$("#moderation li.card:not(.hidden-idea)").filter(function (card) {
      return card.dataset.idea !== editing && textOf(card.dataset.idea).toLocaleLowerCase().indexOf(query) >= 0;
    }).slice(0, 8);
    none.hidden = found.length > 0;
    found.forEach(function (card) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.dataset.mergeInto = card.dataset.idea;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = body.dataset.mergeText || "";
      button.appendChild(hidden);
      button.appendChild(document.createTextNode(textOf(card.dataset.idea)));
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "merge-search") findTargets(event.target.value);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-merge-into]");
    if (!button || !editing) return;
    merge(editing, button.dataset.mergeInto, $("#merge-find"), button, $("#idea-dialog"));
  });

  // --- commands a form cannot carry: null, lists --------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-send]");
    if (!button) return;
    var command;
    try { command = JSON.parse(button.dataset.send); } catch (e) { return; }
    send(command, { form: button.form, submitter: button });
  });
  // The plenum's speakers: each button adds or takes away one person; one command names them all.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-speaker]");
    if (!button) return;
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    var named = $$("button[data-speaker][aria-pressed=true]").map(function (b) { return b.dataset.speaker; });
    send({ type: "name_speakers", participants: named }, { form: button.form, submitter: button });
  });

  // --- the preview: another role's screen, in a frame that follows the workshop -------------
  var lastPreview = 0;
  var previewTimer = null;
  function previewUrl() {
    var form = $("#preview-form");
    if (!form) return null;
    var role = form.elements.role.value;
    var group = form.elements.group.value;
    return "/w/" + workshop + "/preview/" + role + (group && role !== "projector" ? "?group=" + encodeURIComponent(group) : "");
  }
  function refreshPreview(now) {
    var frame = $("#preview-frame");
    var url = previewUrl();
    if (!frame || !url || current !== "preview") return;
    var box = frame.parentElement;
    var role = $("#preview-form").elements.role.value;
    box.classList.toggle("wall", role === "projector");
    box.classList.toggle("phone", role !== "projector");
    clearTimeout(previewTimer);
    var wait = now ? 0 : Math.max(0, 1500 - (Date.now() - lastPreview));
    previewTimer = setTimeout(function () {
      lastPreview = Date.now();
      if (frame.getAttribute("src") !== url) frame.setAttribute("src", url);
      else if (frame.contentWindow) frame.contentWindow.location.replace(url);
    }, wait);
  }
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "preview-form") return;
    event.preventDefault();
    refreshPreview(true);
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#preview-form")) refreshPreview(true);
  });

  // --- after every morph ------------------------------------------------------------------
  app.onSwap(function () {
    markTabs();
    syncPrivate();
    countPicked();
    showWaiting();
    settleConfirmations();
    if (current === "preview") refreshPreview(false);
  });

  // --- start ------------------------------------------------------------------------------
  var fromHash = location.hash.replace("#panel-", "");
  showView(fromHash && fromHash !== location.hash ? fromHash : current);
  // A confirmation opened without this script (?confirm=end) becomes a modal one.
  $$("dialog[open]").forEach(function (dialog) { dialog.close(); openDialog(dialog); });
})();
