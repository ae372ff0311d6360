/**
 * `--target kserve`: each serve block as a KServe `serving.kserve.io/v1beta1`
 * InferenceService whose custom predictor runs `mlspec serve`; a canary rollout
 * of the block gives `canaryTrafficPercent` its first step.
 */
import type { Plan } from "../plan/schema.js";
import type { Manifest } from "./argo-workflow.js";
import { dnsLabel } from "./names.js";
import type { ManifestOptions } from "./options.js";
import { serveContainer, workspaceVolume } from "./serve-container.js";

/** The first step of the serve's canary rollout, in percent; undefined without one. */
export function canaryFirstPercent(plan: Plan, serve: string): number | undefined {
  const canary = plan.rollouts.find((r) => r.serve === serve && r.strategy.kind === "canary");
  const steps = canary?.strategy.params.steps;
  if (!Array.isArray(steps) || typeof steps[0] !== "number") return undefined;
  return Math.round(steps[0] * 100);
}

export function inferenceServices(plan: Plan, opts: ManifestOptions): Manifest[] {
  return plan.serves.map((serve) => {
    const canary = canaryFirstPercent(plan, serve.name);
    return {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: dnsLabel(serve.name), labels: { "app.kubernetes.io/managed-by": "mlspec", "mlspec.dev/serve": serve.name } },
      spec: {
        predictor: {
          minReplicas: 1,
          ...(canary !== undefined ? { canaryTrafficPercent: canary } : {}),
          // KServe routes to the container named kserve-container
          containers: [serveContainer(plan, serve, opts, "kserve-container")],
          volumes: [workspaceVolume(opts)],
        },
      },
    };
  });
}
