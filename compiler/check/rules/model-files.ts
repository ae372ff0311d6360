import * as path from "node:path";
import type * as A from "../../language/ast.js";
import type { ColumnType } from "../../../stdlib/signature.js";
import type { Builtins } from "../../../stdlib/index.js";
import { ImportError } from "../../../stdlib/imports/import-error.js";
import { onnxSignature, readOnnxModel, type OnnxSignature } from "../../../stdlib/imports/onnx-signature.js";
import { OBJECTIVES, readXgboostModel } from "../../../stdlib/imports/xgboost-model.js";
import type { CheckContext, Rule } from "../context.js";
import { escapeOf } from "../project-boundary.js";
import { bindCall, calleeName, labelColumns, type ModelInfo } from "../semantic.js";
import { refName } from "../values.js";

type StringLit = Extract<A.Expr, { kind: "string" }>;

/** What a model's `inputs` give an imported model, as far as the spec tells before fitting. */
interface ModelInputs {
  /** The numeric features in the inputs' order; undefined when a width is known only after fitting (onehot, hash). */
  features?: string[];
  /** The raw columns the inputs read, in order. */
  columns: Array<{ name: string; type: ColumnType }>;
}

/** How messages name the file: as the spec writes it. */
const modelFile = (at: StringLit) => `model file \`${at.value}\``;
const list = (names: string[]) => names.map((n) => `\`${n}\``).join(", ");
const plural = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many);

function modelInputs(m: ModelInfo, builtins: Builtins): ModelInputs | undefined {
  const ds = m.dataset;
  if (!ds || ds.decl.block.recovered) return undefined;
  if (m.features) {
    if (m.features.decl.block.recovered) return undefined;
    const features: string[] = [];
    let known = true;
    const columns = new Map<string, { name: string; type: ColumnType }>();
    for (const f of m.features.features) {
      for (const i of f.inputs) {
        const type = ds.columns.get(i.name)?.type;
        if (type && !columns.has(i.name)) columns.set(i.name, { name: i.name, type });
      }
      const last = f.stages[f.stages.length - 1];
      const output = last ? builtins.transforms.get(last.fn.name)?.output : undefined;
      const bare = !last && f.inputs.length === 1 && ["int", "float", "bool"].includes(ds.columns.get(f.inputs[0]!.name)?.type?.kind ?? "");
      if (bare || (output?.kind === "numeric" && output.width === 1)) features.push(f.name.name);
      else known = false;
    }
    return { ...(known ? { features } : {}), columns: [...columns.values()] };
  }
  // `columns(ds, except = [...])` or `inputs = ds`: what the plan's implicit features read (compiler/plan/lower.ts)
  const call = m.inputsExpr?.kind === "call" ? m.inputsExpr : undefined;
  const exceptArg = call?.args.find((a) => a.name?.name === "except")?.value;
  const except = new Set([...(exceptArg?.kind === "list" ? exceptArg.items.map(refName).filter((n): n is string => n !== undefined) : []), ...labelColumns(m)]);
  const columns: ModelInputs["columns"] = [];
  let known = true;
  for (const c of ds.columns.values()) {
    if (except.has(c.name) || !c.type || c.type.kind === "string" || c.type.kind === "timestamp") continue;
    if (c.type.kind === "enum") known = false;
    columns.push({ name: c.name, type: c.type });
  }
  return { ...(known ? { features: columns.map((c) => c.name) } : {}), columns };
}

