/**
 * An XGBoost model as ONNX nodes: `ai.onnx.ml` TreeEnsembleRegressor (one
 * target per output column, SUM, base_values = the base margin) then the output
 * link as a standard op (Sigmoid, Softmax, Exp). Splits are BRANCH_LT (XGBoost
 * goes left when value < threshold) and a missing value (NaN) takes the true
 * branch exactly where XGBoost's default_left says left.
 */
import { OnnxGraphBuilder } from "../export/onnx-graph.js";
import { serializeModel } from "../export/onnx-model.js";
import type { OutputLink, XgboostModel } from "../../stdlib/imports/xgboost-model.js";
import { ImportError } from "../../stdlib/imports/import-error.js";

export type ImportTask = "binary" | "multiclass" | "regression";

export interface EnsembleLayout {
  /** Column of the input tensor that XGBoost feature i reads. */
  featureColumn: number[];
  /** Output column that XGBoost output j writes. */
  outputColumn: number[];
}

export const IDENTITY_LAYOUT = (model: XgboostModel): EnsembleLayout => ({
  featureColumn: Array.from({ length: model.numFeature }, (_, i) => i),
  outputColumn: Array.from({ length: model.outputs }, (_, j) => j),
});

/** The link mlspec applies for a task: a binary model always answers a probability. */
export function outputLink(model: XgboostModel, task: ImportTask): OutputLink {
  if (!model.tasks.includes(task)) {
    const wanted = { binary: "binary:logistic or binary:logitraw", multiclass: "multi:softprob or multi:softmax", regression: "reg:squarederror, reg:logistic or count:poisson" }[task];
    throw new ImportError(`the model's objective \`${model.objective}\` does not fit a ${task} task`, [`a ${task} model needs ${wanted}`]);
  }
  return task === "binary" ? "logistic" : model.link;
}

/** Emits the tree sums: float [N, outputs] margins from `features` float [N, F]. */
export function emitXgboostMargins(graph: OnnxGraphBuilder, model: XgboostModel, features: string, layout: EnsembleLayout): string {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetIds: number[] = [];
  const weights: number[] = [];
  model.trees.forEach((t, treeId) => {
    // only nodes reachable from the root: pruned trees keep deleted nodes in their arrays
    const stack = [0];
    const reached: number[] = [];
    while (stack.length) {
      const node = stack.pop()!;
      reached.push(node);
      if (t.left[node] !== -1) stack.push(t.right[node]!, t.left[node]!);
    }
    reached.sort((a, b) => a - b);
    for (const node of reached) {
      const leaf = t.left[node] === -1;
      treeIds.push(treeId);
      nodeIds.push(node);
      modes.push(leaf ? "LEAF" : "BRANCH_LT");
      featureIds.push(leaf ? 0 : layout.featureColumn[t.feature[node]!]!);
      values.push(leaf ? 0 : t.value[node]!);
      trueIds.push(leaf ? 0 : t.left[node]!);
      falseIds.push(leaf ? 0 : t.right[node]!);
      missingTrue.push(leaf ? 0 : t.defaultLeft[node]!);
      if (leaf) {
        targetTree.push(treeId);
        targetNode.push(node);
        targetIds.push(layout.outputColumn[t.group]!);
        weights.push(t.value[node]!);
      }
    }
  });
  const base = new Array<number>(model.outputs);
  model.baseMargin.forEach((m, j) => (base[layout.outputColumn[j]!] = m));
  return graph.node(
    "TreeEnsembleRegressor",
    [features],
    {
      n_targets: { int: model.outputs },
      aggregate_function: { string: "SUM" },
      post_transform: { string: "NONE" },
      base_values: { floats: base },
      nodes_treeids: { ints: treeIds },
      nodes_nodeids: { ints: nodeIds },
      nodes_featureids: { ints: featureIds },
      nodes_modes: { strings: modes },
      nodes_values: { floats: values },
      nodes_truenodeids: { ints: trueIds },
      nodes_falsenodeids: { ints: falseIds },
      nodes_missing_value_tracks_true: { ints: missingTrue },
      target_treeids: { ints: targetTree },
      target_nodeids: { ints: targetNode },
      target_ids: { ints: targetIds },
      target_weights: { floats: weights },
    },
    "ai.onnx.ml",
  );
}

/** margins → the named output through the link. */
export function emitLink(graph: OnnxGraphBuilder, link: OutputLink, margins: string, output: string): string {
  if (link === "identity") return graph.nodeTo(output, "Identity", [margins]);
  if (link === "logistic") return graph.nodeTo(output, "Sigmoid", [margins]);
  if (link === "exp") return graph.nodeTo(output, "Exp", [margins]);
  return graph.nodeTo(output, "Softmax", [margins], { axis: { int: 1 } });
}

/**
 * The model alone over one float [N, numFeature] input `features`, output
 * `output` [N, outputs]: for checking the conversion against XGBoost.
 */
export function xgboostOnnx(model: XgboostModel, link: OutputLink, output = "output"): Uint8Array {
  const graph = new OnnxGraphBuilder();
  const features = graph.addInput({ name: "features", type: "float", dims: ["N", model.numFeature] });
  emitLink(graph, link, emitXgboostMargins(graph, model, features, IDENTITY_LAYOUT(model)), output);
  graph.addOutput({ name: output, type: "float", dims: ["N", model.outputs] });
  return serializeModel(graph, { graphName: "xgboost", metadata: { "mlspec.imported_objective": model.objective } });
}
