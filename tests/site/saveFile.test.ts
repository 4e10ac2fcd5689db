/** saveFile: a hidden link with the file's name clicked once and removed, its blob URL revoked later. */
import { JSDOM } from "jsdom";
import { afterEach, expect, it, vi } from "vitest";
import { saveFile } from "../../src/components/saveFile.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

it("downloads text and bytes under the name given, then lets the blob go", async () => {
  vi.useFakeTimers();
  const revoke = vi.spyOn(URL, "revokeObjectURL");
  const document = new JSDOM("").window.document;
  const clicked: HTMLAnchorElement[] = [];
  document.addEventListener("click", (event) => {
    clicked.push(event.target as HTMLAnchorElement);
    event.preventDefault();
  });
  saveFile("run.json", "{\"a\": 1}\n", "application/json", document);
  saveFile("weights.f32", Uint8Array.from([1, 2, 255]), "application/octet-stream", document);
  expect(clicked.map((link) => [link.download, link.hidden, link.isConnected])).toEqual([["run.json", true, false], ["weights.f32", true, false]]);
  const [text, bytes] = await Promise.all(clicked.map((link) => fetch(link.href).then((response) => response.blob())));
  expect(text.type).toBe("application/json");
  expect(await text.text()).toBe("{\"a\": 1}\n");
  expect(Array.from(new Uint8Array(await bytes.arrayBuffer()))).toEqual([1, 2, 255]);
  vi.advanceTimersByTime(9_999);
  expect(revoke).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(revoke.mock.calls).toEqual(clicked.map((link) => [link.href]));
});
