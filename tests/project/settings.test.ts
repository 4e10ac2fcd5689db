/**
 * The settings registry (core/settings.ts) and what derives from it: range texts and checks, the
 * training config's sections, the CLI's flags and the pages' URL fields, which must agree setting by setting.
 */
import { describe, expect, it } from "vitest";
import { parseNumberFlag, settingFlag } from "../../scripts/cli/flags.js";
import { settingField } from "../../src/components/urlState.js";
import {
  checkSetting,
  describeRange,
  inRange,
  type IntegerSetting,
  type NumberSetting,
  samplerLabel,
  type Setting,
  settingLabel,
  SETTINGS,
} from "../../src/core/settings.js";
import { objectiveOf, parseTrainConfig } from "../../src/core/training/config.js";

const all = Object.values(SETTINGS) as Setting[];
const numeric = all.filter((s): s is IntegerSetting | NumberSetting => s.type !== "choice");
/** Settings a training config holds as a scalar at section.key. */
const inTrainConfig = all.filter((s) => /^(dataset|schedule|model|training)\.\w+$/.test(s.path));

describe("range texts and checks", () => {
  const integer = { type: "integer", min: 1, max: 10 } as const;
  const open = { type: "number", min: 0, max: 1, minExclusive: true, maxExclusive: true } as const;
  const ema = SETTINGS.ema;

  it("say the range as people read it", () => {
    expect(describeRange(integer)).toBe("an integer from 1 to 10");
    expect(describeRange(open)).toBe("a number in (0, 1)");
    expect(describeRange(SETTINGS.lr)).toBe("a number in (0, 1]");
    expect(describeRange({ type: "number", min: 0, max: Infinity })).toBe("a number ≥ 0");
    expect(describeRange(ema)).toBe("0 (off) or a number in [0.9, 1)");
    expect(describeRange(SETTINGS.scheduleKind)).toBe("one of linear, quadratic, cosine, sigmoid");
    // A narrowing bound is inclusive: a slider's span closes the open interval.
    expect(describeRange(open, { min: 1e-6, max: 0.99 })).toBe("a number in [0.000001, 0.99]");
    expect(describeRange(SETTINGS.trainingSteps, { max: 100 })).toBe("an integer from 1 to 100");
  });

  it("check the edges, NaN and infinities, integers and the off value", () => {
    expect([0, 1e-300, 1 - 1e-16, 1].map((v) => inRange(open, v))).toEqual([false, true, true, false]);
    expect([NaN, Infinity, -Infinity].some((v) => inRange(open, v))).toBe(false);
    expect(inRange({ type: "number", min: 0, max: Infinity }, Infinity)).toBe(false);
    expect([1, 10, 0, 11, 2.5].map((v) => inRange(integer, v))).toEqual([true, true, false, false, false]);
    expect([0, 0.5, 0.9, 0.999, 1].map((v) => inRange(ema, v))).toEqual([true, false, true, true, false]);
    expect(inRange(open, 0.995, { max: 0.99 })).toBe(false);
    expect(() => checkSetting("eta", SETTINGS.eta, 2)).toThrow("eta must be a number in [0, 1], got 2");
    expect(() => checkSetting("eta", SETTINGS.eta, 1)).not.toThrow();
  });
});

