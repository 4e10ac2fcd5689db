/**
 * Seeded randomness that gives the same stream in Deno, Node and the browser.
 *
 * xoshiro128** (Blackman & Vigna) on 32-bit integer arithmetic (`Math.imul`, `>>>`), seeded through
 * splitmix32, so every engine computes the same bits. Normals come from the Box–Muller transform,
 * which only uses `Math.log`, `Math.sqrt`, `Math.cos` and `Math.sin`: V8 (Deno, Node, Chromium)
 * implements them with the same fdlibm port, so normal streams agree across our targets too.
 */

const TWO_POW_32 = 4294967296;
const TWO_PI = 2 * Math.PI;

/** splitmix32: spreads a small integer seed over the 128-bit xoshiro state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  /** `seed` is any integer; seeds that differ give independent-looking streams. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    // Mix both halves of a seed beyond 32 bits so that 1 and 2**32 + 1 differ.
    const high = Math.floor(seed / TWO_POW_32);
    const mix = splitmix32((seed >>> 0) ^ Math.imul(high >>> 0, 0x9e3779b1));
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1; // the all-zero state is a fixed point
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive integer n, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return spare;
    }
    // 1 - u is in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = TWO_PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `out` with standard normals and returns it. */
  fillNormal<A extends Float64Array | Float32Array>(out: A): A {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** A new Float64Array of `length` standard normals. */
  normals(length: number): Float64Array {
    return this.fillNormal(new Float64Array(length));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
