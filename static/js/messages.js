// A message answers what was just done. On a page that refreshes itself it goes once the
// thing it spoke of has changed: a region marked data-clears-messages carries its state in
// data-state, and a swap that brings a new state removes the messages above it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const region = event.detail.target;
  if (!region.matches?.("[data-clears-messages]")) return;
  const incoming = /data-state="([^"]*)"/.exec(event.detail.serverResponse || "");
  if (incoming && incoming[1] !== region.dataset.state) {
    document.querySelectorAll(".messages").forEach((box) => box.remove());
  }
});

// Each message can be dismissed by hand, with the keyboard too.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".message-close");
  if (button) button.closest(".message").remove();
});
