/**
 * Feedback outcomes as numbers. An outcome is a boolean (1/0), a number, or an
 * object of named outcomes (`{converted: true, revenue: 12.5}`) of which a
 * metric or reward names one; an object's only field, or its `label` field,
 * is the label that quality guards score against.
 */
export function outcomeValue(outcome: unknown, field?: string): number | null {
  if (typeof outcome === "boolean") return outcome ? 1 : 0;
  if (typeof outcome === "number") return Number.isFinite(outcome) ? outcome : null;
  if (typeof outcome === "object" && outcome !== null && !Array.isArray(outcome)) {
    const record = outcome as Record<string, unknown>;
    if (field !== undefined && field in record) return outcomeValue(record[field]);
    const keys = Object.keys(record);
    if (field === undefined && keys.length === 1) return outcomeValue(record[keys[0]!]);
    if (field === undefined && "label" in record) return outcomeValue(record.label);
  }
  return null;
}

/** Binary when every value is 0 or 1. */
export function outcomeKind(values: readonly number[]): "binary" | "numeric" {
  return values.every((v) => v === 0 || v === 1) ? "binary" : "numeric";
}
