/**
 * The fitted feature pipeline as ONNX nodes: raw column inputs → each
 * feature's transforms (their own emitOnnx) → one float [N, width] matrix
 * plus int64 [N, 1] index tensors.
 */
import { transforms } from "../../stdlib/transforms/index.js";
import type { OnnxValue, ValueShape } from "../../stdlib/transforms/transform-module.js";
import { TransformError } from "../../stdlib/transforms/transform-module.js";
import type { FittedPipeline } from "../features/pipeline.js";
import { rawTensorKind } from "../features/raw-columns.js";
import type { OnnxGraphBuilder } from "./onnx-graph.js";
import { ExportError } from "./export-error.js";

export interface EmittedPipeline {
  /** float [N, width], or null when the pipeline has no numeric feature. */
  features: string | null;
  /** int64 [N, 1] per index feature, in declaration order. */
  indices: Record<string, string>;
}

function sameShape(a: ValueShape, b: ValueShape): boolean {
  if (a.kind === "numeric" && b.kind === "numeric") return a.width === b.width;
  if (a.kind === "index" && b.kind === "index") return a.cardinality === b.cardinality;
  return a.kind === b.kind;
}

/** `inputs` maps each raw column name to its graph input tensor. */
export function emitPipeline(graph: OnnxGraphBuilder, pipeline: FittedPipeline, inputs: Map<string, string>): EmittedPipeline {
  const columns = new Map(pipeline.columns.map((c) => [c.name, c]));
  const numeric: string[] = [];
  const indices: Record<string, string> = {};
  for (const feature of pipeline.features) {
    let values: OnnxValue[] = feature.inputs.map((name) => {
      const column = columns.get(name);
      const tensor = inputs.get(name);
      if (!column || !tensor) throw new ExportError(`feature \`${feature.name}\` reads column \`${name}\`, which is not a graph input`);
      const shape: ValueShape = rawTensorKind(column) === "string" ? { kind: "string" } : { kind: "numeric", width: 1 };
      return { name: tensor, shape };
    });
    feature.stages.forEach((stage, index) => {
      const module = transforms[stage.fn];
      if (!module) throw new ExportError(`feature \`${feature.name}\`: unknown transform \`${stage.fn}\``);
      try {
        const shape = module.outputShape(values.map((v) => v.shape), stage.state, stage.args);
        values = [{ name: module.emitOnnx(graph, values, stage.state, stage.args), shape }];
      } catch (error) {
        if (error instanceof TransformError) {
          throw new ExportError(`feature \`${feature.name}\`, stage ${index + 1}: ${error.message}`);
        }
        throw error;
      }
    });
    const out = values[0]!;
    if (!sameShape(out.shape, feature.output)) {
      throw new ExportError(`feature \`${feature.name}\`: the graph gives ${JSON.stringify(out.shape)} but the fitted pipeline says ${JSON.stringify(feature.output)}`);
    }
    if (out.shape.kind === "numeric") numeric.push(out.name);
    else if (out.shape.kind === "index") indices[feature.name] = out.name;
    else throw new ExportError(`feature \`${feature.name}\` ends as strings`);
  }
  let features: string | null = null;
  if (numeric.length === 1) features = numeric[0]!;
  else if (numeric.length > 1) features = graph.node("Concat", numeric, { axis: { int: 1 } });
  return { features, indices };
}
