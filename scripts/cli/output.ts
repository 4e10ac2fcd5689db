/**
 * Writes a command's JSON. Files are written to a temporary sibling and renamed into place, so an
 * interrupted or failed run never leaves a half-written file where a good one stood.
 */
import { dirname, basename, join } from "node:path";

export async function writeJson(document: unknown, out: string | undefined): Promise<void> {
  const text = JSON.stringify(document) + "\n";
  if (out === undefined) {
    await writeAllStdout(text);
    return;
  }
  await writeFileAtomic(out, text);
}

export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    if (typeof text === "string") await Deno.writeTextFile(temporary, text);
    else await Deno.writeFile(temporary, text);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

async function writeAllStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}
