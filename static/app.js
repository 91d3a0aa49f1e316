// facilitator: the small client the server-rendered pages need.
// - Live: one websocket per page; HTML fragments are swapped in by element id, JSON
//   messages carry clock, acknowledgements, refusals and the personal part of a view.
// - Nothing typed is lost: ideas and votes go through an outbox kept in localStorage,
//   each with a client-made id, resent after every reconnect until acknowledged (the
//   server answers a repeated id with its first result, so nothing is applied twice).
// - Timers count down towards the server's deadline, corrected by the clock offset.
(function () {
  "use strict";
  var body = document.body;
  var liveUrl = body.dataset.live;
  var workshop = body.dataset.workshop || "";
  var offset = 0; // server clock minus this device's clock, in ms
  var socket = null;
  var open = false;
  var retry = 0;

  function uid() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works on plain http too, unlike randomUUID
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // --- outbox ---------------------------------------------------------------------------
  var outboxKey = "outbox:" + workshop;
  function outbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { localStorage.setItem(outboxKey, JSON.stringify(items)); }
  function enqueue(command) {
    command.client_id = uid();
    var items = outbox();
    items.push(command);
    saveOutbox(items);
    flush();
  }
  function settle(clientId) {
    saveOutbox(outbox().filter(function (c) { return c.client_id !== clientId; }));
  }
  function flush() {
    if (!open) return;
    outbox().forEach(function (c) { socket.send(JSON.stringify(c)); });
  }

  // --- swapping -------------------------------------------------------------------------
  function swap(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    Array.from(template.content.children).forEach(function (fresh) {
      var old = fresh.id && document.getElementById(fresh.id);
      if (!old) return;
      var focused = document.activeElement;
      var focusId = focused && old.contains(focused) ? focused.id : null;
      // Fields a person has changed but not sent keep their value through the swap.
      var edits = Array.from(old.querySelectorAll("[data-dirty]")).map(function (field) {
        return [field.id, field.value];
      });
      old.replaceWith(fresh);
      edits.forEach(function (edit) {
        var field = edit[0] && document.getElementById(edit[0]);
        if (field) { field.value = edit[1]; field.dataset.dirty = "1"; }
      });
      if (window.htmx) htmx.process(fresh);
      if (focusId && document.getElementById(focusId)) document.getElementById(focusId).focus();
    });
    afterSwap();
  }

  function afterSwap() {
    tick();
    var phase = document.getElementById("phase");
    var compose = document.getElementById("compose");
    if (phase && compose) {
      var canPost = phase.dataset.canPost === "true";
      compose.hidden = !canPost;
      showDraft(!canPost);
    }
    applyMine();
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
    document.querySelectorAll("#board .idea").forEach(function (li) {
      var count = (mine.votes || {})[li.dataset.idea] || 0;
      var label = li.querySelector(".mine");
      if (label) label.textContent = count ? "★".repeat(count) : "";
      var voteButton = li.querySelector("button.vote");
      if (voteButton) voteButton.disabled = mine.left === 0;
      var unvoteButton = li.querySelector("button.unvote");
      if (unvoteButton) unvoteButton.disabled = count === 0;
    });
  }

  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    region.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash";
    p.textContent = text;
    region.appendChild(p);
  }

  function status(text) {
    var out = document.querySelector("#compose .status");
    if (out) out.textContent = text;
  }

  // --- the socket -----------------------------------------------------------------------
  function connect() {
    if (!liveUrl) return;
    if (!navigator.onLine) { body.classList.add("offline"); return; } // "online" reconnects
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + liveUrl);
    socket.onopen = function () {
      open = true;
      retry = 0;
      body.classList.remove("offline");
      socket.send(JSON.stringify({ type: "hello" }));
      flush();
    };
    socket.onmessage = function (message) {
      var data = message.data;
      if (data.charAt(0) === "<") { swap(data); return; }
      var m = JSON.parse(data);
      if (m.type === "clock") offset = Date.parse(m.now) - Date.now();
      else if (m.type === "mine") { mine = m; applyMine(); }
      else if (m.type === "ack") { settle(m.client_id); status(body.dataset.savedText || ""); }
      else if (m.type === "refused") { if (m.client_id) settle(m.client_id); flash(m.error); }
    };
    socket.onclose = function () {
      open = false;
      body.classList.add("offline");
      if (!navigator.onLine) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(function () { if (!open) connect(); }, 500 * retry);
    };
  }
  // A phone that loses its network may keep a dead socket for a while: drop it at once,
  // queue what is posted meanwhile, and reconnect (then resend) when the network is back.
  window.addEventListener("offline", function () { if (socket) socket.close(); });
  window.addEventListener("online", function () { if (!open) connect(); });

  // The leaders' triage: each changed field is one command ("last write per field").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-triage")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    Array.from(form.elements).forEach(function (field) {
      if (!field.name || field.value === field.dataset.saved) return;
      var value = field.value.trim() === "" ? null : field.value.trim();
      if (value !== null && field.dataset.type === "int") value = parseInt(value, 10);
      enqueue({ type: "triage", entry: form.dataset.entry, field: field.name, value: value });
      field.dataset.saved = field.value;
      delete field.dataset.dirty;
    });
  }, true);

  // Phones send ideas and votes through the outbox, not as page loads.
  document.addEventListener("submit", function (event) {
    if (!body.classList.contains("phone")) return;
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !liveUrl) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var command = {};
    new FormData(form, event.submitter).forEach(function (value, key) { command[key] = value; });
    if (command.type === "post_idea" || command.type === "ask_question") {
      if (!String(command.text).trim()) return;
      form.reset();
      Array.from(form.elements).forEach(function (f) { delete f.dataset.dirty; });
      if (command.type === "post_idea") localStorage.removeItem(draftKey);
      status(open ? "" : body.dataset.queuedText || "");
    }
    enqueue(command);
  }, true);

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.id === "idea-text") localStorage.setItem(draftKey, field.value);
    else if (field.closest && field.closest("[hx-swap-oob]") && field.id) field.dataset.dirty = "1";
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.tagName === "SELECT" && field.id && field.closest("[hx-swap-oob]")) field.dataset.dirty = "1";
  });

  function tick() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (el) {
      if (!el.dataset.deadline) return; // paused: the server's figure stands
      var left = Math.max(0, Math.round((Date.parse(el.dataset.deadline) - (Date.now() + offset)) / 1000));
      var out = el.querySelector(".left");
      if (out) out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("over", left <= 0);
    });
  }

  // A home reflection is saved as the person types (and kept on the phone meanwhile).
  var reflection = document.querySelector("form[data-autosave]");
  if (reflection) {
    var timer = null;
    var backupKey = "reflection:" + reflection.dataset.autosave;
    var area = reflection.querySelector("textarea");
    var backup = localStorage.getItem(backupKey);
    if (backup !== null && backup !== area.value) area.value = backup;
    var save = function () {
      var payload = { text: area.value, share: reflection.querySelector("[name=share]").checked };
      fetch(reflection.dataset.autosave, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      }).then(function (r) { return r.json(); }).then(function (answer) {
        var out = reflection.querySelector(".status");
        if (answer.ok) { localStorage.removeItem(backupKey); out.textContent = body.dataset.savedText; }
        else out.textContent = answer.error;
      }).catch(function () { /* kept in localStorage; the next keystroke retries */ });
    };
    reflection.addEventListener("input", function () {
      localStorage.setItem(backupKey, area.value);
      clearTimeout(timer);
      timer = setTimeout(save, 700);
    });
    reflection.addEventListener("submit", function (event) { event.preventDefault(); save(); });
  }

  if (body.dataset.serverNow) offset = Date.parse(body.dataset.serverNow) - Date.now();
  var field = document.getElementById("idea-text");
  if (field && !field.value) field.value = localStorage.getItem(draftKey) || "";
  setInterval(tick, 1000);
  afterSwap();
  connect();
})();
