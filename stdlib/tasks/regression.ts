/** The `regression` task (spec/language.md#model). */
import type { TaskSig } from "../signature.js";

export const signature: TaskSig = {
  kind: "task",
  name: "regression",
  task: "regression",
  params: [{ name: "target", type: "column", doc: "the label column" }],
  targetKinds: ["int", "float"],
  doc: "A number.",
};