describe("the registry", () => {
  it("has unique paths, defaults inside their own ranges, and a label, help and flag for each", () => {
    expect(new Set(all.map((s) => s.path)).size).toBe(all.length);
    for (const setting of all) {
      expect(setting.label && setting.help && setting.flag, setting.path).toBeTruthy();
      if (setting.default === undefined) continue;
      if (setting.type === "choice") expect(setting.choices, setting.path).toContain(setting.default);
      else expect(inRange(setting, setting.default), setting.path).toBe(true);
    }
    // Every choice has a label, so menus and tables never fall back to a raw name.
    for (const setting of all) if (setting.type === "choice") expect(Object.keys(setting.labels).sort()).toEqual([...setting.choices].sort());
  });

  it("gives the flags of one command distinct names", () => {
    const flags = inTrainConfig.map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it("labels config paths and samplers", () => {
    expect(settingLabel("schedule.betaEnd")).toBe("β end");
    expect(settingLabel("no.such.path")).toBe("no.such.path");
    expect(samplerLabel({ sampler: "ddim", eta: 0.5 })).toBe("DDIM η = 0.5");
    expect(samplerLabel({ sampler: "dpm-solver++", spacing: "logsnr" })).toBe("DPM-Solver++ (even in ln SNR)");
  });
});

/** The value at a dotted path of a parsed config. */
const at = (config: unknown, path: string) => path.split(".").reduce((node, key) => (node as Record<string, unknown>)[key], config);
/** A config document that sets one value at a dotted path. */
const withValue = (path: string, value: unknown) => {
  const [section, key] = path.split(".");
  return { [section]: { [key]: value } };
};

describe("what derives from the registry agrees with it", () => {
  it("the training config holds every scalar setting, filled with its default", () => {
    const config = parseTrainConfig({});
    // warmup and logEvery have defaults computed from the run's length, noise the dataset's own.
    for (const setting of inTrainConfig.filter((s) => s.default !== undefined)) {
      // DDPM, the default objective, is the absence of the key (config.ts keeps DDPM configs' bytes).
      const value = setting.path === "model.objective" ? objectiveOf(config.model) : at(config, setting.path);
      expect(value, setting.path).toEqual(setting.default);
    }
    for (const setting of inTrainConfig) {
      // A value the config keeps as given (cross-field rules aside: warm-up ≤ steps, β end > β start).
      const value = setting.type === "choice" ? setting.choices.at(-1) : setting.type === "integer" ? setting.min : setting.default ?? setting.min;
      expect(at(parseTrainConfig(withValue(setting.path, value)), setting.path), setting.path).toEqual(value);
    }
  });

  it("the config, the CLI flag and the URL field refuse the same values, in the same words", () => {
    for (const setting of numeric.filter((s) => inTrainConfig.includes(s))) {
      const range = describeRange(setting);
      const outside = [setting.max === Infinity ? -1 : setting.max + 1, setting.min - 1];
      if (setting.type === "number" && setting.maxExclusive) outside.push(setting.max);
      if (setting.type === "number" && setting.minExclusive) outside.push(setting.min);
      for (const value of outside) {
        expect(() => parseTrainConfig(withValue(setting.path, value)), `${setting.path} = ${value}`)
          .toThrow(`${setting.path}: must be ${range}, got ${value}`);
        const flag = settingFlag(setting);
        expect(() => parseNumberFlag(setting.flag, flag, String(value))).toThrow(`--${setting.flag} must be ${range}, got "${value}"`);
      }
    }
  });

  it("a URL field keeps the setting's range: open bounds refuse, closed bounds clamp, the off value passes", () => {
    const beta = settingField(SETTINGS.betaEnd);
    expect(beta.parse("0.995")).toEqual({ value: 0.995 });
    expect(beta.parse("1")).toEqual({ refused: "must be a number in (0, 1)" });
    const ema = settingField(SETTINGS.ema);
    expect(ema.parse("0")).toEqual({ value: 0 });
    expect(ema.parse("1")).toEqual({ refused: "must be 0 (off) or a number in [0.9, 1)" });
    expect(ema.parse("0.5")).toEqual({ value: 0.9, note: "must be 0 (off) or a number in [0.9, 1): clamped to 0.9" });
    const slider = settingField(SETTINGS.betaEnd, { bounds: SETTINGS.betaEnd.slider });
    expect(slider.parse("0.995")).toEqual({ value: 0.99, note: "must be a number in [0.000001, 0.99]: clamped to 0.99" });
    const steps = settingField(SETTINGS.trainingSteps, { bounds: { max: 100 } });
    expect(steps.parse("5000")).toEqual({ value: 100, note: "must be an integer from 1 to 100: clamped to 100" });
  });
});
