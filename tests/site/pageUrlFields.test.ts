/**
 * The pages' own URL parameters (src/components/pageUrlFields.ts, and the images, Train and Sampling pages'
 * specs beside their state): their defaults write an empty query, and the Train page's are the controls'
 * defaults and bounds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IMAGES_STATE } from "../../src/components/imagesState.js";
import { OVERVIEW_STATE, SCHEDULES_STATE, denoisingState, trajectoriesState } from "../../src/components/pageUrlFields.js";
import { samplingState } from "../../src/components/samplingState.js";
import { DEFAULT_CONTROLS, TRAIN_URL_STATE } from "../../src/components/trainControls.js";
import { readUrlState, urlSearch } from "../../src/components/urlState.js";

const SAMPLING_DEFAULTS = { sampler: "ddpm" as const, variance: "betaTilde" as const, eta: 0, steps: [10, 50, 1000], seed: 0, n: 512 };

describe("the pages' URL parameters", () => {
  const pages = {
    overview: OVERVIEW_STATE,
    schedules: SCHEDULES_STATE,
    denoising: denoisingState(1000, 2048),
    images: IMAGES_STATE,
    train: TRAIN_URL_STATE,
    sampling: samplingState({ defaults: SAMPLING_DEFAULTS, maxT: 1000, hasSession: false }),
    trajectories: trajectoriesState([{ id: "ddpm-1000", frames: 101 }, { id: "dpm-10", frames: 11 }]),
  };

  it("write nothing for their defaults, and read an empty query as the defaults", () => {
    for (const [page, specs] of Object.entries(pages)) {
      const { values, problems } = readUrlState(specs, "");
      expect(problems, page).toEqual([]);
      expect(urlSearch(values, specs), page).toBe("");
      expect(new Set(specs.map((s) => s.key)).size, `${page} has distinct keys`).toBe(specs.length);
    }
  });

  it("give the Train page the controls' defaults, and clamp to its bounds", () => {
    expect(readUrlState(TRAIN_URL_STATE, "").values).toEqual(DEFAULT_CONTROLS);
    expect(readUrlState(TRAIN_URL_STATE, "?batch=99999&T=0").values).toMatchObject({ batch: 4096, T: 1 });
  });

  it("read the sampling page's three step counts, clamping each to the largest T", () => {
    const specs = pages.sampling;
    expect(readUrlState(specs, "?steps=1,2000,7").values.steps).toEqual([1, 1000, 7]);
    expect(readUrlState(specs, "?steps=1,2000,7").problems).toEqual(["URL parameter steps=1,2000,7: 2000: must be an integer from 1 to 1000: clamped to 1000."]);
    expect(urlSearch({ ...readUrlState(specs, "").values, steps: [5, 20, 100], sampler: "dpm-solver++" }, specs))
      .toBe("?sampler=dpm-solver++&steps=5,20,100");
    const session = samplingState({ defaults: SAMPLING_DEFAULTS, maxT: 1000, hasSession: true });
    expect(readUrlState(session, "?model=session")).toMatchObject({ values: { model: "session" }, problems: [] });
    expect(readUrlState(specs, "?model=session").values.model).toBe("default");
  });

  it("turn any query into valid settings that read back unchanged, with one line per problem", () => {
    const value = fc.oneof(
      fc.constantFrom("", "0x10", " 7 ", "1e999", "-1", "NaN", "ddim", "session", "x0,trails", "10,50", "%", "%E0%A4%A", "1,2,3,4"),
      fc.string({ maxLength: 8 }),
      fc.double().map(String),
      fc.integer().map(String),
    );
    for (const [page, specs] of Object.entries(pages)) {
      const key = fc.oneof(fc.constantFrom(...specs.map((spec) => spec.key)), fc.string({ maxLength: 4 }));
      const query = fc.array(fc.tuple(key, value), { maxLength: 6 })
        .map((pairs) => "?" + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${fc.sample(fc.boolean(), 1)[0] ? v : encodeURIComponent(v)}`).join("&"));
      fc.assert(fc.property(query, (search) => {
        const { values, problems } = readUrlState(specs, search);
        for (const line of problems) expect(line, `${page} ${search}`).not.toContain("\n");
        const again = readUrlState(specs, urlSearch(values, specs));
        expect(again.problems, `${page} ${search}`).toEqual([]);
        expect(again.values, `${page} ${search}`).toEqual(values);
      }), { numRuns: 300 });
    }
  });
});
