import { checkpointToOnnx, readCheckpoint } from "../../src/io/models.js";
import { defineCommand } from "./command.js";
import { checkStep, warnIfIncomplete } from "./common.js";
import { settingFlag, UsageError } from "./flags.js";
import { SETTINGS } from "../../src/core/settings.js";
import { checkOutPath, writeOutFile } from "./output.js";

export const exportOnnxCommand = defineCommand({
  name: "export-onnx",
  summary: "Exports a checkpoint as a standard ONNX model: inputs x [N, 2], t [N]; output eps [N, 2] (a flow-matching model: velocity [N, 2], t = 1000·t).",
  ownsOut: true,
  flags: {
    checkpoint: { type: "string", required: true, help: "a run directory (its last checkpoint) or a step-NNNNNN.f32 file in one" },
    step: settingFlag(SETTINGS.checkpointStep, { help: "with a run directory: which checkpoint" }),
    out: { type: "string", required: true, help: "the .onnx file to write" },
  },
  async run(flags) {
    await checkOutPath("out", flags.out!);
    const model = await readCheckpoint(flags.checkpoint!, flags.step).catch((error) => {
      throw new UsageError(`--checkpoint ${flags.checkpoint}: ${(error as Error).message.split("\n")[0].replace(/^ENOENT: /, "")}`);
    });
    checkStep(flags.step, model, "checkpoint", flags.checkpoint!);
    warnIfIncomplete("checkpoint", flags.checkpoint!, model);
    const bytes = checkpointToOnnx(model);
    await writeOutFile("out", flags.out!, bytes);
    const { kind, T, betaStart, betaEnd } = model.schedule;
    return {
      out: flags.out,
      bytes: bytes.length,
      runDir: model.runDir,
      step: model.step,
      parameterization: model.parameterization,
      ...(model.objective === "ddpm" ? { schedule: { kind, T, betaStart, betaEnd } } : { objective: model.objective }),
    };
  },
});
