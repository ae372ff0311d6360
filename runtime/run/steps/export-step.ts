/**
 * The export step: the fitted feature pipeline and the network as one ONNX graph
 * over the raw input columns, stored as an artifact. Before it is stored,
 * onnxruntime runs it on the validation rows and must agree with the trained
 * model: what serving will compute is what was evaluated.
 */
import type { ColumnType } from "../../../stdlib/signature.js";
import type { TaskSpec } from "../../../compiler/plan/schema.js";
import type { Network } from "../../../core/network.js";
import type { Workspace } from "../../workspace/workspace.js";
import { RunError, EXIT } from "../errors.js";
import { type FeaturesView, indexInputs } from "../features-view.js";
import { predictPart, referencePart } from "../predict-part.js";
import type { StepRunner } from "../step-context.js";

/**
 * Agreement required between onnxruntime and the JS forward pass, relative to
 * the output's size (at least 1): a price of 250,000 in float32 has a spacing of
 * 0.016, so an absolute bound would reject a graph that is right to the last bits.
 */
const TOLERANCE = 1e-5;

/** Rows of the split also scored by the JS reference forward pass. */
const REFERENCE_ROWS = 4096;

export const exportStep: StepRunner<"export"> = {
  async run(step, ctx) {
    const m = ctx.model(step.params.model);
    const f = ctx.features(m.features);
    if (m.imported) {
      // checked against the imported model's own arithmetic by the import step
      const onnxSha = ctx.ws.artifacts.put(Buffer.from(m.imported.artifact), { kind: "onnx", model: m.model });
      ctx.reporter.step(step.id, `onnx ${onnxSha.slice(0, 12)} (imported ${m.imported.format}; ${m.imported.checked})`);
      return { model: { ...m, onnxSha } };
    }
    const { sha, maxDiff } = await exportModel({ model: m.model, network: m.network!, task: m.task, classes: m.classes, features: f, columns: f.columns, specHash: ctx.plan.specHash, ws: ctx.ws });
    ctx.reporter.step(step.id, `onnx ${sha.slice(0, 12)} (onnxruntime matches the trained model on validation, max relative diff ${maxDiff.toExponential(1)})`);
    return { model: { ...m, onnxSha: sha } };
  },
};

export interface ExportRequest {
  model: string;
  network: Network;
  task: TaskSpec;
  classes?: string[];
  features: FeaturesView;
  columns: Array<{ name: string; type: ColumnType }>;
  specHash: string;
  ws: Workspace;
}

export async function exportModel(req: ExportRequest): Promise<{ sha: string; bytes: Uint8Array; maxDiff: number }> {
  const { exportOnnx, OUTPUT_NAMES } = await import("../../export/onnx.js");
  const bytes = exportOnnx({
    pipeline: req.features.pipeline,
    network: req.network,
    task: req.task.kind,
    ...(req.classes ? { classes: req.classes } : {}),
    columns: req.columns,
    metadata: { specHash: req.specHash, modelName: req.model },
    ...(indexInputs(req.task, req.features) ? { factorization: indexInputs(req.task, req.features) } : {}),
  });
  const maxDiff = await compareWithOnnxRuntime(bytes, req, OUTPUT_NAMES[req.task.kind]);
  if (!(maxDiff <= TOLERANCE)) {
    throw new RunError(`model \`${req.model}\`: the exported graph disagrees with the trained model (max relative difference ${maxDiff})`, EXIT.trainingFailed, [
      "this is a bug in mlspec's ONNX export; please report it with the spec",
    ]);
  }
  const sha = req.ws.artifacts.put(Buffer.from(bytes), { kind: "onnx", model: req.model });
  return { sha, bytes, maxDiff };
}

/**
 * The largest relative difference between the exported graph (raw columns in) and
 * the trained model: onnxruntime's network on the pipeline's outputs over the whole
 * split (checks the pipeline's emission), and the JS reference pass on its first
 * REFERENCE_ROWS rows (checks the network's emission at a bounded cost).
 */
async function compareWithOnnxRuntime(bytes: Uint8Array, req: ExportRequest, outputName: string): Promise<number> {
  const part = req.features.outputs.validation.rows > 0 ? "validation" : "train";
  const ort = await import("onnxruntime-node");
  const { encodeOnnxInputs } = await import("../../export/onnx-inputs.js");
  const session = await ort.InferenceSession.create(bytes);
  let got: Float32Array;
  try {
    const raw = req.features.raw[part] as Record<string, ArrayLike<number | string | boolean | null>>;
    const used = req.columns.filter((c) => session.inputNames.includes(c.name));
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, t] of Object.entries(encodeOnnxInputs(used, raw))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const out = await session.run(feeds);
    got = out[outputName]!.data as Float32Array;
  } finally {
    await session.release();
  }
  const scored = await predictPart(req.network, req.task, req.features, part);
  const reference = referencePart(req.network, req.task, req.features, part, REFERENCE_ROWS);
  if (got.length !== scored.length) return Infinity;
  return Math.max(maxRelativeDiff(got, scored), maxRelativeDiff(got.subarray(0, reference.length), reference));
}

function maxRelativeDiff(got: Float32Array, want: Float32Array): number {
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  return max;
}
