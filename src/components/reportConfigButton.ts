/**
 * "Save as report config": a button that downloads what a page shows as a report config, the JSON
 * that `npm run chisel -- report --config FILE` turns into a report page. Before a file is offered it
 * goes through the CLI's own parseReportConfig, so what downloads is what the CLI accepts, unchanged.
 * When the page's settings cannot make a report, the button is disabled and says why.
 *
 * A config trained on the reader's own points names them as a project file, data/datasets/NAME-HASH.csv
 * with its SHA-256 (HASH, its first 8 hex digits, keeps two drawings' files and configs apart): the button
 * then downloads that CSV too, and says where it goes.
 */
import { parseReportConfig, type ReportConfigInput } from "../core/reports/config.js";
import { FLOW_SAMPLER_NAMES, SAMPLER_NAMES } from "../core/settings.js";
import type { TrainConfigInput } from "../core/training/config.js";
import { saveFile } from "./saveFile.js";
import { baseName, slug } from "./slug.js";

/** A points file a config's dataset.file names: where it goes in the project, and its text. */
export interface PointsFile {
  path: string;
  csv: string;
}

/** A config to offer (with the points file it reads, if any), or why there is none. */
export type ReportConfigSource = { config: ReportConfigInput; pointsFile?: PointsFile } | { reason: string };

/** Where a report config's points file lies, relative to the project root. */
export const POINTS_FOLDER = "data/datasets";

/** The sampling step counts of the committed reports. */
export const REPORT_STEPS = [10, 50, 1000] as const;

/**
 * The report of a Train-page run: its training config as the page trains it, evaluated as the
 * committed reports are (three DDPM samplers, or Euler and Heun for flow matching, at 10, 50 and 1000
 * steps, or fewer where T is shorter; three seeds of 512 points). A points file the config names
 * (`dataset.file`) moves to POINTS_FOLDER, where the CLI reads it from the project root, named with
 * the start of its SHA-256 so that a second set with the same settings does not overwrite the first.
 */
export function trainReportConfig(input: TrainConfigInput): ReportConfigInput {
  const flow = input.model?.objective === "flow-matching";
  const T = flow ? undefined : input.schedule?.T ?? 1000;
  const steps = REPORT_STEPS.filter((k) => T === undefined || k <= T);
  const own = input.dataset?.file;
  const tag = input.dataset?.sha256 ? `-${input.dataset.sha256.slice(0, 8)}` : "";
  const dataset = own !== undefined ? `${baseName(own)}${tag}` : input.dataset?.name ?? "spiral";
  const file = own !== undefined ? `${dataset}.csv` : undefined;
  const method = flow ? "flow matching" : `${input.schedule?.kind ?? "linear"}`;
  const trainingSteps = input.training?.steps ?? 10_000;
  const seed = input.training?.seed ?? 0;
  const samplers = flow ? FLOW_SAMPLER_NAMES : SAMPLER_NAMES;
  return {
    name: slug(`train ${dataset} ${method}${T === undefined ? "" : ` T${T}`} ${trainingSteps} steps seed ${seed}`),
    title: `From the Train page: ${file ? `your points (${file})` : `the ${dataset}`}, ` +
      `${flow ? "flow matching" : `${method} schedule, T = ${T}`}, ${trainingSteps.toLocaleString("en-US")} training steps`,
    description: `The settings of the dashboard's Train page${input.backend ? `, trained on ${input.backend}` : ""}, sampled with ` +
      `${flow ? "Euler and Heun" : "DDPM, DDIM and DPM-Solver++"} and scored against the floor.`,
    train: file ? { ...input, dataset: { ...input.dataset, file: `${POINTS_FOLDER}/${file}` } } : input,
    samplers: samplers.map((sampler) => ({ sampler })),
    steps: steps.length ? steps : [T!],
    seeds: [0, 1, 2],
    n: 512,
  };
}

const fileName = (path: string) => path.replace(/^.*\//, "");

export type ReportConfigButton = HTMLElement & {
  /** Offers this config from now on (or disables the button with the reason). */
  update(source: ReportConfigSource): void;
};

/** The button and a line under it: the command that rebuilds the report, or why there is nothing to save. */
export function reportConfigButton(options: { document?: Document } = {}): ReportConfigButton {
  const { document = globalThis.document } = options;
  const root = document.createElement("div") as unknown as ReportConfigButton;
  root.className = "report-config";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Save as report config";
  const note = document.createElement("p");
  note.className = "report-config-note";
  note.style.cssText = "margin: 0.3rem 0 0; font-size: 0.9em; color: var(--theme-foreground-muted);";
  note.setAttribute("role", "status");
  root.append(button, note);

  let source: ReportConfigSource = { reason: "Nothing to save yet." };
  root.update = (next) => {
    // The CLI's own check: a config it would refuse is never offered.
    if ("config" in next) {
      try {
        parseReportConfig(next.config);
      } catch (error) {
        next = { reason: `The CLI would refuse this config: ${(error as Error).message}.` };
      }
    }
    source = next;
    button.disabled = "reason" in next;
    button.title = "reason" in next ? next.reason : "";
    const command = "reason" in next ? "" : `npm run chisel -- report --config ${next.config.name}.json builds its report`;
    note.textContent = "reason" in next
      ? next.reason
      : next.pointsFile
      ? `Saves ${next.config.name}.json and ${fileName(next.pointsFile.path)}: put the CSV in the chisel project as ` +
        `${next.pointsFile.path}, then ${command} from the same points (the config pins their SHA-256).`
      : `Saves ${next.config.name}.json: ${command}.`;
  };
  button.addEventListener("click", () => {
    if ("reason" in source) return;
    saveFile(`${source.config.name}.json`, JSON.stringify(source.config, null, 2) + "\n", "application/json", document);
    if (source.pointsFile) saveFile(fileName(source.pointsFile.path), source.pointsFile.csv, "text/csv", document);
  });
  root.update(source);
  return root;
}
