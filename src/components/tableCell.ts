/** A table cell with its text; numeric cells align right and never wrap, so columns of numbers line up. */
export function tableCell(document: Document, tag: "td" | "th", text: string, numeric = false): HTMLTableCellElement {
  const cell = document.createElement(tag);
  cell.textContent = text;
  if (numeric) {
    cell.style.textAlign = "right";
    cell.style.whiteSpace = "nowrap";
  }
  return cell;
}

/** A sampler as reports name it: "ddim η=0.5 logsnr". */
export function samplerName(row: { sampler: string; eta?: number; spacing?: string }): string {
  return `${row.sampler}${row.eta === undefined ? "" : ` η=${row.eta}`}${row.spacing === undefined ? "" : ` ${row.spacing}`}`;
}
