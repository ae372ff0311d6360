/**
 * Resolves the parameters given to a built-in against its signature: fills
 * defaults, rejects unknown names, wrong types and out-of-range values. The
 * checker catches these in a spec; this guards the runtime's own callers.
 */
import type { ParamSig, ParamType } from "../../stdlib/signature.js";
import { TrainConfigError } from "./errors.js";

export function resolveParams(owner: string, sigs: readonly ParamSig[], given: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(sigs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw new TrainConfigError(`${owner} has no parameter \`${name}\`; it takes ${[...known].map((n) => `\`${n}\``).join(", ") || "none"}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const sig of sigs) {
    const value = given[sig.name] ?? sig.default;
    if (value === undefined) {
      if (sig.optional) continue;
      throw new TrainConfigError(`${owner} needs parameter \`${sig.name}\``);
    }
    checkValue(owner, sig, sig.type, value);
    out[sig.name] = value;
  }
  return out;
}

function checkValue(owner: string, sig: ParamSig, type: ParamType, value: unknown): void {
  const where = `${owner}: parameter \`${sig.name}\``;
  if (typeof type === "object" && "list" in type) {
    if (!Array.isArray(value)) throw new TrainConfigError(`${where} must be a list, got ${JSON.stringify(value)}`);
    for (const item of value) checkValue(owner, sig, type.list, item);
    return;
  }
  if (typeof type === "object" && "oneOf" in type) {
    if (typeof value !== "string" || !type.oneOf.includes(value)) {
      throw new TrainConfigError(`${where} must be one of ${type.oneOf.join(", ")}, got ${JSON.stringify(value)}`);
    }
    return;
  }
  switch (type) {
    case "int":
    case "float":
    case "percent":
      if (typeof value !== "number" || !Number.isFinite(value) || (type === "int" && !Number.isInteger(value))) {
        throw new TrainConfigError(`${where} must be ${type === "int" ? "an integer" : "a number"}, got ${JSON.stringify(value)}`);
      }
      if (sig.min !== undefined && value < sig.min) throw new TrainConfigError(`${where} must be >= ${sig.min}, got ${value}`);
      if (sig.max !== undefined && value > sig.max) throw new TrainConfigError(`${where} must be <= ${sig.max}, got ${value}`);
      return;
    case "bool":
      if (typeof value !== "boolean") throw new TrainConfigError(`${where} must be true or false, got ${JSON.stringify(value)}`);
      return;
    default:
      if (typeof value !== "string") throw new TrainConfigError(`${where} must be a ${type}, got ${JSON.stringify(value)}`);
  }
}
