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
    item.scrollIntoView({ block: "nearest" });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "chat") return;
    var last = document.querySelector("#transcript > li:last-child");
    if (last && event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      last.scrollIntoView({ block: "nearest" });
    }
  });
})();
