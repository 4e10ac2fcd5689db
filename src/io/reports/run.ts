/**
 * One run of a report: train it (or take it from the run cache), then write its artifacts into the
 * report's folder under construction: the last checkpoint with a manifest that lists only it (so the
 * folder is itself a run directory that `chisel sample --model` opens), the ONNX export, the quality
 * table of every sampler × step count × seed against the floor, and the first seed's samples as CSV
 * with the straightness of the paths that drew them. A run is sampled with the report's samplers that
 * fit its objective (DDPM's for a DDPM run, Euler and Heun for a flow-matching one).
 *
 * Runs of a sweep are independent: pool.ts hands each to a worker (worker.ts) so two train and
 * sample at once.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createWasmDenoiser } from "../../engines/fused/wasmDenoiser.js";
import { makeSchedule } from "../../core/schedule.js";
import { type RunPlan, type SamplerSpec, samplersForRun } from "../../core/reports/config.js";
import { Rng } from "../../core/random.js";
import { StraightnessMeter } from "../../core/straightness.js";
import { objectiveOf } from "../../core/training/config.js";
import { type FileEntry, type RunResult, type SampleFile, samplerId } from "../../core/reports/report.js";
import { MANIFEST_FILE, manifestText, type RunManifest } from "../../core/training/checkpoint.js";
import { sha256Hex } from "../../core/hash.js";
import type { ProgressEvent } from "../../core/training/train.js";
import { checkpointToOnnx, readCheckpoint } from "../models.js";
import { qualityTable } from "../../core/quality.js";
import { ensureRun } from "../runCache.js";
import { writeSynced } from "../files.js";

/** What a run needs besides its plan: the report's evaluation settings and where to write. */
export interface RunTask {
  plan: RunPlan;
  samplers: SamplerSpec[];
  steps: number[];
  seeds: number[];
  n: number;
  /** The run's folder inside the report under construction (created here). */
  outDir: string;
  /** The run cache (default data/runs/). */
  runsDir?: string;
  /** Inference threads (1 when runs share the cores; default: as many as the engine uses). */
  numThreads?: number;
  /** Recorded in the manifest of a run trained here. */
  command: string;
}

export type RunProgress =
  | { kind: "train"; run: string; event: ProgressEvent }
  | { kind: "evaluate"; run: string; done: number; total: number };

async function entry(dir: string, file: string, bytes: Uint8Array): Promise<FileEntry> {
  await writeSynced(join(dir, file), bytes);
  return { file, bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/** Points as "x,y" rows with a header; 5 decimals keep the file small and far below the metrics' noise. */
export function pointsCsv(points: Float64Array): string {
  const rows = ["x,y"];
  for (let i = 0; i + 1 < points.length; i += 2) rows.push(`${points[i].toFixed(5)},${points[i + 1].toFixed(5)}`);
  return rows.join("\n") + "\n";
}

export async function buildRun(task: RunTask, onProgress?: (event: RunProgress) => void): Promise<RunResult> {
  const { plan, outDir } = task;
  const started = performance.now();
  // A dataset file is read here (project-relative): the run cache keys on its content, and the quality
  // table scores against its points.
  const { dir, trained, file } = await ensureRun(plan.train, {
    runsDir: task.runsDir,
    command: task.command,
    onProgress: (event) => onProgress?.({ kind: "train", run: plan.id, event }),
  });
  const trainSeconds = (performance.now() - started) / 1000;

  const model = await readCheckpoint(dir);
  const last = model.manifest.checkpoints.find((c) => c.step === model.step)!;
  await mkdir(outDir, { recursive: true });
  await copyFile(join(dir, last.file), join(outDir, last.file));
  // The manifest lists only the copied checkpoint: every file it names is in the folder.
  const manifest: RunManifest = { ...model.manifest, checkpoints: [last] };
  const manifestEntry = await entry(outDir, MANIFEST_FILE, new TextEncoder().encode(manifestText(manifest)));
  const onnxBytes = checkpointToOnnx(model);
  const onnx = await entry(outDir, "model.onnx", onnxBytes);

  const evaluating = performance.now();
  const objective = objectiveOf(plan.train.model);
  const engine = await createWasmDenoiser(model.params, {
    parameterization: model.parameterization,
    dims: model.dims,
    threads: task.numThreads === 1 ? 1 : undefined,
  });
  // The engine outputs the network's raw values: sample() reads them by the objective (a flow model's are its velocity).
  const denoiser = Object.assign(engine, { objective });
  try {
    // A flow-matching model has no noise schedule.
    const schedule = objective === "ddpm" ? makeSchedule(plan.train.schedule) : undefined;
    const runs = samplersForRun(task.samplers, objective).flatMap((spec) => task.steps.map((steps) => ({ ...spec, steps })));
    let done = 0;
    // The first seed's samples are kept as the run's sample files, with the length of each point's path
    // measured step by step as it is drawn (x_T is the seed's first 2n normals, as sample() draws it).
    const seed = task.seeds[0];
    const kept: { meter: StraightnessMeter; samples?: Float64Array }[] = [];
    const quality = await qualityTable({
      denoiser,
      schedule,
      dataset: file ? { ...plan.train.dataset, sha256: file.sha256 } : plan.train.dataset,
      filePoints: file?.points,
      runs,
      n: task.n,
      seeds: task.seeds,
      onRow: () => onProgress?.({ kind: "evaluate", run: plan.id, done: ++done, total: runs.length }),
      watch: (index, s) => {
        if (s !== seed) return undefined;
        const entry: (typeof kept)[number] = { meter: new StraightnessMeter(new Rng(seed).normals(2 * task.n)) };
        kept[index] = entry;
        return { onStep: (_done, _steps, x) => entry.meter.add(x), onSamples: (samples) => (entry.samples = samples) };
      },
    });
    const samples: SampleFile[] = [];
    for (const [index, run] of runs.entries()) {
      const spec: SamplerSpec = { sampler: run.sampler, eta: run.eta, spacing: run.spacing };
      const { meter, samples: drawn } = kept[index];
      if (drawn === undefined) throw new Error(`run ${plan.id}: ${samplerId(spec)} × ${run.steps} was not sampled at seed ${seed}`);
      const file = `samples-${samplerId(spec)}-${run.steps}.csv`;
      await writeSynced(join(outDir, file), pointsCsv(drawn));
      samples.push({
        sampler: JSON.parse(JSON.stringify(spec)),
        samplerId: samplerId(spec),
        steps: run.steps,
        seed,
        file,
        straightness: meter.value(),
      });
    }
    return {
      id: plan.id,
      index: plan.index,
      label: plan.label,
      values: plan.values,
      train: model.manifest.config,
      objective,
      configHash: model.manifest.configHash,
      engine: model.manifest.engine,
      versions: model.manifest.versions,
      created: model.manifest.created,
      trained,
      manifest: manifestEntry,
      checkpoint: { file: last.file, bytes: last.bytes, sha256: last.sha256, step: last.step, loss: last.loss },
      onnx,
      lossHistory: model.manifest.lossHistory,
      quality,
      samples,
      seconds: { train: trainSeconds, evaluate: (performance.now() - evaluating) / 1000 },
    };
  } finally {
    await denoiser.dispose();
  }
}