function checkXgboost(ctx: CheckContext, m: ModelInfo, at: StringLit, bytes: Uint8Array): void {
  const text = new TextDecoder().decode(bytes);
  let objective: unknown;
  try {
    objective = (JSON.parse(text) as { learner?: { objective?: { name?: unknown } } })?.learner?.objective?.name;
  } catch {
    // the reader below says what is wrong
  }
  if (typeof objective === "string" && !OBJECTIVES[objective]) {
    ctx.report("E0803", m.decl, at.span, `${modelFile(at)} has objective \`${objective}\`, which mlspec cannot import`, {
      help: `supported objectives: ${Object.keys(OBJECTIVES).join(", ")}; retrain with one of them`,
    });
    return;
  }
  let model;
  try {
    model = readXgboostModel(text);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    ctx.report("E0802", m.decl, at.span, `${modelFile(at)} cannot be imported: ${error.message}`, {
      help: error.details[0] ?? "save the model with Booster.save_model(\"m.json\")",
    });
    return;
  }
  if (m.task && m.task !== "recommendation" && !model.tasks.includes(m.task)) {
    ctx.report("E0804", m.decl, at.span, `${modelFile(at)} has objective \`${model.objective}\`, which does not fit a ${m.task} task`, {
      help: `\`${model.objective}\` serves ${model.tasks.join(" or ")} models; set the model's task to match, or import a model trained for a ${m.task} task`,
    });
    return;
  }
  const inputs = modelInputs(m, ctx.sem.builtins);
  if (!inputs?.features) return;
  const given = inputs.features;
  if (model.featureNames) {
    const missing = model.featureNames.filter((n) => !given.includes(n));
    if (missing.length > 0) {
      ctx.report("E0805", m.decl, at.span, `${modelFile(at)} reads ${plural(missing.length, "feature")} ${list(missing)}, which the model's inputs do not give`, {
        help: `the inputs give ${list(given) || "no numeric feature"}; name the columns (or features) as the file's feature_names, or save the model without feature_names to map by position`,
      });
    }
  } else if (given.length !== model.numFeature) {
    ctx.report("E0806", m.decl, at.span, `${modelFile(at)} has ${model.numFeature} ${plural(model.numFeature, "feature")} (num_feature) but the model's inputs give ${given.length}`, {
      help: `the file has no feature_names, so features map by position in the inputs' order (${given.join(", ") || "none"}); the counts must match`,
    });
  }
}

const NUMERIC_INPUT_TYPES = ["float", "double", "int64", "int32"];

/** The oldest opset of an ONNX model that reads the features (runtime/import/onnx-compose.ts). */
const MIN_COMPOSED_OPSET = 13;

/** Whether the model reads a features block's outputs (a block with transforms), not raw columns. */
function readsFeatures(m: ModelInfo): boolean {
  return m.features !== undefined && m.features.features.some((f) => f.stages.length > 0);
}

/**
 * Each numeric feature's width as far as the spec tells before fitting (a
 * transform of width "fit", such as onehot, is undefined); null for a feature
 * that is not numeric (an index, a string).
 */
function featureWidths(m: ModelInfo, builtins: Builtins): Map<string, number | null | undefined> {
  const widths = new Map<string, number | null | undefined>();
  const columns = m.dataset?.columns;
  const inputWidth = (name: string): number | null | undefined => {
    if (widths.has(name)) return widths.get(name);
    const kind = columns?.get(name)?.type?.kind;
    return kind === "int" || kind === "float" || kind === "bool" ? 1 : kind === undefined ? undefined : null;
  };
  for (const f of m.features?.features ?? []) {
    let width: number | null | undefined = f.inputs.length === 1 ? inputWidth(f.inputs[0]!.name) : undefined;
    for (const stage of f.stages) {
      const output = builtins.transforms.get(stage.fn.name)?.output;
      if (!output) width = undefined;
      else if (output.kind === "numeric") width = typeof output.width === "number" ? output.width : undefined;
      else if (output.kind === "index") width = null;
      // "same": the width of what it reads
    }
    widths.set(f.name.name, width);
  }
  return widths;
}

