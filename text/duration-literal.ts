/**
 * A duration in milliseconds as the spec writes it (`1d`, `6h`, `90m`, `250ms`):
 * the largest unit that divides it exactly, so a message quotes what the user
 * wrote (`at most 1 per 1d`) rather than `86400000 ms`.
 */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

export function durationLiteral(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0 || !Number.isInteger(ms)) return `${ms}ms`;
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
