/**
 * An element from markup the page composes itself (fixed text and computed numbers, never user input).
 * It stands in for htl's html`…` on the overview, whose JavaScript budget has no room for another library.
 */
export function markup(tag: string, html: string, options: { className?: string; document?: Document } = {}): HTMLElement {
  const { className, document = globalThis.document } = options;
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.innerHTML = html;
  return element;
}