/** The two input forms of a model over the features: one [N, F] float input, or one input per single-number feature. */
function checkOnnxFeatureInputs(ctx: CheckContext, m: ModelInfo, at: StringLit, signature: OnnxSignature): void {
  const block = m.features!.decl.name;
  if (signature.opset > 0 && signature.opset < MIN_COMPOSED_OPSET) {
    ctx.report("E0813", m.decl, at.span, `${modelFile(at)} is opset ${signature.opset}; a model that reads features block \`${block}\` must be opset ${MIN_COMPOSED_OPSET} or newer`, {
      help: "re-export the model with a newer opset (e.g. `target_opset=17`), or give it the raw columns with `inputs = columns(dataset)`",
    });
    return;
  }
  const widths = featureWidths(m, ctx.sem.builtins);
  const numeric = [...widths].filter(([, w]) => w !== null);
  const byName = new Map(numeric);
  const perFeature = signature.inputs.length > 0 && signature.inputs.every((i) => byName.has(i.name));
  if (perFeature) {
    for (const input of signature.inputs) {
      const width = byName.get(input.name);
      if (width !== undefined && width !== 1) {
        ctx.report("E0806", m.decl, at.span, `${modelFile(at)} takes feature \`${input.name}\` in its own input, but the feature is ${width} numbers wide`, {
          help: "an input per feature takes a single number; take every feature in one float [N, F] input instead",
        });
      } else if (!NUMERIC_INPUT_TYPES.includes(input.type)) {
        ctx.report("E0811", m.decl, at.span, `${modelFile(at)} takes feature \`${input.name}\` as ${input.type}; features are numbers`, {
          help: "a feature feeds a float, double, int64 or int32 input",
        });
      }
    }
    return;
  }
  if (signature.inputs.length !== 1) {
    const unknown = signature.inputs.map((i) => i.name).filter((n) => !byName.has(n));
    ctx.report("E0810", m.decl, at.span, `${modelFile(at)} has ${plural(unknown.length, "input")} ${list(unknown)} named for no feature of features block \`${block}\``, {
      help: `name each input as its feature (${numeric.map(([n]) => n).join(", ") || "none"}), or take one float [N, F] input`,
    });
    return;
  }
  const input = signature.inputs[0]!;
  if (input.type !== "float" && input.type !== "double") {
    ctx.report("E0811", m.decl, at.span, `${modelFile(at)} takes one input \`${input.name}\` as ${input.type}; the features reach it as one float or double [N, F] tensor`, {
      help: `name each input as its feature (${numeric.map(([n]) => n).join(", ") || "none"}), or take one float [N, F] input`,
    });
    return;
  }
  const width = input.dims?.[input.dims.length - 1];
  const known = numeric.every(([, w]) => typeof w === "number");
  const total = numeric.reduce((sum, [, w]) => sum + (w ?? 0), 0);
  if (typeof width === "number" && known && width !== total) {
    ctx.report("E0806", m.decl, at.span, `${modelFile(at)} takes ${width} ${plural(width, "feature")} in \`${input.name}\` but features block \`${block}\` gives ${total}`, {
      help: `the [N, F] input is fed by the features in their order (${numeric.map(([n, w]) => (w === 1 ? n : `${n} (${w})`)).join(", ") || "none"}); the counts must match`,
    });
  }
}

function checkOnnx(ctx: CheckContext, m: ModelInfo, at: StringLit, bytes: Uint8Array): void {
  let signature: OnnxSignature;
  try {
    signature = onnxSignature(readOnnxModel(bytes));
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    ctx.report("E0802", m.decl, at.span, `${modelFile(at)} cannot be imported: ${error.message}`, {
      help: "export the model as an ONNX ModelProto file (e.g. with skl2onnx, tf2onnx or torch.onnx.export), opset 7 or newer",
    });
    return;
  }
  if (readsFeatures(m)) {
    if (!m.features!.decl.block.recovered) checkOnnxFeatureInputs(ctx, m, at, signature);
  } else {
    const inputs = modelInputs(m, ctx.sem.builtins);
    if (inputs) checkOnnxInputs(ctx, m, at, signature, inputs.columns);
  }
  checkOnnxOutput(ctx, m, at, signature);
}

/** The two input forms of spec/language.md#imported-models: one input per column, or one [N, F] numeric input. */
function checkOnnxInputs(ctx: CheckContext, m: ModelInfo, at: StringLit, signature: OnnxSignature, columns: ModelInputs["columns"]): void {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const isString = (t: ColumnType) => t.kind === "string" || t.kind === "enum";
  const perColumn = signature.inputs.length > 0 && signature.inputs.every((i) => byName.has(i.name));
  if (perColumn) {
    for (const input of signature.inputs) {
      const column = byName.get(input.name)!;
      const fits = isString(column.type) ? input.type === "string" : NUMERIC_INPUT_TYPES.includes(input.type);
      if (fits) continue;
      ctx.report("E0811", m.decl, at.span, `${modelFile(at)} takes \`${input.name}\` as ${input.type}, but column \`${column.name}\` is ${column.type.kind}`, {
        help: isString(column.type) ? "a string or enum column feeds a string input" : "a numeric column feeds a float, double, int64 or int32 input",
      });
    }
    return;
  }
  if (signature.inputs.length !== 1) {
    const unknown = signature.inputs.map((i) => i.name).filter((n) => !byName.has(n));
    ctx.report("E0810", m.decl, at.span, `${modelFile(at)} has ${plural(unknown.length, "input")} ${list(unknown)} named for no column of the model's inputs`, {
      help: `name each input as its column (${columns.map((c) => c.name).join(", ") || "none"}), or take one float [N, F] input`,
    });
    return;
  }
  const input = signature.inputs[0]!;
  const strings = columns.filter((c) => isString(c.type));
  if (input.type !== "float" && input.type !== "double") {
    ctx.report("E0811", m.decl, at.span, `${modelFile(at)} takes one input \`${input.name}\` as ${input.type}; a single input is float or double [N, F]`, {
      help: `name each input as its column (${columns.map((c) => c.name).join(", ") || "none"}), or take one float [N, F] input`,
    });
  } else if (strings.length > 0) {
    ctx.report("E0811", m.decl, at.span, `${modelFile(at)} takes one float input \`${input.name}\`, but the model's inputs include ${plural(strings.length, "a string column", "string columns")} ${list(strings.map((c) => c.name))}`, {
      help: "a single [N, F] input takes numbers: leave the string columns out with `except = [...]`, or give the model one input per column",
    });
  } else {
    const width = input.dims?.[input.dims.length - 1];
    if (typeof width === "number" && width !== columns.length) {
      ctx.report("E0806", m.decl, at.span, `${modelFile(at)} takes ${width} ${plural(width, "feature")} in \`${input.name}\` but the model's inputs give ${columns.length}`, {
        help: `one [N, F] input is fed by the numeric columns in the inputs' order (${columns.map((c) => c.name).join(", ") || "none"}); the counts must match`,
      });
    }
  }
}

