// Tables, one convention for every page (see "Tables" in css/app.css):
// - a table wider than its .table-scroll box marks the box is-cut, and cut-left / cut-right
//   while there is more to scroll that way, so the cut edge shows it;
// - a table with secondary columns (cells marked col-more, the table named by data-columns)
//   shows them behind its "More columns" button, and the choice is remembered per table;
// - on a phone a table marked stack reads as one card per row: each cell is labelled with its
//   column's header (data-label), unless the template labelled it itself.
// htmx swaps new rows in: everything is set up again after each swap.
(() => {
  const STORE = "smmdash.columns.";

  function remembered(name) {
    try { return localStorage.getItem(STORE + name) === "more"; } catch { return false; }
  }

  function remember(name, more) {
    try { localStorage.setItem(STORE + name, more ? "more" : "fewer"); } catch { /* private mode */ }
  }

  // A header's words, a line break read as a space.
  function words(node) {
    if (node.nodeName === "BR") return " ";
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    return Array.from(node.childNodes, words).join("");
  }

  function label(table) {
    const heads = [];
    for (const th of table.querySelectorAll("thead tr:last-child > th")) {
      const text = words(th).replace(/[↑↓]/g, "").replace(/\s+/g, " ").trim();
      for (let n = 0; n < (th.colSpan || 1); n++) heads.push(text);
    }
    for (const body of [...table.tBodies, table.tFoot].filter(Boolean)) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label") && heads[column]) cell.dataset.label = heads[column];
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function measure(box) {
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-cut", wide);
    box.classList.toggle("cut-left", wide && box.scrollLeft > 1);
    box.classList.toggle("cut-right", wide && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
  }

  function showMore(table, button, more) {
    table.classList.toggle("show-more", more);
    button.setAttribute("aria-pressed", String(more));
    const box = table.closest(".table-scroll");
    if (box) measure(box);
  }

  function setUp() {
    for (const table of document.querySelectorAll("table.stack")) label(table);
    for (const button of document.querySelectorAll("button[data-more-columns]")) {
      const name = button.dataset.moreColumns;
      const table = document.querySelector(`table[data-columns="${name}"]`);
      if (!table) continue;
      const count = button.querySelector(".more-count");
      if (count) count.textContent = `+${table.querySelectorAll("thead .col-more").length}`;
      showMore(table, button, remembered(name));
      button.hidden = false;
      if (button.dataset.ready) continue;
      button.dataset.ready = "";
      button.addEventListener("click", () => {
        const more = !table.classList.contains("show-more");
        remember(name, more);
        showMore(table, button, more);
      });
    }
    for (const box of document.querySelectorAll(".table-scroll")) {
      measure(box);
      if (box.dataset.watched) continue;
      box.dataset.watched = "";
      box.addEventListener("scroll", () => measure(box), { passive: true });
    }
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
  window.addEventListener("resize", () => document.querySelectorAll(".table-scroll").forEach(measure));
})();
