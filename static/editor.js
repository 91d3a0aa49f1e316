/* The agenda editor (templates/editor/editor.html), on top of a form that works without it.
 *
 * Every button of the form posts the whole agenda with its "op"; the server answers with the
 * editor again. Here: the form is posted in the background after each change (a check, or the
 * button's op), and the answer is morphed in (idiomorph), so focus, scroll and typed text
 * stay. Moving a card (drag by its handle, or its up/down buttons) happens at once in the
 * page; the check that follows brings the new clock times, totals and messages. Saving,
 * downloading and uploading are left to the browser: full page loads.
 * No inline script or style anywhere (the page's CSP forbids them).
 */
(function () {
  "use strict";
  var root = document.getElementById("editor-root");
  var form = document.getElementById("editor");
  if (!root || !form) return;
  var body = document.body;
  var announcer = document.getElementById("editor-announcer");
  var NATIVE = { save: true, download: true, upload: true, reload: true };
  var generation = 0; // bumped by every change the person makes
  var inFlight = null;
  var queued = null; // the op to send once the one in flight is answered
  var timer = null;

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function cards() { return Array.prototype.slice.call(form.querySelectorAll("#cards > .card")); }

  function titleOf(card) {
    var heading = card.querySelector("h3");
    var number = heading && heading.querySelector(".number");
    var text = heading ? heading.textContent : "";
    return (number ? text.replace(number.textContent, "") : text).trim();
  }

  function moved(card) {
    var number = cards().indexOf(card) + 1 + Number(form.elements.locked.value || 0);
    var template = body.getAttribute("data-moved-text") || "{title}: {number}";
    announce(template.replace("{title}", titleOf(card)).replace("{number}", String(number)));
  }

  // --- talking to the server ----------------------------------------------------------

  function send(op) {
    if (inFlight) { queued = op === "check" && queued ? queued : op; return; }
    var data = new FormData(form);
    data.set("op", op);
    data.delete("file"); // an upload is the browser's to send
    var sentAt = generation;
    var structural = op !== "check";
    inFlight = fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        // A change made while this was on its way: a newer check follows, this is stale.
        if (generation === sentAt || structural) apply(html, structural);
      })
      .catch(function () { /* offline: the form still posts on its own */ })
      .then(function () {
        inFlight = null;
        if (queued) { var next = queued; queued = null; send(next); }
      });
  }

  function apply(html, structural) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("editor-root");
    if (!fresh) return;
    var focused = document.activeElement;
    var focusedId = focused && focused.id;
    if (window.Idiomorph) {
      Idiomorph.morph(root, fresh, {
        morphStyle: "outerHTML",
        ignoreActiveValue: true,
        restoreFocus: true,
        callbacks: {
          // Which settings are open is the person's choice; the server opens, never closes.
          beforeAttributeUpdated: function (name, el, how) {
            return !(name === "open" && el.tagName === "DETAILS" && how === "remove");
          },
        },
      });
    } else {
      root.replaceWith(fresh);
    }
    root = document.getElementById("editor-root");
    form = document.getElementById("editor");
    var wanted = structural ? root.querySelector("[autofocus]") : null;
    if (wanted) {
      wanted.focus();
    } else if (focusedId && document.activeElement !== document.getElementById(focusedId)) {
      var again = document.getElementById(focusedId);
      if (again && !again.disabled) again.focus();
    }
    var heading = document.getElementById("checks-title");
    if (heading && structural) announce(heading.textContent.trim());
  }

  function changed() {
    generation += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { send("check"); }, 350);
  }

  // --- buttons ------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#editor button[name=op]");
    if (!button) return;
    var op = button.value;
    if (NATIVE[op.split(":")[0]]) return; // a full page load, as without this script
    event.preventDefault();
    var direction = button.getAttribute("data-move");
    if (direction) {
      var card = button.closest(".card");
      if (!card || !moveCard(card, direction)) return;
      var list = cards();
      var index = list.indexOf(card);
      // A card at the end has no button that way: keep the focus on the other one.
      if (direction === "up" && index === 0) card.querySelector("[data-move=down]").focus();
      if (direction === "down" && index === list.length - 1) card.querySelector("[data-move=up]").focus();
      moved(card);
      generation += 1;
      send("check");
      return;
    }
    generation += 1;
    send(op);
  });

  function moveCard(card, direction) {
    if (direction === "up" && card.previousElementSibling) {
      card.parentNode.insertBefore(card, card.previousElementSibling);
      return true;
    }
    if (direction === "down" && card.nextElementSibling) {
      card.parentNode.insertBefore(card.nextElementSibling, card);
      return true;
    }
    return false;
  }

  // --- typing ---------------------------------------------------------------------------

  function inForm(event) {
    return event.target.closest && event.target.closest("#editor") && event.target.type !== "file";
  }
  document.addEventListener("input", function (event) {
    if (inForm(event)) changed();
  });
  document.addEventListener("change", function (event) {
    if (!inForm(event)) return;
    if (event.target.matches("[data-kind], select, input[type=checkbox]")) {
      generation += 1;
      clearTimeout(timer);
      send("check");
    }
  });
  document.addEventListener("keydown", function (event) {
    // Enter in a field checks the agenda; it never saves by surprise.
    if (event.key === "Enter" && inForm(event) && event.target.tagName === "INPUT") {
      event.preventDefault();
      generation += 1;
      clearTimeout(timer);
      send("check");
    }
  });

  // --- dragging -------------------------------------------------------------------------

  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest("#cards .handle");
    if (!handle) return;
    dragged = handle.closest(".card");
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-card"));
    try { event.dataTransfer.setDragImage(dragged, 20, 20); } catch (e) { /* not everywhere */ }
  });
  function clearMarks() {
    cards().forEach(function (c) { c.classList.remove("drop-before", "drop-after"); });
  }
  function target(event) {
    var card = event.target.closest && event.target.closest("#cards > .card");
    if (!card || !dragged || card === dragged) return null;
    var box = card.getBoundingClientRect();
    return { card: card, after: event.clientY > box.top + box.height / 2 };
  }
  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var found = target(event);
    if (!found) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    found.card.classList.add(found.after ? "drop-after" : "drop-before");
  });
  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var found = target(event);
    event.preventDefault();
    clearMarks();
    if (found) {
      found.card.parentNode.insertBefore(dragged, found.after ? found.card.nextElementSibling : found.card);
      moved(dragged);
      generation += 1;
      send("check");
    }
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  // A page the server answered after an op without this script focuses where it said.
  var first = root.querySelector("[autofocus]");
  if (first) first.focus();
})();
