/**
 * The published reports in data/reports were built from the configs in reports/: a change to how
 * configs parse (a new setting, its default) must leave their hashes alone, or every report would read
 * as stale, every shard built before as "of another config", and a rebuild would differ in bytes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportHash } from "../../src/io/reports/document.js";
import { readReportConfig } from "../../src/io/reports/read.js";
import { project } from "../support/site.js";

const published = readdirSync(join(project, "data", "reports"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
  .map((entry) => entry.name);

describe("committed reports", () => {
  it("exist", () => expect(published.length).toBeGreaterThan(0));

  for (const name of published) {
    it(`${name}: its config in reports/ still hashes to the published configHash`, async () => {
      const report = JSON.parse(readFileSync(join(project, "data", "reports", name, "report.json"), "utf8"));
      const config = await readReportConfig(join(project, "reports", `${name}.json`));
      expect(await reportHash(config)).toBe(report.configHash);
    });
  }
});
