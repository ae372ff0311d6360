/**
 * onehot(x, max_categories?, min_frequency?): one column per category seen in
 * training, plus a last "unknown" column for categories never seen (or cut by
 * max_categories / min_frequency) and for missing values. Every row has
 * exactly one 1.
 */
import type { TransformSig } from "../signature.js";
import type { OnnxEmitContext, OnnxValue, StageValue, TransformArgs, ValueShape } from "./transform-module.js";
import { singleInput } from "./shared/numeric-input.js";
import { categoricalKeys, categoricalShape } from "./shared/categorical-input.js";
import {
  emitVocabularyLookup,
  fitVocabulary,
  lookupIndices,
  vocabularyLabels,
  vocabularyOptions,
  type Vocabulary,
} from "./shared/vocabulary.js";
import { emitOneHot, oneHotRows } from "./shared/one-hot-encoding.js";

const NAME = "onehot";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["string", "enum", "int", "bool"],
  arity: 1,
  params: [
    { name: "max_categories", type: "int", optional: true, min: 1, tunable: true, doc: "Keep only the most frequent categories; the rest go to the unknown column." },
    { name: "min_frequency", type: "int", optional: true, min: 1, tunable: true, doc: "Keep only categories seen at least this many times in training." },
  ],
  output: { kind: "numeric", width: "fit" },
  doc: "One column per training category plus an unknown column (unseen or missing values).",
};

export interface OnehotState {
  vocabulary: Vocabulary;
}

export function fit(inputs: StageValue[], args: TransformArgs): OnehotState {
  const options = vocabularyOptions(NAME, args);
  return { vocabulary: fitVocabulary(categoricalKeys(NAME, singleInput(NAME, inputs)), options) };
}

export function apply(inputs: StageValue[], state: OnehotState, args: TransformArgs): StageValue {
  vocabularyOptions(NAME, args);
  const keys = categoricalKeys(NAME, singleInput(NAME, inputs));
  const positions = lookupIndices(NAME, keys, state.vocabulary);
  return oneHotRows(positions, state.vocabulary.values.length + 1, vocabularyLabels(state.vocabulary));
}

export function outputShape(inputs: ValueShape[], state: OnehotState): ValueShape {
  categoricalShape(NAME, singleInput(NAME, inputs));
  const labels = vocabularyLabels(state.vocabulary);
  return { kind: "numeric", width: labels.length, labels };
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: OnehotState): string {
  const positions = emitVocabularyLookup(ctx, NAME, inputs[0]!, state.vocabulary);
  return emitOneHot(ctx, positions, state.vocabulary.values.length + 1);
}
