/**
 * Writes a command's JSON. Files are written to a temporary sibling and renamed into place, so an
 * interrupted or failed run never leaves a half-written file where a good one stood.
 */
import { writeFileAtomic } from "../../src/io/files.js";

export { writeFileAtomic };

export async function writeJson(document: unknown, out: string | undefined): Promise<void> {
  const text = JSON.stringify(document) + "\n";
  if (out === undefined) {
    await writeAllStdout(text);
    return;
  }
  await writeFileAtomic(out, text);
}

async function writeAllStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}
