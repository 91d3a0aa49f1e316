// facilitator: the phone's own part, on the small client of static/app.js.
// The fragments are shared by every phone of the same role, group and language; what is one
// person's own comes in the `mine` message and is put in place here after every morph:
// which ideas are mine (and may be edited), my reactions, upvotes and waiting questions, my
// poll and pulse answers. Polls and the pulse are sent as JSON (a form post cannot carry
// their shapes); what waits in the outbox is shown as waiting. No inline script or style.
(function () {
  "use strict";
  var app = window.facilitator;
  if (!app) return;
  var mine = null;
  var dirty = new WeakSet(); // answer forms the person has changed since their answer arrived

  function byId(id) { return document.getElementById(id); }
  function show(el, on) { if (el && el.hidden === on) el.hidden = !on; }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function setAttr(el, name, value) { if (el && el.getAttribute(name) !== value) el.setAttribute(name, value); }
  function item(text, cls) {
    var li = document.createElement("li");
    li.className = cls || "idea";
    var p = document.createElement("p");
    p.className = "text";
    p.textContent = text;
    li.appendChild(p);
    return li;
  }

  // --- the compose form speaks the phase's words ------------------------------------------
  function compose() {
    var phase = byId("phase");
    var form = byId("compose");
    if (!phase || !form) return;
    setText(form.querySelector(".compose-label"), phase.dataset.composeLabel || "");
    var button = form.querySelector(".compose-button");
    if (button) setText(button, phase.dataset.composeButton || "");
    show(form.querySelector(".compose-anonymous"), phase.dataset.anonymous === "optional");
    show(form.querySelector(".compose-forced"), phase.dataset.anonymous === "forced");
  }

  // --- my ideas: marked, and editable while the board takes changes -------------------------
  function ownIdeas() {
    var board = byId("board");
    var ideas = new Set((mine && mine.ideas) || []);
    var editable = board && board.dataset.editable === "true";
    document.querySelectorAll("#board li[data-idea]").forEach(function (li) {
      var own = ideas.has(li.dataset.idea);
      show(li.querySelector(".own-label"), own);
      show(li.querySelector(".own-controls"), own && editable);
      li.classList.toggle("own", own);
    });
    var section = byId("my-commitments");
    if (!section) return;
    var private_ = board && board.dataset.private === "true";
    show(section, !!private_);
    if (!private_) return;
    var own = (mine && mine.own) || [];
    var list = section.querySelector(".own-list");
    var key = JSON.stringify(own);
    if (list.dataset.key !== key) { // only when it changed: a focused button stays
      list.dataset.key = key;
      var focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.idea : null;
      list.textContent = "";
      own.forEach(function (idea) {
        var li = item(idea.text);
        li.dataset.idea = idea.id;
        li.id = "own-" + idea.id;
        var controls = document.createElement("div");
        controls.className = "own-controls";
        var edit = document.createElement("button");
        edit.type = "button";
        edit.className = "edit-idea";
        edit.dataset.idea = idea.id;
        edit.textContent = section.dataset.editText || "";
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden value";
        hidden.textContent = " " + idea.text;
        edit.appendChild(hidden);
        controls.appendChild(edit);
        li.appendChild(controls);
        list.appendChild(li);
      });
      if (focused) { var again = list.querySelector("button[data-idea='" + focused + "']"); if (again) again.focus(); }
    }
    setText(section.querySelector(".count"), "(" + own.length + ")");
    show(section.querySelector(".empty"), own.length === 0);
  }

  // --- reactions in the panel, upvotes and my questions in the plenum ------------------------
  function pressed() {
    var reactions = (mine && mine.reactions) || {};
    document.querySelectorAll("#catalogue li[data-entry] button.react").forEach(function (button) {
      var entry = button.closest("li[data-entry]").dataset.entry;
      var on = (reactions[entry] || []).indexOf(button.dataset.reaction) >= 0;
      setAttr(button, "aria-pressed", on ? "true" : "false");
    });
    var upvoted = new Set((mine && mine.upvoted) || []);
    var asked = new Set((mine && mine.questions) || []);
    document.querySelectorAll("#plenum li[data-question]").forEach(function (li) {
      var id = li.dataset.question;
      var own = asked.has(id);
      show(li.querySelector(".own-label"), own);
      var button = li.querySelector("button.upvote-button");
      if (!button) return;
      var on = upvoted.has(id);
      setAttr(button, "aria-pressed", on ? "true" : "false");
      setAttr(button, "value", on ? button.dataset.on : button.dataset.off);
      // Nobody upvotes their own question: no button there (and the rule says why, if the
      // focus was on it when it became mine).
      show(button.closest("form"), !own);
      if (own) {
        setAttr(button, "aria-disabled", "true");
        setAttr(button, "aria-describedby", "own-" + id);
      } else if (button.hasAttribute("aria-disabled")) {
        button.removeAttribute("aria-disabled");
        button.removeAttribute("aria-describedby");
      }
    });
    var waiting = byId("my-waiting");
    if (waiting) {
      var list = waiting.querySelector(".waiting-list");
      var items = (mine && mine.waiting) || [];
      var key = JSON.stringify(items);
      if (list.dataset.key !== key) {
        list.dataset.key = key;
        list.textContent = "";
        items.forEach(function (q) { list.appendChild(item(q.text, "question waiting")); });
      }
      show(waiting, items.length > 0);
    }
  }

  // --- my poll and pulse answers -------------------------------------------------------------
  function answers() {
    var poll = byId("poll-form");
    if (poll && mine && "poll" in mine && !dirty.has(poll)) {
      var given = mine.poll;
      var chosen = given === null || given === undefined ? [] : [].concat(given).map(String);
      poll.querySelectorAll("input[name=answer]").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = chosen.indexOf(input.value) >= 0;
        else if (document.activeElement !== input) input.value = chosen.length ? chosen[0] : "";
      });
      var line = poll.querySelector(".mine-answer");
      var labels = chosen.map(function (value) {
        var input = poll.querySelector("input[name=answer][value='" + CSS.escape(value) + "']");
        return input && input.parentElement ? input.parentElement.textContent.trim() : value;
      });
      show(line, chosen.length > 0);
      setText(line, chosen.length ? (poll.dataset.mineText || "").replace("{answer}", labels.join(", ")) : "");
    }
    var pulse = byId("pulse-form");
    if (pulse && mine && mine.pulse && !dirty.has(pulse)) {
      var answer = mine.pulse;
      pulse.querySelectorAll(".pulse-item").forEach(function (set) {
        var score = String((answer.scores || {})[set.dataset.item] || "");
        set.querySelectorAll("input").forEach(function (input) { input.checked = input.value === score; });
      });
      var recommend = answer.recommend === null || answer.recommend === undefined ? "" : String(answer.recommend);
      pulse.querySelectorAll("input[name=recommend]").forEach(function (input) { input.checked = input.value === recommend && (recommend !== "" || input.checked); });
      var why = pulse.querySelector("textarea[name=why]");
      if (why && document.activeElement !== why && !why.value) why.value = answer.why || "";
    }
  }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && (form.id === "poll-form" || form.id === "pulse-form")) dirty.add(form);
  });
  // A choice made before this script ran (a slow phone) is the person's too: a field that
  // differs from what the server rendered marks its form changed, as typing would.
  ["poll-form", "pulse-form"].forEach(function (id) {
    var form = byId(id);
    if (form && Array.prototype.some.call(form.elements, changedByHand)) dirty.add(form);
  });
  function changedByHand(field) {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "TEXTAREA" || field.type === "text") return field.value !== field.defaultValue;
    return false;
  }

  function jsonCommand(form) {
    if (form.dataset.json === "answer_poll") {
      var kind = form.dataset.answer;
      var answer;
      if (kind === "multiple") {
        answer = Array.from(form.querySelectorAll("input[name=answer]:checked")).map(function (i) { return i.value; });
      } else if (kind === "text") {
        answer = (form.querySelector("input[name=answer]") || { value: "" }).value.trim();
      } else {
        var picked = form.querySelector("input[name=answer]:checked");
        answer = picked ? (kind === "scale" ? parseInt(picked.value, 10) : picked.value) : (kind === "single" ? [] : null);
      }
      return { type: "answer_poll", answer: answer };
    }
    var scores = {};
    form.querySelectorAll(".pulse-item").forEach(function (set) {
      var picked = set.querySelector("input:checked");
      if (picked) scores[set.dataset.item] = parseInt(picked.value, 10);
    });
    var recommend = form.querySelector("input[name=recommend]:checked");
    var why = form.querySelector("textarea[name=why]");
    return {
      type: "answer_pulse",
      scores: scores,
      recommend: recommend && recommend.value !== "" ? parseInt(recommend.value, 10) : null,
      why: why ? why.value.trim() : "",
    };
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.json) return;
    event.preventDefault();
    form.querySelectorAll(".refusal, .note.done").forEach(function (note) { note.remove(); });
    app.send(jsonCommand(form), { form: form, submitter: event.submitter, fields: [] });
  });

  // --- what waits in the outbox ------------------------------------------------------------
  function pending() {
    var section = byId("pending");
    if (!section) return;
    var texts = app.pending().filter(function (c) { return c.type === "post_idea" || c.type === "post_question"; });
    var list = section.querySelector(".pending-list");
    var key = JSON.stringify(texts.map(function (c) { return c.client_id; }));
    if (list.dataset.key !== key) {
      list.dataset.key = key;
      list.textContent = "";
      texts.forEach(function (c) {
        var li = item(c.text || "", "idea pending-item");
        li.setAttribute("aria-busy", "true");
        list.appendChild(li);
      });
    }
    var state = section.querySelector(".pending-state");
    setText(state, app.online() ? state.dataset.onlineText : state.dataset.offlineText);
    show(section, texts.length > 0);
  }

  // --- editing and deleting my idea: one dialog ----------------------------------------------
  var dialog = byId("edit-dialog");
  var opener = null;
  function openEditor(button) {
    if (!dialog || !dialog.showModal) return;
    var id = button.dataset.idea;
    var li = document.querySelector("#board li[data-idea='" + id + "'], #my-commitments li[data-idea='" + id + "']");
    var text = li ? li.querySelector(".text").textContent : "";
    opener = button;
    var editForm = byId("edit-form");
    var deleteForm = byId("delete-form");
    editForm.querySelector("input[name=idea]").value = id;
    deleteForm.querySelector("input[name=idea]").value = id;
    var area = editForm.querySelector("textarea");
    area.value = text;
    [editForm, deleteForm].forEach(function (form) { form.querySelectorAll(".refusal, .note.done").forEach(function (n) { n.remove(); }); });
    show(deleteForm.querySelector(".delete-confirm"), false);
    show(deleteForm.querySelector(".delete-ask"), true);
    var title = byId("edit-title");
    var phase = byId("phase");
    setText(title, phase && phase.dataset.noun === "commitment" ? title.dataset.commitmentText : title.dataset.ideaText);
    dialog.showModal();
    area.focus();
  }
  function closeEditor(deleted) {
    if (!dialog || !dialog.open) return;
    dialog.close();
    var back = opener && opener.isConnected && !deleted ? opener : null;
    if (!back) back = byId("idea-text") && !byId("compose").hidden ? byId("idea-text") : byId("phase-title");
    if (back) back.focus();
  }
  if (dialog) {
    dialog.addEventListener("click", function (event) {
      var target = event.target;
      if (target.closest(".edit-cancel")) closeEditor(false);
      else if (target.closest(".delete-ask")) {
        var form = byId("delete-form");
        show(form.querySelector(".delete-ask"), false);
        show(form.querySelector(".delete-confirm"), true);
        form.querySelector(".delete-no").focus();
      } else if (target.closest(".delete-no")) {
        var again = byId("delete-form");
        show(again.querySelector(".delete-confirm"), false);
        show(again.querySelector(".delete-ask"), true);
        again.querySelector(".delete-ask").focus();
      }
    });
    // The answer decides: done closes the dialog (focus back where it was opened), a
    // refusal stays in it, beside the button. Offline, the outbox holds it: closed at once.
    dialog.addEventListener("submit", function (event) {
      var form = event.target;
      if (!app.online()) setTimeout(function () { closeEditor(form.id === "delete-form"); }, 0);
    });
    new MutationObserver(function () {
      if (!dialog.open) return;
      var done = dialog.querySelector(".note.done");
      if (done) closeEditor(!!done.closest("#delete-form"));
    }).observe(dialog, { childList: true, subtree: true });
  }
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button.edit-idea") : null;
    if (button) openEditor(button);
  });
  // A poll or pulse answer that arrived is no longer the person's unsent change.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.classList.contains("done")) {
          var form = node.closest("form");
          if (form && dirty.has(form)) { dirty.delete(form); answers(); }
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });

  function all() {
    compose();
    ownIdeas();
    pressed();
    answers();
    pending();
  }
  app.onSwap(all);
  app.onMine(function (m) { mine = m; all(); });
  app.onOutbox(pending);
})();
