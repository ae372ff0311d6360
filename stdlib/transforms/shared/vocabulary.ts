/**
 * A vocabulary of categories fitted on training rows (onehot, embed_index):
 * category → position, with one extra position for everything else, missing
 * values included. In ONNX the lookup is an ai.onnx.ml LabelEncoder.
 */
import { TransformError, type OnnxEmitContext, type OnnxValue } from "../transform-module.js";
import { emitCategoryCodes, NULL_CODE, type CategoricalKeys } from "./categorical-input.js";
import { intArg, rejectUnknownArgs } from "./transform-args.js";
import type { TransformArgs } from "../transform-module.js";

export type Vocabulary = { kind: "string"; values: string[] } | { kind: "int"; values: number[] };

export const UNKNOWN_LABEL = "<unknown>";

export interface VocabularyOptions {
  /** Keep at most this many categories, the most frequent first. */
  maxCategories?: number;
  /** Keep only categories seen at least this many times. */
  minFrequency?: number;
}

/** Reads max_categories / min_frequency (the only arguments onehot and embed_index take). */
export function vocabularyOptions(transform: string, args: TransformArgs): VocabularyOptions {
  rejectUnknownArgs(transform, args, ["max_categories", "min_frequency"]);
  return {
    maxCategories: intArg(transform, args, "max_categories", 1),
    minFrequency: intArg(transform, args, "min_frequency", 1),
  };
}

function isMissing(key: string | number): boolean {
  return key === "" || key === NULL_CODE;
}

function compareKeys(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Categories in a stable order (sorted by value) so the same data gives the same columns. */
export function fitVocabulary(input: CategoricalKeys, options: VocabularyOptions): Vocabulary {
  const counts = new Map<string | number, number>();
  for (const key of input.keys) {
    if (isMissing(key)) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let kept = [...counts.entries()].filter(([, n]) => n >= (options.minFrequency ?? 1));
  if (options.maxCategories !== undefined && kept.length > options.maxCategories) {
    kept.sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]));
    kept = kept.slice(0, options.maxCategories);
  }
  const values = kept.map(([key]) => key).sort(compareKeys);
  return input.kind === "string"
    ? { kind: "string", values: values as string[] }
    : { kind: "int", values: values as number[] };
}

/** Position of each key; unknown and missing keys get `values.length`. */
export function lookupIndices(transform: string, input: CategoricalKeys, vocabulary: Vocabulary): Int32Array {
  checkKind(transform, input.kind, vocabulary);
  const positions = new Map<string | number, number>();
  vocabulary.values.forEach((v, i) => positions.set(v, i));
  const unknown = vocabulary.values.length;
  const out = new Int32Array(input.keys.length);
  for (let i = 0; i < out.length; i++) out[i] = positions.get(input.keys[i]!) ?? unknown;
  return out;
}

export function vocabularyLabels(vocabulary: Vocabulary): string[] {
  return [...vocabulary.values.map(String), UNKNOWN_LABEL];
}

function checkKind(transform: string, kind: "string" | "int", vocabulary: Vocabulary): void {
  if (kind !== vocabulary.kind) {
    throw new TransformError(
      transform,
      `was fitted on ${vocabulary.kind === "string" ? "strings" : "numbers"} but is applied to ${kind === "string" ? "strings" : "numbers"}`,
    );
  }
}

/** ONNX: tensor(int64) [N, 1] of positions, unknown → values.length. */
export function emitVocabularyLookup(
  ctx: OnnxEmitContext,
  transform: string,
  input: OnnxValue,
  vocabulary: Vocabulary,
): string {
  checkKind(transform, input.shape.kind === "string" ? "string" : "int", vocabulary);
  const unknown = vocabulary.values.length;
  if (unknown === 0) {
    // LabelEncoder needs at least one key: every row is unknown.
    return ctx.node("Expand", [ctx.int64s([0], [1, 1]), ctx.node("Shape", [input.name])]);
  }
  const positions = vocabulary.values.map((_, i) => i);
  if (vocabulary.kind === "string") {
    return ctx.node(
      "LabelEncoder",
      [input.name],
      { keys_strings: { strings: vocabulary.values }, values_int64s: { ints: positions }, default_int64: { int: unknown } },
      "ai.onnx.ml",
    );
  }
  const codes = emitCategoryCodes(ctx, input, "int64");
  return ctx.node(
    "LabelEncoder",
    [codes],
    { keys_int64s: { ints: vocabulary.values }, values_int64s: { ints: positions }, default_int64: { int: unknown } },
    "ai.onnx.ml",
  );
}
