// Runs in the page (no DOM lib in this tsconfig, so it is a string): every table cell whose
// content is cut (wider than its box) or that ends right of the viewport, or that sits in a
// table wider than the box around it, described for the failure message.
export const CLIPPED_CELLS = `(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll("table")) {
    if (table.closest("details:not([open])")) continue;
    const box = table.parentElement.getBoundingClientRect();
    const t = table.getBoundingClientRect();
    if (t.right > box.right + 0.5) out.push("table " + (table.id || "?") + " overflows its box by " + Math.round(t.right - box.right) + " px");
    for (const cell of table.querySelectorAll("th, td")) {
      const r = cell.getBoundingClientRect();
      const what = (table.id || "?") + ": " + cell.textContent.trim().slice(0, 40);
      if (cell.scrollWidth > cell.clientWidth + 1) out.push(what + " cut by " + (cell.scrollWidth - cell.clientWidth) + " px");
      if (r.right > vw + 0.5) out.push(what + " ends at " + Math.round(r.right) + " px of " + vw);
    }
  }
  return out;
})()`;
