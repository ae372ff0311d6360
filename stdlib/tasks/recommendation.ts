/** The `recommendation` task (spec/language.md#model). */
import type { TaskSig } from "../signature.js";

export const signature: TaskSig = {
  kind: "task",
  name: "recommendation",
  task: "recommendation",
  params: [
    { name: "user", type: "column", doc: "the user id column" },
    { name: "item", type: "column", doc: "the item id column" },
    { name: "target", type: "column", doc: "the rating (a number) or interaction (a bool) column" },
  ],
  targetKinds: ["int", "float", "bool"],
  doc: "Scores (user, item) pairs; ranking metrics order each user's items by score.",
};
