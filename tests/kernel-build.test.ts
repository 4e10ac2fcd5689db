import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { kernelModuleSource } from "../src/engines/fused/build-kernel.js";

it("ships the kernel that kernel.wat compiles to", async () => {
  const committed = readFileSync(new URL("../src/engines/fused/kernel-wasm.ts", import.meta.url), "utf8");
  expect(await kernelModuleSource()).toBe(committed);
});
