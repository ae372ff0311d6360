/**
 * Normal and truncated-normal arithmetic for the Parzen estimators, in log space
 * where tails would underflow. Accuracy is about 1e-7 relative, ample for ranking
 * candidates.
 */
import type { Rng } from "../../../core/rng.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LN2 = Math.LN2;

/**
 * log(erfc(x)) for x >= 0, Chebyshev fit from Numerical Recipes (erfcc): fractional
 * error below 1.2e-7 everywhere, and written in log form so it never underflows.
 */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const tail = 0.5 * Math.exp(logErfcNonNegative(z)); // Φ(-|x|)
  return x < 0 ? tail : 1 - tail;
}

/** log Φ(x), accurate far into the left tail. */
export function logNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const logTail = logErfcNonNegative(z) - LN2; // log Φ(-|x|)
  return x < 0 ? logTail : Math.log1p(-Math.exp(logTail));
}

/** Standard normal log density. */
export function logNormalPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/**
 * Inverse of Φ for p in (0, 1): Acklam's rational approximation (relative error
 * about 1.15e-9). Returns ±Infinity at 0 and 1.
 */
export function normalPpf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const pLow = 0.02425;
  if (p < pLow) return lowerTailPpf(p);
  if (p > 1 - pLow) return -lowerTailPpf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r +
      2.506628277459239) *
      q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1)
  );
}

function lowerTailPpf(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  return (
    (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q +
      2.938163982698783) /
    ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1)
  );
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * log(Φ(b) − Φ(a)) for a <= b, stable in both tails and for narrow intervals
 * (where the difference of two CDFs would lose every digit).
 */
export function logGaussMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  if (b - a < 0.05) {
    // Simpson's rule: error ~ (b-a)^5, far below the CDF's own accuracy here
    const m = 0.5 * (a + b);
    const log3 = logAddExp(logAddExp(logNormalPdf(a), Math.log(4) + logNormalPdf(m)), logNormalPdf(b));
    return Math.log(b - a) - Math.log(6) + log3;
  }
  if (b <= 0) return logDiffFromLeftTail(logNormalCdf(b), logNormalCdf(a));
  if (a >= 0) return logDiffFromLeftTail(logNormalCdf(-a), logNormalCdf(-b));
  // the interval holds 0: 1 − Φ(a) − Φ(−b), both terms at most one half
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/** log(e^hi − e^lo) for lo <= hi. */
function logDiffFromLeftTail(logHi: number, logLo: number): number {
  if (logLo === -Infinity) return logHi;
  return logHi + Math.log1p(-Math.exp(Math.min(0, logLo - logHi)));
}

/**
 * One draw from N(mu, sigma²) truncated to [low, high] by inverting the CDF, so it
 * costs exactly one random number. Requires low <= mu <= high (always true for
 * Parzen kernels, whose centres are observations inside the bounds).
 */
export function sampleTruncatedNormal(mu: number, sigma: number, low: number, high: number, rng: Rng): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  const u = rng.next();
  const cdfA = normalCdf(a);
  const cdfB = normalCdf(b);
  const p = cdfA + u * (cdfB - cdfA);
  let z: number;
  if (p < 0.5) z = normalPpf(p);
  else {
    // upper half: work with upper-tail probabilities to keep precision near 1
    const sfA = normalCdf(-a);
    const sfB = normalCdf(-b);
    z = -normalPpf(sfB + (1 - u) * (sfA - sfB));
  }
  const x = mu + sigma * z;
  return x < low ? low : x > high ? high : x;
}
