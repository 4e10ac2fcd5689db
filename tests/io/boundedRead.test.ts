import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeBytes, FileLimitError, READ_LIMITS, readBoundedFile, readBoundedText } from "../../src/io/files.js";

const scratch = mkdtempSync(join(tmpdir(), "chisel-bounded-read-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The error the read rejects with, within `ms`: a read that hangs fails the test instead of stalling it. */
async function refusal(read: Promise<unknown>, ms = 2000): Promise<Error> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still reading after ${ms} ms`)), ms);
  });
  const error = await Promise.race([read.then(() => new Error("read succeeded")), timeout]).catch((e: Error) => e);
  clearTimeout(timer);
  expect(error).toBeInstanceOf(FileLimitError);
  expect(error.message).not.toContain("\n");
  return error;
}

describe("readBoundedFile", () => {
  it("reads a regular file within the limit, up to the limit exactly", async () => {
    const small = join(scratch, "small.json");
    writeFileSync(small, '{"a": 1}');
    expect(await readBoundedText(small, "config")).toBe('{"a": 1}');
    const full = join(scratch, "full.bin");
    writeFileSync(full, new Uint8Array(READ_LIMITS.config).fill(7));
    const bytes = await readBoundedFile(full, "config");
    expect(bytes.length).toBe(READ_LIMITS.config);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });

  it("refuses a file past the limit from its size, without reading it", async () => {
    const big = join(scratch, "big.onnx");
    writeFileSync(big, "");
    truncateSync(big, 10 * 2 ** 30); // sparse: 10 GB that a read to the end would take minutes over
    const error = await refusal(readBoundedFile(big, "onnx"));
    expect(error.message).toBe(`larger than the ${describeBytes(READ_LIMITS.onnx)} limit for onnx files`);
    const over = join(scratch, "over.json");
    writeFileSync(over, new Uint8Array(READ_LIMITS.config + 1));
    expect((await refusal(readBoundedFile(over, "config"))).message).toBe("larger than the 1 MB limit for config files");
  });

  it("refuses a device that never ends (/dev/zero) before reading a byte", async () => {
    const error = await refusal(readBoundedFile("/dev/zero", "points"));
    expect(error.message).toMatch(/^not a regular file \(a device, FIFO or socket\); .* of at most 128 MB for points files$/);
  });

  it("refuses a FIFO with no writer instead of waiting for one", async () => {
    const fifo = join(scratch, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect((await refusal(readBoundedText(fifo, "config"))).message).toMatch(/^not a regular file/);
  });

  it("refuses a folder, and passes a missing file's error through", async () => {
    expect((await refusal(readBoundedFile(scratch, "manifest"))).message).toBe("is a folder, not a file");
    const missing = await readBoundedFile(join(scratch, "missing.json"), "config").catch((e) => e);
    expect((missing as { code?: string }).code).toBe("ENOENT");
  });

  it("states each limit in the words the errors use", () => {
    expect(describeBytes(READ_LIMITS.config)).toBe("1 MB");
    expect(describeBytes(READ_LIMITS.points)).toBe("128 MB");
    expect(describeBytes(10 * 2 ** 30)).toBe("10 GB");
    expect(describeBytes(151_048)).toBe("147.5 kB");
  });
});
