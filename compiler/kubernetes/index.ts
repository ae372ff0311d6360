/**
 * `mlspec compile SPEC --target argo|argo-rollouts|kserve`: the plan as the
 * manifests of engines a cluster already runs (spec/kubernetes.md). Each target
 * is a list of files, each one YAML document.
 */
import { stringify } from "yaml";
import type { Plan } from "../plan/schema.js";
import { argoWorkflow, type Manifest, planConfigMap } from "./argo-workflow.js";
import { argoRollouts } from "./argo-rollout.js";
import { inferenceServices } from "./kserve.js";
import { dnsLabel } from "./names.js";
import type { ManifestOptions } from "./options.js";

export const TARGETS = ["argo", "argo-rollouts", "kserve"] as const;
export type Target = (typeof TARGETS)[number];

export interface ManifestFile {
  file: string;
  manifest: Manifest;
}

export interface TargetOutput {
  files: ManifestFile[];
  notes: string[];
}

export function manifestsFor(target: Target, plan: Plan, planText: string, opts: ManifestOptions): TargetOutput {
  if (target === "argo") {
    const workflow = argoWorkflow(plan, opts);
    return {
      files: [
        { file: "plan-configmap.yaml", manifest: planConfigMap(plan, planText) },
        { file: opts.template ? "workflow-template.yaml" : "workflow.yaml", manifest: workflow },
      ],
      notes: [],
    };
  }
  if (target === "kserve") {
    const notes = plan.serves.length === 0 ? ["the spec has no serve block: no InferenceService"] : [];
    return { files: inferenceServices(plan, opts).map((m) => ({ file: `inferenceservice-${nameOf(m)}.yaml`, manifest: m })), notes };
  }
  const { manifests, notes } = argoRollouts(plan, opts);
  if (plan.rollouts.length === 0) notes.push("the spec has no rollout block: no Rollout");
  return { files: manifests.map((m) => ({ file: `${dnsLabel(String(m.kind))}-${nameOf(m)}.yaml`, manifest: m })), notes };
}

function nameOf(m: Manifest): string {
  return String((m.metadata as { name?: string }).name);
}

/** One manifest as a YAML document: long strings (the plan, queries) kept on one line or as a block, never folded. */
export function toYaml(m: Manifest): string {
  return stringify(m, { lineWidth: 0, aliasDuplicateObjects: false });
}
