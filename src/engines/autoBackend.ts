/**
 * The Train page's "auto" engine: WebGPU (through tfjs) only on a hardware adapter, else the fused
 * WebAssembly SIMD kernel. A browser without a usable GPU may still offer WebGPU through a software
 * adapter (SwiftShader in Chromium; llvmpipe or lavapipe from Mesa), which runs the shaders on the CPU
 * and trains this network hundreds of times slower than the fused kernel.
 */

/** What a WebGPU adapter says about itself (GPUAdapterInfo), and whether it is the fallback adapter. */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface AutoChoice {
  backend: "tfjs-webgpu" | "fused-wasm";
  /** Why, in words, for the page to say. */
  reason: string;
}

/** Rasterisers that run on the CPU, by the names their adapters report. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|\bwarp\b/i;

function adapterName(info: AdapterInfo): string {
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(", ") || "an unnamed adapter";
}

export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return info.isFallbackAdapter === true || SOFTWARE.test(adapterName(info));
}

/** The engine "auto" trains on, given the WebGPU adapter this browser offers (null: none). */
export function chooseTrainBackend(info: AdapterInfo | null): AutoChoice {
  if (info === null) return { backend: "fused-wasm", reason: "this browser offers no WebGPU adapter" };
  const name = adapterName(info);
  if (isSoftwareAdapter(info)) {
    return { backend: "fused-wasm", reason: `the WebGPU adapter (${name}) is a software rasteriser, slower than the fused kernel` };
  }
  return { backend: "tfjs-webgpu", reason: `WebGPU runs on a hardware adapter (${name})` };
}

/**
 * Asks for the WebGPU adapter (this runtime's, or `gpu`'s; null: none) and chooses; a failure to ask
 * counts as no adapter.
 */
export async function probeAutoBackend(gpu: GPU | null = (globalThis.navigator as Navigator | undefined)?.gpu ?? null): Promise<AutoChoice> {
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return chooseTrainBackend(null);
  const { info, isFallbackAdapter } = adapter as GPUAdapter & { info?: AdapterInfo; isFallbackAdapter?: boolean };
  // GPUAdapterInfo's fields are getters on its prototype: a spread would copy none of them.
  return chooseTrainBackend({
    vendor: info?.vendor,
    architecture: info?.architecture,
    device: info?.device,
    description: info?.description,
    isFallbackAdapter: isFallbackAdapter ?? info?.isFallbackAdapter,
  });
}
