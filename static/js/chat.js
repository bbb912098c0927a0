/* The chat: show the message being sent at once, and keep the latest turn in
 * view. Loaded as a file (the CSP refuses inline scripts); htmx does the rest. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "chat-form") return;
    var text = form.querySelector("textarea[name=text]");
    var transcript = document.getElementById("transcript");
    if (!text || !transcript || !text.value.trim()) return;
    var item = document.createElement("li");
    item.className = "msg user pending";
    item.setAttribute("data-pending", "1");
    item.textContent = text.value.trim();
    var empty = transcript.querySelector(".empty");
    if (empty) empty.remove();
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight;
  });

  // The transcript scrolls within its box (on wide screens): open it at the
  // latest turn, and go back there when a turn or a rollback redraws the chat.
  function toLatest() {
    var transcript = document.getElementById("transcript");
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }
  document.addEventListener("DOMContentLoaded", toLatest);
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "chat") toLatest();
  });
})();
