import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { kernelModuleSource } from "../../src/engines/fused/buildKernel.js";

it("ships the kernel that kernel.wat compiles to", async () => {
  const committed = readFileSync(new URL("../../src/engines/fused/kernelBinary.generated.ts", import.meta.url), "utf8");
  expect(await kernelModuleSource()).toBe(committed);
});
