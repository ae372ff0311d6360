/** The `holdout` split (spec/language.md#dataset). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "split",
  name: "holdout",
  params: [
    { name: "test", type: "percent", default: 0.2, min: 0, max: 0.9, doc: "share of accepted rows held out for the final evaluation" },
    { name: "validation", type: "percent", default: 0.1, min: 0, max: 0.9, doc: "share used for early stopping and search objectives" },
    { name: "stratify", type: "column", optional: true, doc: "keep this column's class proportions in every split" },
    { name: "group", type: "column", optional: true, doc: "rows sharing this value stay in one split" },
    { name: "order_by", type: "column", optional: true, doc: "time-ordered: the latest rows are validation and test" },
    { name: "seed", type: "int", default: 0, doc: "seed of the random assignment" },
  ],
  doc: "Splits accepted rows into train, validation and test: random, stratified, grouped or time-ordered.",
};
