/** fast-check generators for raw columns: numbers with nulls, categories with repeats and strangers. */
import fc from "fast-check";

/** Numbers in [min, max] (float32-representable after rounding), about one in ten null. */
export function numbers(min = -1e4, max = 1e4, options: { minLength?: number; maxLength?: number; nulls?: boolean } = {}) {
  const value = fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const cell = options.nulls === false ? value : fc.option(value, { freq: 9, nil: null });
  return fc.array(cell, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 60 });
}

export const CATEGORIES = ["basic", "pro", "enterprise", "trial", "é 日本", "x"];

/** Category strings drawn mostly from a small set (so repeats happen), sometimes anything, sometimes null. */
export function categories(options: { minLength?: number; maxLength?: number } = {}) {
  const cell = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...CATEGORIES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  return fc.array(cell, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 60 });
}

/** Small integer codes (an int column used as a category), sometimes null. */
export function codes(options: { minLength?: number; maxLength?: number } = {}) {
  const cell = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -3, max: 6 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  return fc.array(cell, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 60 });
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / values.length);
}
