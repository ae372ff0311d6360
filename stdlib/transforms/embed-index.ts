/**
 * embed_index(id, max_categories?, min_frequency?): the id's position in a
 * vocabulary fitted on training rows, for an embedding table. Unseen and
 * missing ids get the last index (the vocabulary size), so the table needs
 * vocabulary size + 1 rows.
 */
import type { TransformSig } from "../signature.js";
import type { OnnxEmitContext, OnnxValue, StageValue, TransformArgs, ValueShape } from "./transform-module.js";
import { singleInput } from "./shared/numeric-input.js";
import { categoricalKeys, categoricalShape } from "./shared/categorical-input.js";
import { emitVocabularyLookup, fitVocabulary, lookupIndices, vocabularyOptions, type Vocabulary } from "./shared/vocabulary.js";

const NAME = "embed_index";

export const signature: TransformSig = {
  kind: "transform",
  name: NAME,
  accepts: ["string", "enum", "int"],
  arity: 1,
  params: [
    { name: "max_categories", type: "int", optional: true, min: 1, tunable: true, doc: "Keep only the most frequent ids; the rest share the unknown index." },
    { name: "min_frequency", type: "int", optional: true, min: 1, tunable: true, doc: "Keep only ids seen at least this many times in training." },
  ],
  output: { kind: "index", cardinality: "fit" },
  doc: "Id → integer index for an embedding; unseen or missing ids get the last index.",
};

export interface EmbedIndexState {
  vocabulary: Vocabulary;
}

export function fit(inputs: StageValue[], args: TransformArgs): EmbedIndexState {
  const options = vocabularyOptions(NAME, args);
  return { vocabulary: fitVocabulary(categoricalKeys(NAME, singleInput(NAME, inputs)), options) };
}

export function apply(inputs: StageValue[], state: EmbedIndexState, args: TransformArgs): StageValue {
  vocabularyOptions(NAME, args);
  const keys = categoricalKeys(NAME, singleInput(NAME, inputs));
  const data = lookupIndices(NAME, keys, state.vocabulary);
  return { kind: "index", cardinality: state.vocabulary.values.length + 1, rows: data.length, data };
}

export function outputShape(inputs: ValueShape[], state: EmbedIndexState): ValueShape {
  categoricalShape(NAME, singleInput(NAME, inputs));
  return { kind: "index", cardinality: state.vocabulary.values.length + 1 };
}

export function emitOnnx(ctx: OnnxEmitContext, inputs: OnnxValue[], state: EmbedIndexState): string {
  return emitVocabularyLookup(ctx, NAME, inputs[0]!, state.vocabulary);
}
