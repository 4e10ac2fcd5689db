/**
 * Two built-in test images, computed pixel by pixel so the site ships no image files and every engine
 * draws the same bytes: a geometric one (flat colours, hard edges, after Mondrian's 1930 "Composition
 * with Red, Blue and Yellow") and an organic one (a flower: smooth gradients and soft edges). Noise wipes
 * out the fine structure of both first and their broad areas last.
 */

import type { RgbaImage } from "./rasterImage.js";

type Rgb = readonly [number, number, number];

export const MONDRIAN_COLORS = {
  white: [242, 240, 232],
  black: [20, 20, 20],
  red: [212, 32, 28],
  blue: [24, 72, 150],
  yellow: [250, 204, 20],
} as const satisfies Record<string, Rgb>;

export const SYNTHETIC_IMAGES = ["mondrian", "flower"] as const;
export type SyntheticImageName = (typeof SYNTHETIC_IMAGES)[number];

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 8 || size > 1024) {
    throw new RangeError(`size must be an integer from 8 to 1024, got ${size}`);
  }
}

/** A size × size image whose pixel (x, y) has colour shade(u, v) at the pixel centre, u, v ∈ (0, 1). */
function render(size: number, shade: (u: number, v: number) => Rgb): RgbaImage {
  checkSize(size);
  const data = new Uint8ClampedArray(4 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = shade((x + 0.5) / size, (y + 0.5) / size);
      const i = 4 * (y * size + x);
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/** Which of the given boxes [u0, u1) × [v0, v1) a point is in. */
function inBox(u: number, v: number, [u0, u1, v0, v1]: readonly number[]): boolean {
  return u >= u0 && u < u1 && v >= v0 && v < v1;
}

/** Coloured fields, then black bars on top, in fractions of the side: [u0, u1, v0, v1]. */
const FIELDS: ReadonlyArray<readonly [readonly number[], Rgb]> = [
  [[0.3, 1, 0, 0.7], MONDRIAN_COLORS.red],
  [[0, 0.3, 0.7, 1], MONDRIAN_COLORS.blue],
  [[0.9, 1, 0.86, 1], MONDRIAN_COLORS.yellow],
];
/** Bars as [u0, u1, v0, v1] of their centre lines; each is widened by the line width. */
const BARS: ReadonlyArray<readonly number[]> = [
  [0.3, 0.3, 0, 1],
  [0, 1, 0.7, 0.7],
  [0, 0.3, 0.33, 0.33],
  [0.9, 0.9, 0.7, 1],
  [0.9, 1, 0.86, 0.86],
];

/** The Mondrian: three coloured fields on white, divided by black bars about 1/32 of the side thick. */
export function mondrian(size = 128): RgbaImage {
  checkSize(size);
  const half = Math.max(1, Math.round(size / 32)) / size / 2;
  return render(size, (u, v) => {
    for (const [u0, u1, v0, v1] of BARS) {
      if (inBox(u, v, [u0 - half, u1 + half, v0 - half, v1 + half])) return MONDRIAN_COLORS.black;
    }
    for (const [box, color] of FIELDS) if (inBox(u, v, box)) return color;
    return MONDRIAN_COLORS.white;
  });
}

function mix(a: Rgb, b: Rgb, w: number): Rgb {
  return [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w, a[2] + (b[2] - a[2]) * w];
}

/** 0 below edge0, 1 above edge1, a smooth cubic between: anti-aliased edges without supersampling. */
function smoothstep(edge0: number, edge1: number, x: number): number {
  const s = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return s * s * (3 - 2 * s);
}

const SKY_TOP: Rgb = [120, 170, 220];
const SKY_LOW: Rgb = [236, 214, 180];
const GRASS: Rgb = [70, 130, 60];
const STEM: Rgb = [46, 110, 50];
const PETAL_TIP: Rgb = [238, 120, 170];
const PETAL_BASE: Rgb = [150, 30, 90];
const HEART: Rgb = [250, 200, 60];
const HEART_RIM: Rgb = [150, 80, 20];

/** Flower head centre and radius, in fractions of the side. */
const HEAD = { u: 0.5, v: 0.4, radius: 0.3 } as const;
const PETALS = 7;

/** The flower: seven soft petals around a shaded heart, on a stem, against a sky fading into grass. */
export function flower(size = 128): RgbaImage {
  checkSize(size);
  const pixel = 1 / size;
  return render(size, (u, v) => {
    // Sky from blue to warm haze, grass below a gently rolling horizon.
    const horizon = 0.8 + 0.03 * Math.sin(2 * Math.PI * u * 1.5);
    let color = mix(SKY_TOP, SKY_LOW, smoothstep(0, horizon, v));
    color = mix(color, GRASS, smoothstep(horizon - pixel, horizon + pixel, v));
    // A stem from the head down to the bottom edge.
    if (v > HEAD.v) color = mix(color, STEM, 1 - smoothstep(0.012, 0.012 + pixel, Math.abs(u - HEAD.u)));
    // Petals: the head's outline in polar form, r(θ) = R (0.55 + 0.45 |cos(kθ/2)|), darker towards the heart.
    const du = u - HEAD.u;
    const dv = v - HEAD.v;
    const r = Math.hypot(du, dv);
    const outline = HEAD.radius * (0.55 + 0.45 * Math.abs(Math.cos((PETALS * Math.atan2(dv, du)) / 2)));
    const petal = mix(PETAL_BASE, PETAL_TIP, Math.min(1, r / outline));
    color = mix(color, petal, 1 - smoothstep(outline - pixel, outline + pixel, r));
    // The heart: bright in the middle, a darker rim.
    const heartRadius = 0.3 * HEAD.radius;
    const heart = mix(HEART, HEART_RIM, smoothstep(0, heartRadius, r) ** 2);
    return mix(color, heart, 1 - smoothstep(heartRadius - pixel, heartRadius + pixel, r));
  });
}

export function syntheticImage(name: SyntheticImageName, size = 128): RgbaImage {
  if (name === "mondrian") return mondrian(size);
  if (name === "flower") return flower(size);
  throw new RangeError(`name must be one of ${SYNTHETIC_IMAGES.join(", ")}, got ${name}`);
}
