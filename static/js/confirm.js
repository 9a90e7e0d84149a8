// Forms and buttons with data-confirm ask before they submit: cancelling or refilling an
// order, or acting on many at once, reaches a panel and cannot be taken back.
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
