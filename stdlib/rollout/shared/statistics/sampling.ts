/** Gamma and Beta draws on a seeded Rng (Marsaglia & Tsang 2000). */
import type { Rng } from "../../../../core/rng.js";

export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) {
    // boost: Gamma(a) = Gamma(a + 1) · U^(1/a)
    let u = rng.next();
    while (u === 0) u = rng.next();
    return gammaDraw(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function betaDraw(rng: Rng, a: number, b: number): number {
  const x = gammaDraw(rng, a);
  const y = gammaDraw(rng, b);
  return x / (x + y);
}
