/**
 * A published report whose text is hostile: a copy of a committed report with its title, description,
 * run labels and config path replaced by Markdown fences, `${…}`, tags and the like, for the checks that
 * config text reaches a page as text only (tests/site/reportPageInjection.test.ts, and the e2e build,
 * which publishes one next to the committed reports).
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Report } from "../../src/core/reports/report.js";

/** Text that would make code, elements or links if a page took it as Markdown or HTML. */
export const HOSTILE_TEXT = [
  "x\n\n```js\nwindow.pwned = 1\n```\n",
  "${window.pwned = 1}",
  "<script>window.pwned=1</script>",
  "<img src=x onerror=alert(1)>",
  "`inline` and ~~~ and \\${escaped}",
  "[link](javascript:alert(1)) https://example.com/ **bold** _em_ {{title}} &amp; \"quoted\" 'single'",
  "\u2028line\rseparators\u2029 and 🎲 astral",
];

/** The name of the hostile report the e2e build publishes. */
export const HOSTILE_REPORT = "zz-hostile-text";

/**
 * Every string in `text`'s place: the report's title, description, run labels (and the headline's) and
 * config path, and the title and description of the config it carries.
 */
export function withText(report: Report, text: (k: number) => string, description: string): void {
  report.title = text(0);
  report.description = description;
  report.runs.forEach((run, k) => (run.label = `betaEnd = ${text(k + 1)}`));
  report.headline.label = report.runs[0].label;
  report.provenance.command = `chisel report --config ${text(1).replace(/\s+/g, "")}`;
  Object.assign(report.config as object, { title: report.title, description });
}

/**
 * Publishes report `from` of `reportsDir` again as `name`, every file copied, its text made hostile.
 * Only report.json changes (and its name), so the page still renders and its downloads still verify.
 */
export function publishHostileReport(reportsDir: string, from: string, name = HOSTILE_REPORT): Report {
  const dir = join(reportsDir, name);
  cpSync(join(reportsDir, from), dir, { recursive: true });
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
  report.name = name;
  withText(report, (k) => HOSTILE_TEXT[k % HOSTILE_TEXT.length], HOSTILE_TEXT.join("\n\n"));
  Object.assign(report.config as object, { name });
  writeFileSync(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  // The config download is report.json's config, as for a published report.
  writeFileSync(join(dir, "config.json"), JSON.stringify(report.config, null, 2) + "\n");
  return report;
}
