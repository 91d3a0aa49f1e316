// facilitator: the small client the server-rendered pages need (docs/decisions.md).
// - Live: one websocket per page. HTML fragments are morphed (idiomorph) into the element
//   with the same id, so focus, scroll, selection and typed text survive every update; JSON
//   messages carry the clock, acknowledgements, refusals and the personal part of a view.
// - One acknowledged path: every form marked data-command goes through the page's outbox
//   (kept in localStorage), each command with a client-made id. A command is sent once per
//   connection, again only after a reconnect or a reload, held until an answer settles it:
//   an ack, or a refusal (shown next to the control that sent it). A refusal for rate is
//   retried after a growing pause, never dropped. Without JavaScript the same forms post.
// - A late answer never overwrites a field the person changed since: each field remembers
//   the value last sent or seen, and which of its commands are still unanswered.
// - Timers count down towards the server's deadline, corrected by the clock offset.
// Ready for a strict Content-Security-Policy: no inline script or style, nothing evaluated.
(function () {
  "use strict";
  var body = document.body;
  var liveUrl = body.dataset.live;
  var workshop = body.dataset.workshop || (liveUrl || "").split("/")[2] || "";
  var screen = body.classList.contains("phone") ? "phone" : body.className.split(" ")[0] || "page";
  var offset = 0; // server clock minus this device's clock, in ms
  var socket = null;
  var open = false;
  var retry = 0;

  function uid() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works on plain http too, unlike randomUUID
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // --- the outbox -------------------------------------------------------------------------
  // Items: {command (with its client_id), page: the page that sends it, sent: the
  // connection it went out on (null: not on this one), retryAt: not before this time (ms)}.
  // The list lives in localStorage, read and written whole on every change, so a reload, a
  // closed browser or a phone that was offline sends what is left.
  var outboxKey = "outbox:" + workshop + ":" + screen;
  var pageId = uid().slice(0, 12);
  var connection = 0; // this page's connections; the mark is pageId:connection
  var memory = []; // the outbox when localStorage refuses (private mode, full)
  var origins = new Map(); // client_id → {form, submitter, fields, restore, compose}
  var pauseUntil = 0; // after a refusal for rate: nothing goes out before this
  var strikes = 0; // refusals for rate since the last ack
  var windowSize = Infinity; // unanswered commands allowed in flight (1 after a refusal for rate)
  var pumpTimer = null;
  var sentAt = new Map(); // client_id → when it went out on this connection
  var lastHeard = 0; // when the socket last said anything
  var pingedAt = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return memory; }
  }
  function store(list) {
    memory = list;
    try { localStorage.setItem(outboxKey, JSON.stringify(list)); } catch (e) { /* memory holds it */ }
    if (outboxHooks.length && !outboxTold) { // once per turn, however many changes it made
      outboxTold = true;
      Promise.resolve().then(function () { outboxTold = false; outboxHooks.forEach(function (fn) { fn(); }); });
    }
  }
  var outboxHooks = [];
  var outboxTold = false;
  function update(change) {
    var list = load();
    var result = change(list);
    store(list);
    return result;
  }
  function take(clientId) { // remove an answered item; null if it is not (or no longer) here
    return update(function (list) {
      var i = list.findIndex(function (item) { return item.command.client_id === clientId; });
      return i < 0 ? null : list.splice(i, 1)[0];
    });
  }

  // What a command must not overtake: an earlier unanswered command on the same thing (the
  // same field of an entry, the same idea, the agenda…), so the last one chosen is the one
  // that stays even when an earlier one waits for a retry.
  var AGENDA = ["start", "next", "previous", "jump", "pause", "resume", "extend", "end",
    "reveal_votes", "reveal_decision", "form_groups"];
  function keysOf(c) {
    if (c.type === "triage") return ["triage:" + c.entry + ":" + c.field];
    if (c.type === "merge_ideas") return ["idea:" + c.source, "idea:" + c.target];
    if (c.type === "vote" || c.type === "unvote") return ["votes"];
    if (c.type === "react") return ["react:" + c.entry + ":" + c.reaction];
    if (c.type === "move_participant") return ["groups", "person:" + c.participant];
    if (AGENDA.indexOf(c.type) >= 0) return ["agenda"];
    if (c.idea) return ["idea:" + c.idea];
    return ["type:" + c.type];
  }

  function enqueue(command, origin) {
    command.client_id = command.client_id || uid();
    if (origin) origins.set(command.client_id, origin);
    update(function (list) {
      list.push({ command: command, page: pageId, sent: null, retryAt: 0 });
    });
    pump();
    return command.client_id;
  }

  // Send, in order, what may go now: not yet on this connection, not waiting for a retry,
  // not behind an unanswered command on the same thing, and within the window.
  function pump() {
    clearTimeout(pumpTimer);
    pumpTimer = null;
    if (!open) return;
    var now = Date.now();
    if (now < pauseUntil) { later(pauseUntil - now); return; }
    var mark = pageId + ":" + connection;
    var next = Infinity;
    update(function (list) {
      var held = {};
      var inFlight = list.filter(function (item) { return item.page === pageId && item.sent === mark; }).length;
      list.forEach(function (item) {
        if (item.page !== pageId) return; // another tab's; adopted on the next page load
        var keys = keysOf(item.command);
        var behind = keys.some(function (k) { return held[k]; });
        keys.forEach(function (k) { held[k] = true; });
        if (behind || item.sent === mark) return;
        if (item.retryAt > now) { next = Math.min(next, item.retryAt); return; }
        if (inFlight >= windowSize) return;
        socket.send(JSON.stringify(item.command));
        sentAt.set(item.command.client_id, now);
        item.sent = mark;
        inFlight += 1;
      });
    });
    if (next < Infinity) later(next - now);
  }
  function later(ms) {
    clearTimeout(pumpTimer);
    pumpTimer = setTimeout(pump, Math.max(10, ms));
  }

  function acknowledged(clientId) {
    take(clientId);
    sentAt.delete(clientId);
    strikes = 0;
    windowSize = windowSize >= 32 ? Infinity : windowSize * 2;
    clearFlash();
    var origin = origins.get(clientId);
    origins.delete(clientId);
    if (origin) {
      settleFields(origin, clientId, true);
      (origin.fields || []).forEach(function (sent) { clearFieldRefusal(sent.el); });
      clearRefusal(origin.form);
      if (origin.compose) { status(body.dataset.savedText || ""); announce(body.dataset.savedText || ""); }
      var done = origin.form && origin.form.dataset.done;
      if (done) {
        showNote(origin.form, origin.submitter, done, "done");
        announce(done);
      }
    }
    pump();
  }

  function refusedForRate(clientId) {
    var now = Date.now();
    sentAt.delete(clientId);
    windowSize = 1;
    if (now >= pauseUntil) {
      // 250 ms, 500 ms, 1 s … up to 8 s, with some jitter so two pages do not retry in step.
      // Commands already on their way when the pause began are refused too: no new strike.
      strikes += 1;
      pauseUntil = now + Math.min(8000, 250 * Math.pow(2, strikes - 1)) * (0.8 + Math.random() * 0.4);
    }
    update(function (list) {
      list.forEach(function (item) {
        if (item.command.client_id === clientId) { item.sent = null; item.retryAt = pauseUntil; }
      });
    });
    later(pauseUntil - now);
  }

  function refused(clientId, text) {
    if (clientId) { take(clientId); sentAt.delete(clientId); }
    var origin = clientId ? origins.get(clientId) : null;
    if (clientId) origins.delete(clientId);
    if (origin) {
      settleFields(origin, clientId, false);
      (origin.restore || []).forEach(function (kept) { // the text goes back where it was typed
        if (kept[0].isConnected && !kept[0].value) { kept[0].value = kept[1]; stateOf(kept[0]).base = ""; }
      });
      var single = (origin.fields || []).length === 1 && origin.form && origin.form.hasAttribute("data-triage");
      if (single) showFieldRefusal(origin.fields[0].el, text);
      else showRefusal(origin.form, origin.submitter, text);
    }
    if (origin && origin.form && origin.form.isConnected) announce(text);
    else flash(text);
    pump();
  }

  // --- fields: the value last sent or seen, and the commands still out -------------------
  var states = new WeakMap();
  function isField(el) {
    if (!el || !el.name) return false;
    if (el.tagName === "SELECT" || el.tagName === "TEXTAREA") return true;
    return el.tagName === "INPUT" && ["hidden", "submit", "button", "reset", "image", "file"].indexOf(el.type) < 0;
  }
  function valueOf(el) { return el.type === "checkbox" || el.type === "radio" ? (el.checked ? "on" : "") : el.value; }
  function setValue(el, value) {
    if (el.type === "checkbox" || el.type === "radio") el.checked = value === "on"; else el.value = value;
  }
  function rendered(el) { // what the server rendered into a field (a fresh fragment's, too)
    if (el.tagName === "SELECT") {
      var chosen = el.querySelector("option[selected]") || el.querySelector("option");
      return chosen ? chosen.value : "";
    }
    if (el.type === "checkbox" || el.type === "radio") return el.hasAttribute("checked") ? "on" : "";
    if (el.tagName === "TEXTAREA") return el.defaultValue;
    return el.getAttribute("value") || "";
  }
  function stateOf(el) {
    var state = states.get(el);
    if (!state) {
      var seen = rendered(el);
      state = { base: seen, server: seen, pending: {} };
      states.set(el, state);
    }
    return state;
  }
  function pendingCount(state) { return Object.keys(state.pending).length; }
  // Changed since it was last sent or seen, or still waiting for an answer.
  function isProtected(el) {
    var state = stateOf(el);
    return valueOf(el) !== state.base || pendingCount(state) > 0;
  }
  function markSent(el, clientId) {
    var state = stateOf(el);
    var before = state.base;
    state.base = valueOf(el);
    state.pending[clientId] = true;
    return { el: el, before: before };
  }
  function settleFields(origin, clientId, accepted) {
    (origin.fields || []).forEach(function (sent) {
      var state = stateOf(sent.el);
      delete state.pending[clientId];
      if (!accepted) { state.base = state.server; return; } // the person's value stays, unsaved
      // Answered and untouched since: show what the server holds now, unless a fragment on
      // its way will (it is morphed next and finds the field no longer protected).
      if (!pendingCount(state) && valueOf(sent.el) === state.base && !waiting.length &&
          state.server !== state.base && sent.el.isConnected) {
        setValue(sent.el, state.server);
        state.base = state.server;
      }
    });
  }
  // Someone already typed before the page knew the field (a value the browser restored).
  function noticeFields(root) {
    root.querySelectorAll("input, select, textarea").forEach(function (el) { if (isField(el)) stateOf(el); });
  }

  // --- messages next to the control, and in the alert region ------------------------------
  // A note beside the control that sent a command: a refusal, or that it is done ("Gemt",
  // "Dit spørgsmål er sendt"). Morphs leave notes alone; the form's next send, or a new
  // phase, clears them.
  function showNote(form, submitter, text, kind) {
    if (!form || !form.isConnected) return;
    clearNotes(form);
    var note = document.createElement("span");
    note.className = kind === "done" ? "note done" : "refusal";
    note.id = "note-" + uid().slice(0, 8);
    note.textContent = text;
    var anchor = submitter && form.contains(submitter) ? submitter : null;
    if (anchor) anchor.insertAdjacentElement("afterend", note); else form.appendChild(note);
    var control = submitter || form.querySelector("button");
    if (control && kind !== "done") control.setAttribute("aria-describedby", note.id);
  }
  function showRefusal(form, submitter, text) { showNote(form, submitter, text, "refusal"); }
  function clearNotes(form) {
    if (!form) return;
    form.querySelectorAll(".refusal:not([data-for]), .note.done").forEach(function (note) {
      form.querySelectorAll("[aria-describedby='" + note.id + "']").forEach(function (el) {
        el.removeAttribute("aria-describedby");
      });
      note.remove();
    });
  }
  function clearRefusal(form) { clearNotes(form); }
  // A refused field (a triage's timeline, say): the server's message beside it, the field
  // marked invalid for assistive technology (no browser bubble: the form is novalidate).
  function showFieldRefusal(field, text) {
    if (!field || !field.isConnected) return;
    clearFieldRefusal(field);
    var note = document.createElement("span");
    note.className = "refusal";
    note.id = "note-" + uid().slice(0, 8);
    note.dataset.for = field.id || field.name;
    note.textContent = text;
    field.insertAdjacentElement("afterend", note);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", note.id);
    if (field.setCustomValidity) field.setCustomValidity(text);
  }
  function clearFieldRefusal(field) {
    if (!field || !field.isConnected || field.getAttribute("aria-invalid") !== "true") return;
    var id = field.getAttribute("aria-describedby");
    var note = id ? document.getElementById(id) : null;
    if (note) note.remove();
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
    if (field.setCustomValidity) field.setCustomValidity("");
  }
  // Everything a phase made sense of goes with it: notes, refused fields, the alert.
  function clearAllNotes() {
    document.querySelectorAll("[aria-invalid='true']").forEach(clearFieldRefusal);
    document.querySelectorAll("form").forEach(clearNotes);
    clearFlash();
  }
  // The page's one polite live region (templates/base.html). Emptied first, so the same
  // words said twice are announced twice.
  var announceTimer = null;
  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { region.textContent = text; }, 60);
  }
  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    region.textContent = "";
    var p = document.createElement("p");
    p.className = "flash";
    p.textContent = text;
    region.appendChild(p);
  }
  function clearFlash() {
    var region = document.getElementById("flash");
    if (region && region.firstChild) region.textContent = "";
  }
  function status(text) {
    var out = document.querySelector("#compose .status");
    if (out) out.textContent = text;
  }

  // --- morphing -----------------------------------------------------------------------------
  // Fragments are morphed once per animation frame; of several versions of one fragment that
  // arrived meanwhile, only the latest.
  var waiting = []; // fragments not yet morphed, in arrival order (one per id)
  var scheduled = false;
  var last = {}; // id → the markup last received (the same again needs no morph)
  function receive(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    // A part of a fragment sent alone comes in a <template> of its own (a table row parses
    // only there): what it holds is what is swapped.
    var tops = [];
    Array.from(template.content.children).forEach(function (top) {
      if (top.tagName === "TEMPLATE") tops.push.apply(tops, Array.from(top.content.children));
      else tops.push(top);
    });
    tops.forEach(function (fresh) {
      if (!fresh.id) return;
      var markup = fresh.outerHTML;
      if (last[fresh.id] === markup && !waiting.some(function (w) { return w.id === fresh.id; })) return;
      last[fresh.id] = markup;
      waiting = waiting.filter(function (other) { return other.id !== fresh.id; });
      waiting.push(fresh);
    });
    if (!waiting.length || scheduled) return;
    scheduled = true;
    requestAnimationFrame(morphWaiting);
    setTimeout(morphWaiting, 200); // a hidden tab draws no frames
  }
  function morphWaiting() {
    scheduled = false;
    if (!waiting.length) return;
    var fresh = waiting;
    waiting = [];
    var focused = document.activeElement;
    var ancestors = [];
    for (var el = focused; el && el !== body; el = el.parentElement) ancestors.push(el);
    fresh.forEach(function (element) {
      var old = document.getElementById(element.id);
      if (!old) return;
      // A fragment comes whole or as the parts of it that changed (a theme's section, a
      // person's row): what was last had of the elements around it and within it is no more.
      var part = false;
      for (var up = old.parentElement; up; up = up.parentElement) if (up.id) { delete last[up.id]; part = true; }
      Array.from(element.querySelectorAll("[id]")).forEach(function (inner) { delete last[inner.id]; });
      // A part's morph makes and drops list items that the next whole one then moves: what
      // was last morphed into those ids is no longer known.
      if (part) [old, element].forEach(function (root) {
        Array.from(root.querySelectorAll("li[id]")).forEach(function (item) { items.delete(item.id); });
      });
      morph(old, element);
    });
    afterSwap();
    keepFocus(focused, ancestors);
  }

  var kept = new Map(); // field → the person's value, kept through this morph
  var items = new Map(); // id of a list item → its markup last morphed in (the same: skip it)
  var morphing = {
    morphStyle: "outerHTML",
    callbacks: {
      beforeNodeMorphed: function (old, fresh) {
        if (old.nodeType === 1 && old.tagName === "LI" && old.id && fresh.nodeType === 1) {
          // One entry of forty changed: the other thirty-nine need no walk.
          var markup = fresh.outerHTML;
          if (items.get(old.id) === markup) return false;
          items.set(old.id, markup);
        }
        if (old.nodeType === 1 && isField(old) && fresh.nodeType === 1) {
          var state = stateOf(old);
          state.server = rendered(fresh);
          if (isProtected(old)) kept.set(old, valueOf(old));
          else state.base = state.server;
        }
        return true;
      },
      afterNodeMorphed: function (old) {
        if (kept.has(old)) {
          var value = kept.get(old);
          if (valueOf(old) !== value) setValue(old, value);
        }
      },
      beforeAttributeUpdated: function (name, el, how) {
        if ((name === "value" || name === "checked") && kept.has(el)) return false;
        if (name === "selected" && el.parentElement && kept.has(el.closest("select"))) return false;
        if (name === "open" && el.tagName === "DETAILS") return false; // the person's choice
        if (name === "aria-describedby" && how === "remove") return false; // a refusal's note
        if (name === "aria-invalid" && how === "remove") return false;
        if (name === "hx-swap-oob" && how === "remove") return false;
        return true;
      },
      beforeNodeRemoved: function (node) {
        return !(node.classList && (node.classList.contains("refusal") || node.classList.contains("done")));
      },
    },
  };
  function morph(old, fresh) {
    kept.clear();
    if (window.Idiomorph) Idiomorph.morph(old, fresh, morphing);
    else old.replaceWith(fresh); // idiomorph failed to load: at least the view is current
    kept.clear();
    var root = document.getElementById(fresh.id) || old;
    if (window.htmx) htmx.process(root);
  }
  // Focus stays on the control (a morph keeps the node); if the control went or became
  // disabled, the nearest control that is still there takes it, never <body>.
  function keepFocus(focused, ancestors) {
    if (!focused || focused === body || document.activeElement !== body && document.activeElement !== null) return;
    if (focused.isConnected && !focused.disabled) { focused.focus({ preventScroll: true }); return; }
    for (var i = 0; i < ancestors.length; i++) {
      var place = ancestors[i];
      if (!place.isConnected) continue;
      var next = Array.from(place.querySelectorAll("button, input, select, textarea, a[href], summary"))
        .find(function (c) { return !c.disabled && c.type !== "hidden" && c.getClientRects().length; });
      if (next) { next.focus({ preventScroll: true }); return; }
    }
  }

  // htmx answers (the forms that are not commands, e.g. anonymise) are morphed the same way.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var detail = event.detail;
    var fresh = detail.fragment && detail.fragment.firstElementChild;
    if (!fresh || !detail.target) return;
    detail.shouldSwap = false;
    var focused = document.activeElement;
    morph(detail.target, fresh);
    afterSwap();
    keepFocus(focused, []);
  });

  // A phase change: said once in the live region, in the tab's title, and, while the
  // phase's heading is out of sight, in a notice at the top. The marker is the element with
  // data-phase (the phone's #phase, the console's agenda) as the server rendered it.
  var lastPhase = null;
  var lastStatus = null;
  function noticePhase() {
    var marker = document.querySelector("[data-phase]");
    if (!marker) return;
    var key = marker.dataset.phase;
    var changed = lastPhase !== null && key !== lastPhase;
    var paused = lastStatus !== null && key === lastPhase && marker.dataset.status !== lastStatus;
    lastPhase = key;
    lastStatus = marker.dataset.status || "";
    if (marker.dataset.pageTitle) document.title = marker.dataset.pageTitle;
    if (paused) announce(marker.dataset.statusAnnounce || "");
    if (!changed) return;
    clearAllNotes();
    var title = marker.dataset.phaseTitle || "";
    announce((body.dataset.newPhaseText || "") + ": " + title);
    var heading = document.getElementById(marker.dataset.heading || "");
    var notice = document.getElementById("phase-notice");
    var box = heading ? heading.getBoundingClientRect() : null;
    var visible = box && box.bottom > 0 && box.top < window.innerHeight;
    if (notice && !visible) {
      notice.querySelector(".phase-notice-title").textContent = title;
      notice.querySelector("a").setAttribute("href", "#" + (marker.dataset.heading || "main"));
      notice.hidden = false;
      document.title = (body.dataset.newPhaseText || "") + ": " + (marker.dataset.pageTitle || title);
      watchHeading(heading);
    } else if (notice) {
      notice.hidden = true;
    }
  }
  function hideNotice() {
    var notice = document.getElementById("phase-notice");
    if (notice && !notice.hidden) notice.hidden = true;
    var marker = document.querySelector("[data-phase]");
    if (marker && marker.dataset.pageTitle) document.title = marker.dataset.pageTitle;
  }
  var headingWatch = null;
  function watchHeading(heading) {
    if (!heading || !window.IntersectionObserver) return;
    if (headingWatch) headingWatch.disconnect();
    headingWatch = new IntersectionObserver(function (seen) {
      if (seen.some(function (s) { return s.isIntersecting; })) { hideNotice(); headingWatch.disconnect(); }
    });
    headingWatch.observe(heading);
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest(".phase-notice-close")) { hideNotice(); return; }
    var link = target.closest(".phase-notice-link");
    if (link) {
      event.preventDefault();
      var heading = document.getElementById((link.getAttribute("href") || "#").slice(1));
      hideNotice();
      if (heading) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.scrollIntoView({ block: "start" });
        heading.focus({ preventScroll: true });
      }
    }
  });

  function afterSwap() {
    tick();
    noticePhase();
    var phase = document.getElementById("phase");
    var compose = document.getElementById("compose");
    if (phase && compose) {
      var canPost = phase.dataset.canPost === "true";
      compose.hidden = !canPost;
      showDraft(!canPost);
    }
    applyMine();
    swapHooks.forEach(function (fn) { fn(); });
  }

  // --- drafts: what is typed is kept, whatever the room does ------------------------------
  var draftKey = "draft:" + workshop;
  function showDraft(phaseTakesNoIdeas) {
    var box = document.getElementById("draft");
    var field = document.getElementById("idea-text");
    if (!box || !field) return;
    var text = field.value.trim();
    box.hidden = !(phaseTakesNoIdeas && text);
    box.querySelector(".draft-text").textContent = text;
  }

  // --- personal part of the view --------------------------------------------------------
  var mine = null;
  function applyMine() {
    if (!mine) return;
    var left = document.querySelector(".left-count");
    if (left && mine.left !== null) left.textContent = mine.left;
    var board = document.getElementById("board");
    var most = board ? parseInt(board.dataset.maxPerIdea || "0", 10) : 0;
    var spent = mine.left === 0;
    var used = document.querySelector("[data-reason='votes-used']");
    if (used && used.hidden === spent) used.hidden = !spent;
    document.querySelectorAll("#board .idea").forEach(function (li) {
      var count = (mine.votes || {})[li.dataset.idea] || 0;
      var label = li.querySelector(".mine");
      var said = count ? (label && label.dataset.template || "{n}").replace("{n}", count) : "";
      if (label && label.textContent !== said) label.textContent = said;
      // The rule's no as text: the button stays focusable and says why (aria-describedby).
      var full = li.querySelector("[data-reason='idea-full']");
      var atMost = most > 0 && count >= most;
      if (full && full.hidden === (atMost && !spent)) full.hidden = !(atMost && !spent);
      var voteButton = li.querySelector("button.vote");
      if (voteButton) refuseWith(voteButton, spent ? used : atMost ? full : null);
      var unvoteButton = li.querySelector("button.unvote");
      if (unvoteButton) refuseWith(unvoteButton, count === 0 ? li.querySelector("[data-reason='not-voted']") : null);
    });
  }
  // A control the rule says no to: aria-disabled (still focusable, so focus never falls to
  // <body>), described by the reason's text, and its form not sent (the submit handler).
  function refuseWith(button, reason) {
    if (reason) {
      if (button.getAttribute("aria-disabled") !== "true") button.setAttribute("aria-disabled", "true");
      if (reason.id && button.getAttribute("aria-describedby") !== reason.id) button.setAttribute("aria-describedby", reason.id);
    } else if (button.hasAttribute("aria-disabled")) {
      button.removeAttribute("aria-disabled");
      button.removeAttribute("aria-describedby");
    }
  }

  // --- the socket -----------------------------------------------------------------------
  var slow = false; // closed for abuse (1008): come back slowly
  function connect() {
    if (!liveUrl) return;
    if (!navigator.onLine) { body.classList.add("offline"); return; } // "online" reconnects
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + liveUrl);
    socket.onopen = function () {
      open = true;
      retry = 0;
      connection += 1;
      windowSize = Infinity;
      sentAt.clear();
      body.classList.remove("offline");
      outboxHooks.forEach(function (fn) { fn(); });
      socket.send(JSON.stringify({ type: "hello" }));
      pump(); // what is still unanswered goes again, once on this connection
    };
    socket.onmessage = function (message) {
      var data = message.data;
      lastHeard = Date.now();
      pingedAt = 0;
      if (data.charAt(0) === "<") { receive(data); return; }
      var m = JSON.parse(data);
      if (m.type === "clock") offset = Date.parse(m.now) - Date.now();
      else if (m.type === "mine") {
        mine = m;
        if (!waiting.length) applyMine();
        mineHooks.forEach(function (fn) { fn(m); });
      }
      else if (m.type === "ack") acknowledged(m.client_id);
      else if (m.type === "refused" && m.code === "rate_limited" && m.client_id) refusedForRate(m.client_id);
      else if (m.type === "refused") refused(m.client_id, m.error);
    };
    socket.onclose = function (event) {
      open = false;
      body.classList.add("offline");
      outboxHooks.forEach(function (fn) { fn(); });
      if (event.code === 4403 || event.code === 4404) return; // not ours any more: no retries
      if (event.code === 1008) slow = true;
      if (!navigator.onLine) return;
      retry = Math.min(retry + 1, 6);
      var wait = (slow ? 5000 : 500) * retry * (0.8 + Math.random() * 0.4);
      setTimeout(function () { if (!open) connect(); }, wait);
    };
  }
  // A phone that loses its network may keep a dead socket for a while: drop it at once,
  // queue what is posted meanwhile, and reconnect (then resend) when the network is back.
  window.addEventListener("offline", function () { if (socket) socket.close(); });
  window.addEventListener("online", function () { if (!open) connect(); });
  // A command long unanswered on a socket that has gone quiet: ask it, and if it stays
  // silent, drop it (the reconnect sends what is unanswered again).
  setInterval(function () {
    if (!open || !sentAt.size) return;
    var now = Date.now();
    var oldest = Math.min.apply(null, Array.from(sentAt.values()));
    if (now - oldest < 8000 || now - lastHeard < 8000) return;
    if (!pingedAt) { pingedAt = now; socket.send(JSON.stringify({ type: "ping" })); }
    else if (now - pingedAt > 5000) { pingedAt = 0; socket.close(); }
  }, 2000);

  // --- command forms ----------------------------------------------------------------------
  function trimmed(field) {
    var value = field.value.trim() === "" ? null : field.value.trim();
    if (value !== null && field.dataset.type === "int" && /^\d+$/.test(value)) value = parseInt(value, 10);
    return value;
  }

  // The leaders' triage: each changed field is one command ("last write per field").
  function sendTriage(form, submitter) {
    Array.from(form.elements).forEach(function (field) {
      if (!isField(field) || valueOf(field) === stateOf(field).base) return;
      var command = { type: "triage", entry: form.dataset.entry, field: field.name, value: trimmed(field), client_id: uid() };
      enqueue(command, { form: form, submitter: submitter, fields: [markSent(field, command.client_id)] });
    });
  }

  function sendForm(form, submitter) {
    var command = {};
    new FormData(form).forEach(function (value, key) { if (typeof value === "string") command[key] = value; });
    if (submitter && submitter.name) command[submitter.name] = submitter.value;
    var fields = Array.from(form.elements).filter(isField);
    var origin = { form: form, submitter: submitter, fields: [], restore: [] };
    if (form.hasAttribute("data-reset")) {
      // A text to post: not blank; the field empties at once (the outbox holds the text, and
      // gives it back to the field if the server refuses it).
      var texts = fields.filter(function (f) { return f.tagName === "TEXTAREA" || f.type === "text"; });
      if (texts.length && texts.every(function (f) { return !f.value.trim(); })) return;
      origin.restore = texts.map(function (f) { return [f, f.value]; });
      origin.compose = form.id === "compose";
      form.reset();
      fields.forEach(function (f) { var state = stateOf(f); state.base = valueOf(f); state.server = state.base; });
      if (command.type === "post_idea") localStorage.removeItem(draftKey);
      if (origin.compose) status(open ? "" : body.dataset.queuedText || "");
      enqueue(command, origin);
      return;
    }
    command.client_id = uid();
    origin.fields = fields.map(function (f) { return markSent(f, command.client_id); });
    enqueue(command, origin);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.submitter && event.submitter.getAttribute("aria-disabled") === "true") {
      event.preventDefault(); // the rule says no, and the control says why
      event.stopImmediatePropagation();
      return;
    }
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-command") || !liveUrl) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    clearNotes(form);
    if (form.hasAttribute("data-triage")) sendTriage(form, event.submitter);
    else sendForm(form, event.submitter);
  }, true);

  document.addEventListener("input", function (event) {
    if (event.target.id === "idea-text") localStorage.setItem(draftKey, event.target.value);
  });

  function tick() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (el) {
      if (!el.dataset.deadline) return; // paused: the server's figure stands
      var left = Math.max(0, Math.round((Date.parse(el.dataset.deadline) - (Date.now() + offset)) / 1000));
      var out = el.querySelector(".left");
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (out && out.textContent !== text) out.textContent = text;
      el.classList.toggle("over", left <= 0);
    });
  }

  // --- what each screen's own script builds on (console.js, wall.js, phone.js) -------------
  // send(command, origin): through the outbox, as a form would; onSwap(fn): after every
  // morph (and once at the start); onMine(fn): when the personal part of the view arrives.
  var swapHooks = [];
  var mineHooks = [];
  window.facilitator = {
    send: function (command, origin) { return enqueue(command, origin); },
    onSwap: function (fn) { swapHooks.push(fn); },
    onMine: function (fn) { mineHooks.push(fn); if (mine) fn(mine); },
    serverNow: function () { return Date.now() + offset; },
    // What this page has sent that is not answered yet (its commands), and a hook for each
    // change of that list: what the phone shows as "waiting to be sent".
    pending: function () { return load().map(function (item) { return item.command; }); },
    onOutbox: function (fn) { outboxHooks.push(fn); },
    online: function () { return open; },
    announce: announce,
    note: function (form, submitter, text, kind) { showNote(form, submitter, text, kind); },
  };

  // --- start ----------------------------------------------------------------------------------
  if (body.dataset.serverNow) offset = Date.parse(body.dataset.serverNow) - Date.now();
  var field = document.getElementById("idea-text");
  if (field && !field.value) field.value = localStorage.getItem(draftKey) || "";
  if (liveUrl) {
    // What an earlier page left unanswered is this page's to send, once; also what the
    // previous version of this file kept (bare commands under "outbox:<workshop>").
    var previous = null;
    try { previous = JSON.parse(localStorage.getItem("outbox:" + workshop) || "null"); } catch (e) { previous = null; }
    update(function (list) {
      if (Array.isArray(previous)) {
        previous.forEach(function (c) { if (c && c.client_id && c.type) list.push({ command: c }); });
        localStorage.removeItem("outbox:" + workshop);
      }
      for (var i = list.length - 1; i >= 0; i--) if (!list[i] || !list[i].command) list.splice(i, 1);
      list.forEach(function (item) { item.page = pageId; item.sent = null; item.retryAt = 0; });
    });
    document.querySelectorAll("form[data-command]").forEach(noticeFields);
  }
  setInterval(tick, 1000);
  // Where the browser allows it (https, or this machine), a reload while the server is out
  // of reach shows the page as last seen, not an error (static/sw.js).
  if ("serviceWorker" in navigator && window.isSecureContext && liveUrl) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the page works without */ });
  }
  // The service worker's stand-in page: back to where the person was once the server answers.
  if (body.dataset.retry) {
    setInterval(function () {
      fetch(body.dataset.retry, { cache: "no-store" }).then(function (r) { if (r.ok) location.reload(); })
        .catch(function () { /* still out of reach */ });
    }, 3000);
  }
  // The screens' scripts load after this one (defer keeps the order): let them hook in first.
  window.addEventListener("DOMContentLoaded", function () { afterSwap(); connect(); });
})();
