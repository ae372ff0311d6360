/**
 * impute(x, strategy = mean|median|mode|constant, value?): replaces missing
 * values (NaN for numbers, "" for strings) by a training statistic or a
 * constant. The output has the input's type, so `impute(plan) |> onehot` works.
 * Default strategy: mean for numbers, mode for strings. A column with no
 * training values imputes 0 (numbers) or "" (strings).
 */
import type { TransformSig } from "../signature.js";
import { TransformError, type OnnxEmitContext, type OnnxValue, type StageValue, type TransformArgs, type ValueShape } from "./transform-module.js";
import { choiceArg, rejectUnknownArgs } from "./shared/transform-args.js";
import { checkWidth, emitFillNaN, finiteColumn, mean, singleInput, stateNumber, type NumericValue } from "./shared/numeric-input.js";
import { ONNX_BOOL } from "./shared/categorical-input.js";

const NAME = "impute";
const STRATEGIES = ["mean", "median", "mode", "constant"] as const;
type Strategy = (typeof STRATEGIES)[number];

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["numeric", "bool", "string", "enum"],
  arity: 1,
  params: [
    { name: "strategy", type: { oneOf: [...STRATEGIES] }, optional: true, doc: "mean or median (numbers), mode, or constant; default mean for numbers, mode for strings." },
    { name: "value", type: "float", optional: true, doc: "The replacement for strategy = constant (a number, or a string for string columns)." },
  ],
  output: { kind: "same" },
  doc: "Replaces missing values by a training statistic or a constant.",
};

export type ImputeState = { kind: "numeric"; fill: number[] } | { kind: "string"; fill: string };

function strategyOf(args: TransformArgs, kind: "numeric" | "string"): Strategy {
  rejectUnknownArgs(NAME, args, ["strategy", "value"]);
  const strategy = choiceArg(NAME, args, "strategy", STRATEGIES, kind === "string" ? "mode" : "mean");
  if (kind === "string" && (strategy === "mean" || strategy === "median")) {
    throw new TransformError(NAME, `strategy ${strategy} needs numbers; use mode or constant for strings`);
  }
  if ((strategy === "constant") !== (args.value !== undefined && args.value !== null)) {
    throw new TransformError(NAME, strategy === "constant" ? "strategy constant needs `value`" : "`value` is only used with strategy = constant");
  }
  return strategy;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Most frequent value; ties go to the smallest so the result does not depend on row order. */
function mode<T extends number | string>(values: T[], none: T): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = none;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount || (n === bestCount && v < best)) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

function numericFill(x: NumericValue, strategy: Strategy, args: TransformArgs): number[] {
  const fill: number[] = [];
  for (let c = 0; c < x.width; c++) {
    const values = finiteColumn(x, c);
    let v: number;
    if (strategy === "constant") {
      if (typeof args.value !== "number" || !Number.isFinite(args.value)) {
        throw new TransformError(NAME, `\`value\` must be a finite number for a numeric column, got ${JSON.stringify(args.value)}`);
      }
      v = args.value;
    } else if (strategy === "mean") v = mean(values);
    else if (strategy === "median") v = median(values);
    else v = mode(values, 0);
    fill.push(stateNumber(v));
  }
  if (fill.some((v) => !Number.isFinite(v))) throw new TransformError(NAME, "the replacement value does not fit in float32");
  return fill;
}

export function fit(inputs: StageValue[], args: TransformArgs): ImputeState {
  const x = singleInput(NAME, inputs);
  if (x.kind === "index") throw new TransformError(NAME, "cannot follow embed_index");
  const strategy = strategyOf(args, x.kind);
  if (x.kind === "numeric") return { kind: "numeric", fill: numericFill(x, strategy, args) };
  if (strategy === "constant") {
    if (typeof args.value !== "string") {
      throw new TransformError(NAME, `\`value\` must be a string for a string column, got ${JSON.stringify(args.value)}`);
    }
    // onnxruntime-node cuts strings at NUL; the fill must be a string it can carry
    return { kind: "string", fill: args.value.split("\u0000")[0]! };
  }
  return { kind: "string", fill: mode(x.data.filter((s) => s !== ""), "") };
}

function checkKind(state: ImputeState, kind: ValueShape["kind"]): void {
  if (state.kind !== kind) throw new TransformError(NAME, `was fitted on ${state.kind} values but is applied to ${kind} values`);
}

export function apply(inputs: StageValue[], state: ImputeState, args: TransformArgs): StageValue {
  const x = singleInput(NAME, inputs);
  checkKind(state, x.kind);
  if (x.kind === "numeric" && state.kind === "numeric") {
    checkWidth(x, state.fill.length);
    const data = new Float32Array(x.data.length);
    for (let i = 0; i < data.length; i++) {
      const v = x.data[i]!;
      data[i] = Number.isNaN(v) ? state.fill[i % x.width]! : v;
    }
    return { ...x, data };
  }
  if (x.kind === "string" && state.kind === "string") {
    strategyOf(args, "string");
    return { ...x, data: x.data.map((s) => (s === "" ? state.fill : s)) };
  }
  throw new TransformError(NAME, `cannot be applied to ${x.kind} values`);
}

export function outputShape(inputs: ValueShape[], state: ImputeState): ValueShape {
  const input = singleInput(NAME, inputs);
  checkKind(state, input.kind);
  if (input.kind === "numeric" && state.kind === "numeric") checkWidth(input, state.fill.length);
  return input;
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: ImputeState): string {
  const input = inputs[0]!;
  checkKind(state, input.shape.kind);
  if (state.kind === "numeric") return emitFillNaN(ctx, input, state.fill);
  if (state.fill === "") return input.name;
  // ONNX Equal has no string kernel in onnxruntime; a LabelEncoder finds the "" rows.
  const missing = ctx.node(
    "LabelEncoder",
    [input.name],
    { keys_strings: { strings: [""] }, values_int64s: { ints: [1] }, default_int64: { int: 0 } },
    "ai.onnx.ml",
  );
  const isMissing = ctx.node("Cast", [missing], { to: { int: ONNX_BOOL } });
  return ctx.node("Where", [isMissing, ctx.strings([state.fill], [1, 1]), input.name]);
}
