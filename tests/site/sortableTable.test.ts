/**
 * Sortable results tables (src/components/sortableTable.ts): headers sort the rows by number where cells
 * start with one, by text otherwise, flip on a second press, and keep pinned rows (the floor) on top.
 */
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { leadingNumber, makeSortable } from "../../src/components/sortableTable.js";

describe("sortable tables", () => {
  it("reads the leading number of a cell, not of a date", () => {
    expect(["0.143 ± 0.016", "6.7×10⁻⁴", "2×10⁵", "1,000", "−0.5", "12 (β end)"].map(leadingNumber)).toEqual([0.143, 6.7e-4, 2e5, 1000, -0.5, 12]);
    expect(["2025-01-03", "ddpm", "—", ""].map(leadingNumber)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("sorts by the pressed column, then the other way, with the floor row kept on top", () => {
    const { document } = new JSDOM("").window;
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr><th>sampler</th><th>SWD</th></tr></thead><tbody>" +
      '<tr class="floor"><td>floor</td><td>0.02 ± 0.01</td></tr>' +
      "<tr><td>ddim</td><td>0.5 ± 0.1</td></tr><tr><td>ddpm</td><td>3×10⁻²</td></tr><tr><td>dpm</td><td>0.1</td></tr></tbody>";
    makeSortable(table, { pinnedClass: "floor" });
    const order = () => [...table.tBodies[0].rows].map((row) => row.cells[0].textContent);
    const [sampler, swd] = [...table.tHead!.rows[0].cells];
    swd.querySelector("button")!.click();
    expect(order()).toEqual(["floor", "ddpm", "dpm", "ddim"]);
    expect(swd.getAttribute("aria-sort")).toBe("ascending");
    swd.querySelector("button")!.click();
    expect(order()).toEqual(["floor", "ddim", "dpm", "ddpm"]);
    expect(swd.getAttribute("aria-sort")).toBe("descending");
    sampler.querySelector("button")!.click();
    expect(order()).toEqual(["floor", "ddim", "ddpm", "dpm"]);
    expect(swd.hasAttribute("aria-sort")).toBe(false);
    expect(sampler.textContent).toBe("sampler");
  });
});
