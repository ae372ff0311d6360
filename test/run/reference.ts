/**
 * An independent path to what a run trained on: the spec's plan, its dataset
 * validated and split again, the registered artifacts read back from the store.
 * Tests compare the run's outputs against these.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileFile } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import type { Plan, StepOf } from "../../compiler/plan/schema.js";
import { validateDataset } from "../../runtime/data/contract.js";
import { loadColumns, type ColumnArrays } from "../../runtime/data/load.js";
import { splitDataset, type DataSplit } from "../../runtime/data/split.js";
import { parseFittedPipeline, type FittedPipeline } from "../../runtime/features/pipeline.js";
import type { Network } from "../../runtime/model/network.js";
import { decodeNetwork } from "../../runtime/run/network-codec.js";
import type { Workspace } from "../../runtime/workspace/workspace.js";

export function planOfFile(spec: string): Plan {
  const compiled = compileFile(spec);
  if (compiled.hasErrors) throw new Error(`test spec has errors: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
  return planOf(compiled);
}

export interface ReferenceSplit {
  split: DataSplit;
  parts: Record<"train" | "validation" | "test", ColumnArrays>;
  /** Source row numbers of each part's rows, in the order of `parts`. */
  rowNumbers: Record<"train" | "validation" | "test", number[]>;
}

/** Validates and splits the spec's (only) dataset the way the run does, outside any workspace. */
export async function referenceSplit(spec: string): Promise<ReferenceSplit> {
  const plan = planOfFile(spec);
  const validate = plan.steps.find((s): s is StepOf<"validate"> => s.kind === "validate")!;
  const splitStep = plan.steps.find((s): s is StepOf<"split"> => s.kind === "split")!;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-ref-"));
  const source = { ...validate.params.source, path: path.resolve(path.dirname(spec), validate.params.source.path) };
  const v = await validateDataset(source, validate.params.contract, { quarantinePath: path.join(scratch, "q.jsonl") });
  try {
    const split = await splitDataset(v, splitStep.params.split);
    const parts = {} as ReferenceSplit["parts"];
    const rowNumbers = {} as ReferenceSplit["rowNumbers"];
    for (const part of ["train", "validation", "test"] as const) {
      const cols = await loadColumns(v, { part, rowNumbersAs: "__rownum" });
      rowNumbers[part] = (cols.__rownum as number[]).map(Number);
      delete cols.__rownum;
      parts[part] = cols;
    }
    return { split, parts, rowNumbers };
  } finally {
    v.session.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The network artifact a run stored (meta kind "network"). */
export function networkOfRun(ws: Workspace, runId: number): Network {
  for (const sha of ws.artifacts.list()) {
    const meta = ws.artifacts.meta(sha);
    if (meta?.kind === "network" && meta.run === runId) {
      return decodeNetwork((ws.artifacts.getJson(sha) as { network: Record<string, unknown> }).network);
    }
  }
  // a cached run points at the artifact it reused; a retrained run that produced
  // identical bytes shares the first one's artifact, which its cache key names
  const params = ws.registry.getRun(runId).params;
  const sha = typeof params.cachedFrom === "string" ? params.cachedFrom : ws.registry.cachedStep(String(params.cacheKey));
  if (!sha) throw new Error(`no network artifact for run ${runId}`);
  return decodeNetwork((ws.artifacts.getJson(sha) as { network: Record<string, unknown> }).network);
}

export function pipelineOfRun(ws: Workspace, runId: number): FittedPipeline {
  return parseFittedPipeline(ws.artifacts.getJson(String(ws.registry.getRun(runId).params.pipeline)));
}
