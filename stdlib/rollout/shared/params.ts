/** Typed reads of a planned strategy's parameters (the checker has validated them). */
export function num(params: Record<string, unknown>, name: string, fallback?: number): number {
  const v = params[name];
  if (typeof v === "number") return v;
  if (fallback !== undefined) return fallback;
  throw new TypeError(`strategy parameter ${name} is missing`);
}

export function str(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  return typeof v === "string" ? v : undefined;
}

export function list<T>(params: Record<string, unknown>, name: string): T[] {
  const v = params[name];
  return Array.isArray(v) ? (v as T[]) : [];
}

export const DEFAULT_INTERVAL_MS = 600_000;
