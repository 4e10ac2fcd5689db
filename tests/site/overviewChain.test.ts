/**
 * The overview's chain (src/core/overviewChain.ts), as its worker and its build-time rungs compute it:
 * x_t by the paper's t, the same points as core's forward chain, and packed for the worker's answer without
 * loss.
 */
import { describe, expect, it } from "vitest";
import { forwardChain } from "../../src/core/forward.js";
import { Rng } from "../../src/core/random.js";
import { NOISE_SEED, overviewChain, overviewData, overviewSchedule, packChain, unpackChain } from "../../src/core/overviewChain.js";

describe("the overview's chain", () => {
  const schedule = overviewSchedule();
  const x0 = overviewData("spiral");

  it("holds x_t by t, t = 0 the data, the same points as the forward chain at index t − 1", () => {
    const chain = overviewChain(schedule, x0, [0, 32, 1000]);
    const direct = forwardChain(schedule, x0, new Rng(NOISE_SEED), { record: [31, 999] });
    expect([...chain.keys()]).toEqual([0, 32, 1000]);
    expect(chain.get(0)).toEqual(x0);
    expect(chain.get(32)).toEqual(direct.get(31));
    expect(chain.get(1000)).toEqual(direct.get(999));
  });

  it("packs every step of a chain and unpacks it unchanged", () => {
    // The first three steps stand for a chain of T = 3.
    const chain = overviewChain(schedule, x0, [0, 1, 2, 3]);
    const unpacked = unpackChain(packChain(chain, 3));
    expect([...unpacked.keys()]).toEqual([0, 1, 2, 3]);
    for (const t of [0, 1, 2, 3]) expect(unpacked.get(t)).toEqual(chain.get(t));
  });
});
