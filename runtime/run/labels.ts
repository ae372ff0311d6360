/**
 * Label column values → the numbers the trainer fits (spec/language.md#model):
 * binary 0/1 (positive = true or the second enum value), multiclass class ids,
 * regression and ratings as they are.
 */
import type { TaskSpec } from "../../compiler/plan/schema.js";
import type { ColumnValue } from "../data/load.js";
import { RunError, EXIT } from "./errors.js";

export interface Labels {
  y: Float32Array;
  /** Class labels in output order (classification). */
  classes?: string[];
}

/** A label column as the split step loads it: numbers may come in a Float64Array, NaN for null. */
export type LabelValues = ArrayLike<ColumnValue>;

const missing = (v: ColumnValue | undefined): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

export function classLabels(task: TaskSpec, train: LabelValues): string[] | undefined {
  if (task.kind === "binary") return (task.classes ?? [false, true]).map(String);
  if (task.kind !== "multiclass") return undefined;
  if (task.classes) return task.classes.map(String);
  // string/int labels: the classes seen in training, sorted, fix the output order
  const seen = new Set<string>();
  for (let i = 0; i < train.length; i++) if (!missing(train[i])) seen.add(String(train[i]));
  return [...seen].sort();
}

export function encodeLabels(task: TaskSpec, values: LabelValues, classes: string[] | undefined, split: string): Labels {
  const y = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (missing(v)) {
      throw new RunError(`the ${split} split has a row without a label \`${task.target}\``, EXIT.dataRejected, [
        "declare the label column without `nulls` so that such rows are quarantined",
      ]);
    }
    if (task.kind === "binary" || task.kind === "multiclass") {
      const id = classes!.indexOf(String(v));
      // an unseen class in validation/test cannot be scored; treat it as an error in the data
      if (id < 0) throw new RunError(`label \`${String(v)}\` in the ${split} split is not one of the classes ${classes!.join(", ")}`, EXIT.dataRejected);
      y[i] = id;
    } else if (typeof v === "boolean") y[i] = v ? 1 : 0;
    else y[i] = Number(v);
  }
  return { y, classes };
}

/**
 * A classifier learns nothing from one class: a binary model needs both among
 * its training labels, a multiclass model at least two. Caught before training
 * so that such data is rejected, not trained into a constant model and gated.
 */
export function checkTrainingClasses(task: TaskSpec, y: Float32Array, classes: string[] | undefined): void {
  if ((task.kind !== "binary" && task.kind !== "multiclass") || y.length === 0) return;
  const seen = [...new Set(y)].sort((a, b) => a - b);
  if (seen.length >= 2) return;
  const only = classes?.[seen[0]!] ?? String(seen[0]);
  throw new RunError(`the label \`${task.target}\` has one class only (${only}) in the training split`, EXIT.dataRejected, [
    task.kind === "binary" ? "a binary classifier needs examples of both classes" : "a multiclass classifier needs examples of at least two classes",
  ]);
}
