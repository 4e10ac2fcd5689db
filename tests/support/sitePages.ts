/** The site's pages as observablehq.config.ts lists them, sections flattened, and their screenshot names. */
import config from "../../observablehq.config.js";

export interface PageEntry {
  name: string;
  path: string;
}
type ConfigPage = PageEntry | { name: string; pages: ConfigPage[] };

function flatten(pages: ConfigPage[]): PageEntry[] {
  return pages.flatMap((page) => ("pages" in page ? flatten(page.pages) : [page]));
}

export const SITE_PAGES: PageEntry[] = flatten(config.pages as ConfigPage[]);

/** A page's screenshot file name without extension: "/" → "index", "/reports/x" → "reports-x". */
export const artifactName = (path: string) => (path === "/" ? "index" : path.replace(/^\/|\/$/g, "").replaceAll("/", "-"));
