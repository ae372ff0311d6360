/** The `multiclass_classification` task (spec/language.md#model). */
import type { TaskSig } from "../signature.js";

export const signature: TaskSig = {
  kind: "task",
  name: "multiclass_classification",
  task: "multiclass",
  params: [{ name: "target", type: "column", doc: "the label column" }],
  targetKinds: ["enum", "string", "int"],
  doc: "One of several classes: the output is a probability per class.",
};