/** A classifier's probabilities (or a ZipMap over them), a regression's one score a row. */
function checkOnnxOutput(ctx: CheckContext, m: ModelInfo, at: StringLit, signature: OnnxSignature): void {
  if (!m.task || m.task === "recommendation") return;
  const classifier = m.task !== "regression";
  const zipped = signature.outputs.filter((o) => o.type === "sequence" || o.type === "map");
  const scores = signature.outputs.filter((o) => o.type === "float" || o.type === "double");
  const candidates = [...(classifier ? zipped : []), ...scores];
  const chosen = candidates.length === 1 ? candidates[0] : candidates.find((c) => (classifier ? /prob/i : /variable|predict|score|output/i).test(c.name));
  const width = chosen?.dims?.[chosen.dims.length - 1];
  const wide = m.task === "regression" && chosen?.dims && chosen.dims.length > 1 && typeof width === "number" && width !== 1;
  if (chosen && !wide) return;
  const shown = signature.outputs.map((o) => `\`${o.name}\` (${o.type}${o.dims ? ` [${o.dims.map((d) => d ?? "?").join(", ")}]` : ""})`).join(", ");
  ctx.report("E0812", m.decl, at.span, `${modelFile(at)} has no output that fits a ${m.task} task: ${shown}`, {
    help: classifier ? "a classifier's model gives a float tensor of class probabilities (e.g. `probabilities`), or a ZipMap over one" : "a regression model gives a float or double score tensor [N, 1] or [N]",
  });
}

/**
 * An imported model's file is read at check time: it must exist, be a model
 * mlspec can import, and fit the spec's inputs and task
 * (spec/language.md#imported-models). Paths outside the project are E0111's.
 */
export const modelFiles: Rule = {
  name: "model-files",
  codes: ["E0801", "E0802", "E0803", "E0804", "E0805", "E0806", "E0810", "E0811", "E0812", "E0813"],
  section: "spec/language.md#imported-models",
  check(ctx) {
    const program = ctx.sem.program;
    if (!program.readBytes) return;
    for (const m of ctx.sem.models.values()) {
      const call = m.importCall;
      if (!call || m.decl.block.recovered) continue;
      const format = calleeName(call);
      const sig = ctx.sem.builtins.importFormats.get(format);
      if (!sig) continue;
      const at = bindCall(call, sig.params).args.get("path")?.value;
      if (at?.kind !== "string") continue;
      const dir = path.dirname(program.paths.get(m.decl.file)!);
      if (escapeOf(program.readScope, dir, at.value)) continue;
      const abs = path.resolve(dir, at.value);
      const bytes = program.readBytes(program.readScope.realPath?.(abs) ?? abs);
      if (bytes === undefined) {
        ctx.report("E0801", m.decl, at.span, `${modelFile(at)} not found`, {
          label: "no file here",
          help: "paths are relative to the spec file; save the model there, or correct the path",
        });
        continue;
      }
      if (format === "xgboost") checkXgboost(ctx, m, at, bytes);
      else if (format === "onnx") checkOnnx(ctx, m, at, bytes);
    }
  },
};
