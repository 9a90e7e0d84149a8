// The Compare form is not swapped as results arrive (it is being typed in), so what the
// server says about the quantity is carried over here. A quantity typed in the search
// ("tiktok views 5000") marks the results (data-typed-quantity) and fills the Quantity field,
// as a full page load fills it, unless that field is being typed in; and the field is marked
// invalid while the message under it (swapped in with the results) says why.
document.addEventListener("htmx:afterSettle", () => {
  const results = document.getElementById("compare-results");
  const field = document.getElementById("id_quantity");
  if (!results || !field) return;
  const typed = results.dataset.typedQuantity;
  if (typed !== undefined && document.activeElement !== field) field.value = typed;
  const error = document.getElementById("quantity-error");
  if (error?.textContent.trim()) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
});
