/**
 * Literal values: what kind of value an expression is (spec/language.md#types-and-units)
 * and its plan JSON form (percent → fraction, duration → milliseconds).
 */
import type * as A from "../language/ast.js";

export type LiteralKind = "int" | "float" | "percent" | "duration" | "string" | "bool" | "list" | "range" | "ref" | "call" | "expr";

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function literalKind(e: A.Expr): LiteralKind {
  switch (e.kind) {
    case "number":
      return Number.isInteger(e.value) && !/[.eE]/.test(e.raw) ? "int" : "float";
    case "quantity":
      return e.unit === "%" ? "percent" : "duration";
    case "string":
      return "string";
    case "bool":
      return "bool";
    case "list":
      return "list";
    case "range":
      return "range";
    case "ref":
      return "ref";
    case "call":
      return "call";
    case "unary":
      if (e.op === "-") {
        const k = literalKind(e.operand);
        if (k === "int" || k === "float" || k === "percent" || k === "duration") return k;
      }
      return "expr";
    default:
      return "expr";
  }
}

export const KIND_WORDS: Record<LiteralKind, string> = {
  int: "a whole number",
  float: "a number",
  percent: "a percentage",
  duration: "a duration",
  string: "a string",
  bool: "true or false",
  list: "a list",
  range: "a range",
  ref: "a name",
  call: "a call",
  expr: "an expression",
};

/** The number a numeric literal stands for: percents as fractions, durations in ms. */
export function numericValue(e: A.Expr): number | undefined {
  switch (e.kind) {
    case "number":
      return e.value;
    case "quantity":
      return e.unit === "%" ? e.value / 100 : e.value * DURATION_MS[e.unit]!;
    case "unary": {
      if (e.op !== "-") return undefined;
      const v = numericValue(e.operand);
      return v === undefined ? undefined : -v;
    }
    default:
      return undefined;
  }
}

/**
 * Does an expression hold a piece the parser could not read? That mistake is
 * reported already (E0003), so rules judging the expression's shape stay quiet.
 */
export function hasError(e: A.Expr): boolean {
  switch (e.kind) {
    case "error":
      return true;
    case "list":
      return e.items.some(hasError);
    case "range":
      return hasError(e.low) || hasError(e.high);
    case "call":
      return e.args.some((a) => hasError(a.value));
    case "binary":
      return hasError(e.left) || hasError(e.right);
    case "unary":
      return hasError(e.operand);
    case "pipe":
      return hasError(e.input) || hasError(e.stage);
    default:
      return false;
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `a.b.c` of a path's names; most paths have one, and need no array and no join. */
export function dotted(parts: readonly A.Ident[]): string {
  if (parts.length === 1) return parts[0]!.name;
  let s = parts[0]?.name ?? "";
  for (let i = 1; i < parts.length; i++) s += "." + parts[i]!.name;
  return s;
}

export function refName(e: A.Expr): string | undefined {
  if (e.kind !== "ref") return undefined;
  const name = dotted(e.path);
  return e.alias ? `${name}@${e.alias.name}` : name;
}

/** A plain value for the plan. Names become strings; calls become {fn, args}. */
export function toJson(e: A.Expr): Json {
  switch (e.kind) {
    case "number":
    case "quantity":
    case "unary": {
      const n = numericValue(e);
      return n === undefined ? null : n;
    }
    case "string":
    case "bool":
      return e.value;
    case "list":
      return e.items.map(toJson);
    case "range":
      return { min: toJson(e.low), max: toJson(e.high) };
    case "ref":
      return refName(e)!;
    case "call": {
      const args: Record<string, Json> = {};
      e.args.forEach((a, i) => (args[a.name?.name ?? `$${i}`] = toJson(a.value)));
      return { fn: refName(e.callee)!, args };
    }
    default:
      return null;
  }
}
