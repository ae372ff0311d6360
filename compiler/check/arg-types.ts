/**
 * Does a value fit a parameter's type? Shared by every rule that checks arguments
 * or settings (spec/language.md#types-and-units).
 */
import type * as A from "../language/ast.js";
import type { ParamType } from "../../stdlib/signature.js";
import { hasError, KIND_WORDS, literalKind, numericValue } from "./values.js";

export type Fit = { ok: true } | { ok: false; code: "E0301" | "E0401"; message: string; help: string; span: A.Expr["span"] };

export function describeType(t: ParamType): string {
  if (typeof t === "string") {
    return {
      int: "a whole number",
      float: "a number",
      percent: "a percentage such as 20%",
      duration: "a duration such as 250ms, 10m or 1d",
      bool: "true or false",
      string: "a string",
      column: "a column name",
      metric: "a metric name",
      model_ref: "a model reference such as churn_mlp@champion",
      symbol: "a name",
    }[t];
  }
  if ("list" in t) return `a list of ${describeType(t.list).replace(/^an? /, "")}s`;
  return `one of ${t.oneOf.map((o) => `\`${o}\``).join(", ")}`;
}

const UNIT_HELP: Record<string, string> = {
  percent: "write a percentage with %, e.g. 20%",
  duration: "write a duration with its unit: 250ms, 30s, 10m, 4h, 1d",
};

export function fits(e: A.Expr, t: ParamType): Fit {
  const kind = literalKind(e);
  const fail = (code: "E0301" | "E0401", help: string): Fit => ({
    ok: false,
    code,
    message: `expected ${describeType(t)}, found ${KIND_WORDS[kind]}`,
    help,
    span: e.span,
  });
  if (hasError(e)) return { ok: true };
  if (typeof t === "object" && "list" in t) {
    if (e.kind !== "list") return fail("E0301", `write a list in brackets: [${describeType(t.list)}, ...]`);
    for (const item of e.items) {
      const f = fits(item, t.list);
      if (!f.ok) return f;
    }
    return { ok: true };
  }
  if (typeof t === "object") {
    if (e.kind === "ref" && e.path.length === 1 && !e.alias && t.oneOf.includes(e.path[0]!.name)) return { ok: true };
    return fail("E0301", `choose one of ${t.oneOf.join(", ")}`);
  }
  switch (t) {
    case "int":
      if (kind === "int") return { ok: true };
      if (kind === "percent" || kind === "duration") return fail("E0401", "this value takes a plain count without a unit");
      return fail("E0301", "write a whole number such as 3");
    case "float":
      if (kind === "int" || kind === "float") return { ok: true };
      if (kind === "percent" || kind === "duration") return fail("E0401", "this value takes a plain number without a unit; 5% is not 0.05 here");
      return fail("E0301", "write a number such as 0.1");
    case "percent":
    case "duration":
      if (kind === t) return { ok: true };
      if (kind === "int" || kind === "float" || kind === "percent" || kind === "duration") return fail("E0401", UNIT_HELP[t]!);
      return fail("E0301", UNIT_HELP[t]!);
    case "bool":
      return kind === "bool" ? { ok: true } : fail("E0301", "write true or false");
    case "string":
      return kind === "string" ? { ok: true } : fail("E0301", 'write a string in double quotes: "..."');
    case "column":
    case "symbol":
      return e.kind === "ref" && e.path.length === 1 && !e.alias ? { ok: true } : fail("E0301", "write a bare name");
    case "metric":
      return e.kind === "ref" ? { ok: true } : fail("E0301", "write a metric name such as auc or val.auc");
    case "model_ref":
      if (e.kind === "ref" && e.path.length === 1 && e.alias) return { ok: true };
      if (e.kind === "ref" && e.path.length === 1) {
        return { ok: false, code: "E0301", message: "a model reference needs an alias or a version", help: `write ${e.path[0]!.name}@champion, ${e.path[0]!.name}@challenger or ${e.path[0]!.name}@3`, span: e.span };
      }
      return fail("E0301", "write model@alias, e.g. churn_mlp@champion");
  }
}

/** Bounds of a numeric parameter, on the plan value (percent as a fraction). */
export function outOfBounds(e: A.Expr, min?: number, max?: number): string | undefined {
  const v = numericValue(e);
  // a number no plan holds is value-bounds' to report (E0330), once
  if (v === undefined || !Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return undefined;
  // bounds are on the plan value: a duration's in ms, a percentage's as a fraction
  const shown = (b: number) => (e.kind === "quantity" && e.unit !== "%" ? `${b}ms` : e.kind === "quantity" ? `${b * 100}%` : `${b}`);
  if (min !== undefined && v < min) return `must be at least ${shown(min)}`;
  if (max !== undefined && v > max) return `must be at most ${shown(max)}`;
  return undefined;
}

/**
 * A duration a parameter waits or measures over is longer than zero: a zero
 * `timeout` answers every request 504, a zero `interval` never waits. A
 * parameter that allows zero says so with `min: 0`; none allows a negative one.
 */
export function nonPositiveDuration(e: A.Expr, t: ParamType, min?: number): string | undefined {
  if (t !== "duration") return undefined;
  const v = numericValue(e);
  if (v === undefined) return undefined;
  if (v < 0) return "must not be negative";
  return v === 0 && min === undefined ? "must be longer than zero" : undefined;
}
