import { describe, expect, it } from "vitest";
import { EMBEDDING_DIM, embeddingFrequencies, EmbeddingRows, timeEmbedding } from "../../src/core/embedding.js";

describe("time embedding", () => {
  it("follows e[k] = sin(t f_k), e[16 + k] = cos(t f_k) with f_k = 10000^(−k/16)", () => {
    const f = embeddingFrequencies();
    expect(f.length).toBe(16);
    expect(f[0]).toBe(1);
    expect(f[8]).toBeCloseTo(0.01, 15); // 10000^(−1/2)
    expect(f[15]).toBeCloseTo(10000 ** (-15 / 16), 15);
    const e0 = timeEmbedding(0, new Float64Array(EMBEDDING_DIM));
    expect([...e0]).toEqual([...new Array(16).fill(0), ...new Array(16).fill(1)]);
    const e100 = timeEmbedding(100, new Float64Array(EMBEDDING_DIM));
    expect(e100[0]).toBeCloseTo(Math.sin(100), 12);
    expect(e100[8]).toBeCloseTo(Math.sin(1), 12); // 100 · 0.01 = 1
    expect(e100[16 + 8]).toBeCloseTo(Math.cos(1), 12);
  });

  it("EmbeddingRows hands out the float32 rounding of each row, also after growing", () => {
    const rows = new EmbeddingRows();
    const early = Float32Array.from(rows.row(5));
    for (const t of [0, 5, 999, 4096]) {
      const expected = Float32Array.from(timeEmbedding(t, new Float64Array(EMBEDDING_DIM)));
      expect([...rows.row(t)]).toEqual([...expected]);
    }
    expect([...rows.row(5)]).toEqual([...early]);
    expect(() => rows.row(-1)).toThrow(RangeError);
  });
});
