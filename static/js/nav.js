// On a phone the main navigation folds behind a Menu button. Without this script the
// navigation simply stays open, as on a wide screen.
document.addEventListener("DOMContentLoaded", () => {
  const sidebar = document.querySelector(".sidebar");
  const button = document.getElementById("nav-toggle");
  if (!sidebar || !button) return;
  sidebar.dataset.collapsible = "";
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    sidebar.classList.toggle("nav-open", open);
  });
});
