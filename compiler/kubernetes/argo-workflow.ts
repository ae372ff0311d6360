/**
 * `--target argo`: the plan as an Argo Workflows DAG (spec/kubernetes.md). One
 * task per step that runs on its own, `depends` from its `dependsOn`, each a pod
 * running `mlspec step /plan/plan.json STEP_ID` in the image; the plan in a
 * ConfigMap beside it, the workspace on a shared volume.
 */
import type { Plan, Step } from "../plan/schema.js";
import { stepsToRun, trialTemplateOf } from "../plan/steps-to-run.js";
import { dnsLabel, distinctLabels } from "./names.js";
import { type ManifestOptions, requestsFor } from "./options.js";

export type Manifest = Record<string, unknown>;

export const PLAN_MOUNT = "/plan";

/**
 * Retried: a pod that died (OOM kill, node lost, evicted) or an internal error. Not retried:
 * mlspec's verdicts, exits 1 to 5 (spec errors, usage, a gate, rejected data, failed training).
 */
export const RETRY_STRATEGY = {
  limit: "2",
  retryPolicy: "Always",
  expression: "lastRetry.status == 'Error' || asInt(lastRetry.exitCode) > 5",
  backoff: { duration: "30s", factor: "2" },
};

function specName(plan: Plan): string {
  return dnsLabel(plan.spec.file.replace(/\.mlspec$/, ""));
}

export function planConfigMapName(plan: Plan): string {
  return `mlspec-${specName(plan)}-plan`;
}

export function planConfigMap(plan: Plan, planText: string): Manifest {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: planConfigMapName(plan), labels: labels(plan) },
    data: { "plan.json": planText },
  };
}

function labels(plan: Plan): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "mlspec", "app.kubernetes.io/part-of": specName(plan), "mlspec.dev/spec-hash": plan.specHash.slice(0, 12) };
}

/** The steps a task waits for: a search waits for what its trial template waits for (the template is no task). */
function taskDependencies(plan: Plan, step: Step, runnable: ReadonlySet<string>): string[] {
  const deps = new Set<string>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const pending = [...step.dependsOn];
  while (pending.length > 0) {
    const id = pending.shift()!;
    if (runnable.has(id)) deps.add(id);
    else pending.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return [...deps];
}

/** The template a step's pod runs: one per step kind, one per search (its CPUs are its `parallel`). */
function templateNameOf(step: Step): string {
  return step.kind === "search" ? dnsLabel(`search-${step.params.search}`) : dnsLabel(`step-${step.kind}`);
}

export function argoWorkflow(plan: Plan, opts: ManifestOptions): Manifest {
  const steps = stepsToRun(plan);
  const runnable = new Set(steps.map((s) => s.id));
  const names = distinctLabels(steps.map((s) => s.id));
  const tasks = steps.map((s) => {
    const deps = taskDependencies(plan, s, runnable);
    return {
      name: names.get(s.id)!,
      template: templateNameOf(s),
      arguments: { parameters: [{ name: "step", value: s.id }] },
      ...(deps.length > 0 ? { depends: deps.map((d) => names.get(d)!).join(" && ") } : {}),
    };
  });
  const templates = new Map<string, Manifest>();
  for (const s of steps) {
    const name = templateNameOf(s);
    if (templates.has(name)) continue;
    const parallel = s.kind === "search" ? s.params.sampler.parallel : 1;
    templates.set(name, stepTemplate(name, s, parallel, opts));
  }
  for (const s of plan.steps) if (s.kind === "search") trialTemplateOf(plan, s); // a plan whose search has no template is refused here, not in a pod
  const spec = {
    entrypoint: "plan",
    volumes: [
      { name: "plan", configMap: { name: planConfigMapName(plan) } },
      { name: "workspace", persistentVolumeClaim: { claimName: opts.workspaceClaim } },
    ],
    templates: [{ name: "plan", dag: { tasks } }, ...templates.values()],
  };
  const name = `mlspec-${specName(plan)}`;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: opts.template ? "WorkflowTemplate" : "Workflow",
    metadata: { ...(opts.template ? { name } : { generateName: `${name}-` }), labels: labels(plan) },
    spec,
  };
}

function stepTemplate(name: string, step: Step, parallel: number, opts: ManifestOptions): Manifest {
  const requests = requestsFor(step.kind, opts, parallel);
  return {
    name,
    inputs: { parameters: [{ name: "step" }] },
    retryStrategy: RETRY_STRATEGY,
    container: {
      // Argo's own name for a template's container (core/v1 requires one)
      name: "main",
      image: opts.image,
      workingDir: opts.projectDir,
      command: ["mlspec"],
      args: [
        "step",
        `${PLAN_MOUNT}/plan.json`,
        "{{inputs.parameters.step}}",
        "--registry",
        `sqlite:${opts.workspaceMount}/registry.db`,
        "--project",
        opts.projectDir,
        ...(step.kind === "search" && parallel > 1 ? ["--parallel", String(parallel)] : []),
      ],
      resources: { requests: { ...requests } },
      volumeMounts: [
        { name: "plan", mountPath: PLAN_MOUNT, readOnly: true },
        { name: "workspace", mountPath: opts.workspaceMount },
      ],
    },
  };
}
