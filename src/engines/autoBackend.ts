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

/** How long the probe waits for an adapter before it counts as none (a stuck driver must not hold the page). */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * Asks for the WebGPU adapter (this runtime's, or `gpu`'s; null: none) and chooses; a failure to ask,
 * or no answer within PROBE_TIMEOUT_MS, counts as no adapter.
 */
export async function probeAutoBackend(gpu: GPU | null = (globalThis.navigator as Navigator | undefined)?.gpu ?? null): Promise<AutoChoice> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS)));
  const adapter = await Promise.race([gpu?.requestAdapter().catch(() => null) ?? null, timeout]);
  clearTimeout(timer);
  if (!adapter) return chooseTrainBackend(null);
  type OlderAdapter = GPUAdapter & { info?: AdapterInfo; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<AdapterInfo> };
  const { isFallbackAdapter } = adapter as OlderAdapter;
  // Chromium before 127 has requestAdapterInfo() where later ones have the info attribute.
  const info = (adapter as OlderAdapter).info ?? await (adapter as OlderAdapter).requestAdapterInfo?.().catch(() => undefined);
  // GPUAdapterInfo's fields are getters on its prototype: a spread would copy none of them.
  return chooseTrainBackend({
    vendor: info?.vendor,
    architecture: info?.architecture,
    device: info?.device,
    description: info?.description,
    isFallbackAdapter: isFallbackAdapter ?? info?.isFallbackAdapter,
  });
}
