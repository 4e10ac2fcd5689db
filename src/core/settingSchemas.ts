/**
 * The zod schema of a registered setting (settings.ts): what the training and report configs are
 * built from, so a config refuses exactly what the CLI, the controls and the URL refuse, with the
 * same words. Kept apart from the registry so that pages reading only labels do not load zod.
 */
import { z } from "zod";
import { type Bounds, type ChoiceSetting, describeRange, inRange, type IntegerSetting, type NumberSetting } from "./settings.js";

/** A number the setting allows (within narrower `bounds` when given); the error names the range. */
export function numberSchema(setting: IntegerSetting | NumberSetting, bounds: Bounds = {}) {
  const error = `must be ${describeRange(setting, bounds)}`;
  return z.number({ error }).refine((value) => inRange(setting, value, bounds), { error });
}

/** One of the setting's choices. */
export function choiceSchema<C extends string>(setting: ChoiceSetting<C>) {
  return z.enum(setting.choices as unknown as [C, ...C[]], { error: `must be ${describeRange(setting)}` });
}
