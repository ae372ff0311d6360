/**
 * Reading a stage's named arguments with clear errors. The checker already
 * rejects most bad literals; these checks keep the runtime safe when a plan is
 * written by hand or by an older compiler.
 */
import { TransformError, type TransformArgs } from "../transform-module.js";

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

export function numberArg(transform: string, args: TransformArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TransformError(transform, `argument \`${name}\` must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function requiredNumberArg(transform: string, args: TransformArgs, name: string): number {
  const value = numberArg(transform, args, name);
  if (value === undefined) throw new TransformError(transform, `argument \`${name}\` is required`);
  return value;
}

/** A whole number within [min, max]; undefined when absent. */
export function intArg(
  transform: string,
  args: TransformArgs,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = numberArg(transform, args, name);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TransformError(transform, `argument \`${name}\` must be a whole number in ${min}..${max}, got ${value}`);
  }
  return value;
}

export function requiredIntArg(transform: string, args: TransformArgs, name: string, min: number, max?: number): number {
  const value = intArg(transform, args, name, min, max);
  if (value === undefined) throw new TransformError(transform, `argument \`${name}\` is required`);
  return value;
}

export function numberListArg(transform: string, args: TransformArgs, name: string): number[] | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new TransformError(transform, `argument \`${name}\` must be a list of finite numbers, got ${describe(value)}`);
  }
  return value as number[];
}

export function choiceArg<T extends string>(
  transform: string,
  args: TransformArgs,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new TransformError(transform, `argument \`${name}\` must be one of ${choices.join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

/** Fails on arguments the transform does not know (a typo must not pass silently). */
export function rejectUnknownArgs(transform: string, args: TransformArgs, known: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      throw new TransformError(transform, `unknown argument \`${key}\`; it takes ${known.length ? known.join(", ") : "no arguments"}`);
    }
  }
}
