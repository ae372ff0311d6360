/** The `binary_classification` task (spec/language.md#model). */
import type { TaskSig } from "../signature.js";

export const signature: TaskSig = {
  kind: "task",
  name: "binary_classification",
  task: "binary",
  params: [{ name: "target", type: "column", doc: "the label column" }],
  targetKinds: ["bool", "two_valued_enum"],
  doc: "A yes/no prediction: the output is the probability of the positive class (true, or the second enum value).",
};
