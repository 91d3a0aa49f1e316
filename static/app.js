// facilitator: the little JavaScript the server-rendered pages need.
// Timers count down locally towards the server's deadline, corrected by the offset between
// this device's clock and the server's, so every screen in the room shows the same time.
(function () {
  "use strict";

  function format(seconds) {
    var s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (el) {
      var deadline = el.dataset.deadline;
      if (!deadline) return; // paused: the server's figure stands
      if (el.dataset.offset === undefined) {
        el.dataset.offset = String(Date.parse(el.dataset.serverNow) - Date.now());
      }
      var now = Date.now() + Number(el.dataset.offset);
      var left = (Date.parse(deadline) - now) / 1000;
      var out = el.querySelector(".left");
      if (out) out.textContent = format(left);
      el.classList.toggle("over", left <= 0);
    });
  }

  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  // Show the connection state; htmx's ws extension reconnects by itself.
  document.addEventListener("htmx:wsClose", function () {
    document.body.classList.add("offline");
  });
  document.addEventListener("htmx:wsOpen", function () {
    document.body.classList.remove("offline");
  });
})();
