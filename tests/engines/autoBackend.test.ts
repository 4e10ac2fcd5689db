/**
 * The Train page's "auto" engine: WebGPU only on a hardware adapter, never on a software rasteriser
 * (SwiftShader, llvmpipe, lavapipe), whose steps run on the CPU hundreds of times slower than the fused kernel.
 */
import { describe, expect, it } from "vitest";
import { type AdapterInfo, chooseTrainBackend, isSoftwareAdapter, probeAutoBackend } from "../../src/engines/autoBackend.js";

describe("auto's choice of training engine", () => {
  it.each([
    [{ vendor: "google", architecture: "swiftshader" }],
    [{ vendor: "mesa", architecture: "", device: "llvmpipe (LLVM 15.0.6, 256 bits)" }],
    [{ vendor: "mesa", description: "lavapipe" }],
    [{ vendor: "microsoft", description: "Microsoft Basic Render Driver" }],
    [{ vendor: "unknown", architecture: "", isFallbackAdapter: true }],
  ])("takes the fused kernel over a software adapter %o", (info) => {
    const choice = chooseTrainBackend(info);
    expect(choice.backend).toBe("fused-wasm");
    expect(choice.reason).toMatch(/software rasteriser, slower than the fused kernel/);
  });

  it("takes WebGPU on a hardware adapter, naming it", () => {
    expect(chooseTrainBackend({ vendor: "nvidia", architecture: "hopper" })).toEqual({
      backend: "tfjs-webgpu",
      reason: "WebGPU runs on a hardware adapter (nvidia, hopper)",
    });
  });

  it("takes the fused kernel where there is no adapter, or asking fails", async () => {
    expect(await probeAutoBackend(null)).toEqual({ backend: "fused-wasm", reason: "this browser offers no WebGPU adapter" });
    const failing = { requestAdapter: () => Promise.reject(new Error("denied")) } as unknown as GPU;
    expect((await probeAutoBackend(failing)).backend).toBe("fused-wasm");
    const none = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    expect((await probeAutoBackend(none)).backend).toBe("fused-wasm");
  });

  it("never picks WebGPU on this machine's software adapter (Deno offers Mesa's llvmpipe where it is installed)", async (context) => {
    const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
    const info = (adapter as (GPUAdapter & { info?: AdapterInfo }) | null)?.info;
    // On a machine with a real GPU, auto rightly takes it: there is nothing to check here.
    if (info && !isSoftwareAdapter({ vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description })) {
      context.skip();
    }
    expect((await probeAutoBackend()).backend).toBe("fused-wasm");
  });

  it("counts an adapter request that never answers as none", async () => {
    const stuck = { requestAdapter: () => new Promise(() => {}) } as unknown as GPU;
    expect(await probeAutoBackend(stuck)).toEqual({ backend: "fused-wasm", reason: "this browser offers no WebGPU adapter" });
  }, 10_000);

  it("reads an older Chromium's adapter info through requestAdapterInfo()", async () => {
    const older = { requestAdapter: () => Promise.resolve({ requestAdapterInfo: () => Promise.resolve({ vendor: "google", architecture: "swiftshader" }) }) } as unknown as GPU;
    expect((await probeAutoBackend(older)).backend).toBe("fused-wasm");
  });

  it("reads the adapter's info through its getters", async () => {
    class Info {
      get vendor() {
        return "google";
      }
      get architecture() {
        return "swiftshader";
      }
    }
    const gpu = { requestAdapter: () => Promise.resolve({ info: new Info() }) } as unknown as GPU;
    expect(await probeAutoBackend(gpu)).toMatchObject({ backend: "fused-wasm", reason: expect.stringContaining("google, swiftshader") });
  });
});
