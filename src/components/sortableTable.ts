/**
 * Sorting for a results table: each column header becomes a button that sorts the body's rows by that
 * column, ascending, then descending on a second press. Cells that start with a number sort by it (the
 * mean of "0.143 ± 0.016", "6.7×10⁻⁴", "1,000"), others alphabetically. Rows of class `pinnedClass` (a
 * floor row) stay on top. The sorted header's aria-sort says the order, for screen readers.
 */

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** The number a cell's text starts with (followed by a space or nothing: "2025-01-03" is text), or undefined. */
export function leadingNumber(text: string): number | undefined {
  const match = text.trim().replaceAll("−", "-").replaceAll(",", "").match(/^(-?\d+(?:\.\d+)?(?:e-?\d+)?)(?:×10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?(?=$|\s)/);
  if (!match) return undefined;
  const power = match[2] === undefined
    ? 0
    : Number([...match[2]].map((c) => (c === "⁻" ? "-" : String(SUPERSCRIPTS.indexOf(c)))).join(""));
  return Number(match[1]) * 10 ** power;
}

export function makeSortable(table: HTMLTableElement, options: { pinnedClass?: string } = {}): HTMLTableElement {
  const { pinnedClass } = options;
  const headers = [...(table.tHead?.rows[0]?.cells ?? [])];
  const body = table.tBodies[0];
  if (!body) return table;
  headers.forEach((header, column) => {
    const button = table.ownerDocument.createElement("button");
    button.type = "button";
    button.className = "sortable-header";
    // Looks like the header it replaces, and keeps the browser's focus ring.
    button.style.cssText = "background: none; border: none; padding: 0; font: inherit; color: inherit; text-align: inherit; cursor: pointer;";
    button.append(...header.childNodes);
    header.append(button);
    button.addEventListener("click", () => {
      const descending = header.getAttribute("aria-sort") === "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const rows = [...body.rows];
      const pinned = rows.filter((row) => pinnedClass !== undefined && row.classList.contains(pinnedClass));
      const sorted = rows.filter((row) => !pinned.includes(row)).sort((a, b) => {
        const [x, y] = [a, b].map((row) => row.cells[column]?.textContent ?? "");
        const [u, v] = [leadingNumber(x), leadingNumber(y)];
        const order = u !== undefined && v !== undefined ? u - v : u !== undefined ? -1 : v !== undefined ? 1 : x.localeCompare(y);
        return descending ? -order : order;
      });
      body.append(...pinned, ...sorted);
    });
  });
  return table;
}
