/**
 * The e2e machinery itself: the static server behaves like a static host, and ensure-chromium.sh
 * installs exactly what is missing (checked with DRY_RUN against paths that do not exist, so nothing is
 * installed or removed here).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../support/png.js";
import { project } from "../support/site.js";
import { resolveFile, serveStatic, type StaticServer } from "../support/staticServer.js";

describe("serveStatic", () => {
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "chisel-static-"));
    mkdirSync(join(root, "_file", "data"), { recursive: true });
    mkdirSync(join(root, "docs"));
    const files: Record<string, string> = {
      "index.html": "<p>home</p>",
      "images.html": "<p>images</p>",
      "docs/index.html": "<p>docs</p>",
      "app.js": "export {};",
      "style.css": "p {}",
      "_file/data/run.json": "{}",
      "model.wasm": "\0asm",
      "icon.svg": "<svg/>",
      "weights.bin": "\x01\x02",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    writeFileSync(join(root, "dot.png"), encodePng(1, 1, new Uint8Array([1, 2, 3, 255])));
    writeFileSync(join(tmpdir(), "chisel-static-secret.txt"), "outside");
    server = await serveStatic(root);
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(join(tmpdir(), "chisel-static-secret.txt"), { force: true });
  });

  const get = async (path: string) => {
    const response = await fetch(server.url + path);
    return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
  };

  it("listens on 127.0.0.1 only", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("maps /, /page and /dir/ to their HTML files, as a static host does", async () => {
    expect(await get("/")).toEqual({ status: 200, type: "text/html; charset=utf-8", body: "<p>home</p>" });
    expect((await get("/images")).body).toBe("<p>images</p>");
    expect((await get("/images?seed=3")).body).toBe("<p>images</p>");
    expect((await get("/images.html")).body).toBe("<p>images</p>");
    expect((await get("/docs/")).body).toBe("<p>docs</p>");
    expect((await get("/nothing")).status).toBe(404);
  });

  it("sends each file type with its MIME type", async () => {
    const types = await Promise.all(
      ["/app.js", "/style.css", "/_file/data/run.json", "/model.wasm", "/icon.svg", "/dot.png", "/weights.bin"].map(
        async (path) => (await get(path)).type,
      ),
    );
    expect(types).toEqual([
      "text/javascript; charset=utf-8",
      "text/css; charset=utf-8",
      "application/json; charset=utf-8",
      "application/wasm",
      "image/svg+xml",
      "image/png",
      "application/octet-stream",
    ]);
  });

  it("serves nothing outside its root", async () => {
    // fetch() would normalise the dots away before sending: send the raw path over node:http. An
    // encoded slash ("..%2F") survives URL parsing and reaches the server's own root check.
    const rawStatus = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(server.url);
        request({ hostname, port, path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on("error", reject).end();
      });
    for (const path of ["/../chisel-static-secret.txt", "/%2e%2e/chisel-static-secret.txt", "/docs/../../chisel-static-secret.txt", "/..%2Fchisel-static-secret.txt"]) {
      expect(await rawStatus(path), path).toBe(404);
    }
    expect(await rawStatus("/docs/../images")).toBe(200); // inside the root, dots are fine
    expect(resolveFile(root, "/../chisel-static-secret.txt")).toBeUndefined();
    expect(resolveFile(root, "/images")).toBe(join(root, "images.html"));
  });
});

describe("encodePng", () => {
  it("writes the PNG signature, a 13-byte IHDR and the pixel rows after a filter byte", () => {
    const png = encodePng(2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]));
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.readUInt32BE(8)).toBe(13);
    expect(png.toString("latin1", 12, 16)).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2, 1]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString("latin1", 37, 41)).toBe("IDAT");
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(Array.from(raw)).toEqual([0, 255, 0, 0, 255, 0, 0, 255, 128]);
    expect(png.toString("latin1", png.length - 8, png.length - 4)).toBe("IEND");
    // CRC-32 of the bytes "IEND" is 0xAE426082 (every PNG ends with it).
    expect(png.readUInt32BE(png.length - 4)).toBe(0xae426082);
  });
});

describe("ensure-chromium.sh", () => {
  const script = join(project, "scripts", "ensure-chromium.sh");
  const run = (env: Record<string, string>) =>
    execFileSync("bash", [script], { env: { ...process.env, DRY_RUN: "1", ...env }, encoding: "utf8" });

  it("does nothing when the browser and the font are there", () => {
    const here = process.execPath; // any executable file stands in for the browser
    const output = run({ CHROMIUM: here, FONT: script });
    expect(output).toContain(`${here} is installed`);
    expect(output).not.toContain("apt-get");
  });

  it("installs only what is missing, with apt-get, without recommends", () => {
    expect(run({ CHROMIUM: "/nonexistent/chromium", FONT: script })).toContain(
      "+ env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium\n",
    );
    const both = run({ CHROMIUM: "/nonexistent/chromium", FONT: "/nonexistent/font.ttf" });
    expect(both).toContain("+ apt-get update\n");
    expect(both).toContain("--no-install-recommends chromium fonts-dejavu-core\n");
  });
});
