// facilitator: the home reflection page. Saved as the person types, kept on the phone
// meanwhile (localStorage), honest about what the server holds: not saved yet, saving, or
// saved at the time the server gave. A draft left on the phone goes at once.
(function () {
  "use strict";
  var body = document.body;
  // The status line says what is true: not saved yet, saving, or saved at a time the server
  // gave. A draft left on the phone (the browser closed before it was saved) goes at once.
  var reflection = document.querySelector("form[data-autosave]");
  if (reflection) {
    var area = reflection.querySelector("textarea");
    var share = reflection.querySelector("[name=share]");
    var out = reflection.querySelector(".status");
    var backupKey = "reflection:" + reflection.dataset.autosave;
    // What the server holds is what it rendered, not what the fields hold now: a person may
    // have typed before this script ran (a slow phone), and that is not saved yet.
    var saved = { text: area.defaultValue, share: share ? share.defaultChecked : false };
    var inFlight = false;
    var timer = null;
    var pause = 0;
    var say = function (text) { if (out.textContent !== text) out.textContent = text; };
    var current = function () { return { text: area.value, share: share ? share.checked : false }; };
    var unsaved = function () { var now = current(); return now.text !== saved.text || now.share !== saved.share; };
    var savedAt = function (iso) {
      var when = new Date(iso);
      var time;
      try {
        time = new Intl.DateTimeFormat(document.documentElement.lang === "en" ? "en-GB" : "da-DK",
          { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Copenhagen" }).format(when);
      } catch (e) { time = when.toTimeString().slice(0, 5); }
      return (reflection.dataset.savedAtText || "{time}").replace("{time}", time);
    };
    var save = function () {
      clearTimeout(timer);
      if (inFlight) return; // the answer looks again
      if (!unsaved()) { localStorage.removeItem(backupKey); return; }
      var payload = current();
      inFlight = true;
      say(reflection.dataset.savingText || "");
      fetch(reflection.dataset.autosave, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify(payload), keepalive: true, credentials: "same-origin",
      }).then(function (r) {
        return r.json().then(function (answer) { return { status: r.status, answer: answer }; });
      }).then(function (result) {
        inFlight = false;
        if (result.answer.ok) {
          pause = 0;
          saved = payload;
          if (unsaved()) { say(reflection.dataset.unsavedText || ""); timer = setTimeout(save, 700); return; }
          localStorage.removeItem(backupKey);
          say(savedAt(result.answer.updated_at));
        } else if (result.status >= 500) {
          throw new Error("server");
        } else {
          say(result.answer.error || reflection.dataset.unsavedText || ""); // kept on the phone
        }
      }).catch(function () {
        inFlight = false; // offline or a server error: kept on the phone, tried again
        say(body.dataset.queuedText || reflection.dataset.unsavedText || "");
        pause = Math.min(30000, (pause || 1000) * 2);
        timer = setTimeout(save, pause);
      });
    };
    var changed = function () {
      localStorage.setItem(backupKey, area.value);
      say(reflection.dataset.unsavedText || "");
      clearTimeout(timer);
      timer = setTimeout(save, 700);
    };
    var backup = localStorage.getItem(backupKey);
    if (backup !== null && backup !== area.value) {
      area.value = backup;
      say(reflection.dataset.unsavedText || "");
      save();
    } else if (unsaved()) {
      changed(); // typed before this script ran: kept and saved like any other typing
    } else if (backup !== null) {
      localStorage.removeItem(backupKey);
    }
    reflection.addEventListener("input", changed);
    reflection.addEventListener("change", function (event) { if (event.target === share) changed(); });
    reflection.addEventListener("submit", function (event) { event.preventDefault(); save(); });
    window.addEventListener("online", function () { if (unsaved()) save(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && unsaved()) save();
    });
  }
})();
