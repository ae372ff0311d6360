/**
 * What a monitor watches, read from the plan: the served model's task and the input
 * columns of its dataset (kind, uniqueness), so rules know which columns to compare and
 * which column joins a label to a prediction by default.
 */
import type { MonitorPlan, Plan, StepOf, TaskSpec } from "../../compiler/plan/schema.js";

export class MonitorError extends Error {}

export interface ColumnInfo {
  name: string;
  kind: "numeric" | "categorical" | "timestamp";
  unique: boolean;
}

export interface ServedModel {
  model?: string;
  task?: TaskSpec;
  columns: ColumnInfo[];
  target?: string;
  /** The first unique input column: the default `key` of a performance rule. */
  uniqueKey?: string;
}

export function servedModel(plan: Plan, mon: MonitorPlan): ServedModel {
  const serve = plan.serves.find((s) => s.name === mon.serve);
  if (!serve) throw new MonitorError(`monitor \`${mon.name}\`: serve block \`${mon.serve}\` is not in the plan`);
  const model = serve.model.model;
  const made = plan.steps.find((s): s is StepOf<"train"> | StepOf<"import_model"> => (s.kind === "train" || s.kind === "import_model") && s.params.model === model);
  const fit = made ? plan.steps.find((s): s is StepOf<"fit_features"> => s.kind === "fit_features" && s.params.features === made.params.features) : undefined;
  const validate = fit ? plan.steps.find((s): s is StepOf<"validate"> => s.kind === "validate" && s.params.dataset === fit.params.dataset) : undefined;
  const task = made?.params.task;
  if (!validate) return { model, columns: [], ...(task ? { task } : {}) };
  const target = task?.target;
  const columns = validate.params.contract.columns
    .filter((c) => c.name !== target)
    .map((c) => ({
      name: c.name,
      kind: c.type.kind === "int" || c.type.kind === "float" ? ("numeric" as const) : c.type.kind === "timestamp" ? ("timestamp" as const) : ("categorical" as const),
      unique: c.unique === true,
    }));
  const uniqueKey = columns.find((c) => c.unique)?.name;
  return { model, columns, ...(task ? { task } : {}), ...(target !== undefined ? { target } : {}), ...(uniqueKey !== undefined ? { uniqueKey } : {}) };
}
