/**
 * The zod schema of a registered setting (settings.ts): what the training and report configs are
 * built from, so a config refuses exactly what the CLI, the controls and the URL refuse, with the
 * same words. Kept apart from the registry so that pages reading only labels do not load zod.
 */
import { z } from "zod";
import { type Bounds, type ChoiceSetting, describeRange, inRange, type IntegerSetting, type NumberSetting, type Setting, SETTINGS } from "./settings.js";

/** A number the setting allows (within narrower `bounds` when given); the error names the range. */
export function numberSchema(setting: IntegerSetting | NumberSetting, bounds: Bounds = {}) {
  const error = `must be ${describeRange(setting, bounds)}`;
  return z.number({ error }).refine((value) => inRange(setting, value, bounds), { error });
}

/** One of the setting's choices. */
export function choiceSchema<C extends string>(setting: ChoiceSetting<C>) {
  return z.enum(setting.choices as unknown as [C, ...C[]], { error: `must be ${describeRange(setting)}` });
}

type Registry = typeof SETTINGS;
type Entry = Registry[keyof Registry];
/** The keys of the scalar settings a config holds under `section` ("dataset" → "name" | "n" | …). */
type SectionKey<S extends string> = Entry["path"] extends infer P ? P extends `${S}.${infer Key}` ? Key extends `${string}[]` ? never : Key : never
  : never;
type EntryAt<P> = Extract<Entry, { path: P }>;
type Typed<E> = E extends { type: "choice"; choices: readonly (infer C)[] } ? z.ZodType<C, C> : z.ZodType<number, number>;
type Filled<E> = E extends { default: unknown } ? z.ZodDefault<Typed<E>> : z.ZodOptional<Typed<E>>;
export type SectionShape<S extends string> = { [K in SectionKey<S>]: Filled<EntryAt<`${S}.${K}`>> };

/**
 * The zod shape of every registered scalar setting at `section.key` in a config, each filled with its
 * default or optional where it has none: adding a setting to the registry adds it to its config.
 * Lists (paths ending in []) are shaped by the config itself.
 */
export function sectionShape<S extends string>(section: S): SectionShape<S> {
  const shape: Record<string, z.ZodType> = {};
  for (const setting of Object.values(SETTINGS) as Setting[]) {
    const [head, key, ...rest] = setting.path.split(".");
    if (head !== section || key === undefined || rest.length > 0 || key.endsWith("[]")) continue;
    const schema: z.ZodType<unknown, unknown> = setting.type === "choice" ? choiceSchema(setting) : numberSchema(setting);
    shape[key] = setting.default === undefined ? schema.optional() : schema.default(setting.default);
  }
  return shape as SectionShape<S>;
}
