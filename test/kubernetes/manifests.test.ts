/**
 * `mlspec compile --target argo|argo-rollouts|kserve` (spec/kubernetes.md): every
 * example's manifests validate offline against the projects' own models
 * (@kubernetes-models/argo-workflows, @kubernetes-models/argo-rollouts,
 * kubernetes-models for core types) and, for KServe, against a JSON Schema written
 * from its API reference; the DAG is the plan's, the queries name exported series.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Workflow } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/Workflow";
import { WorkflowTemplate } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Container } from "kubernetes-models/v1/Container";
import { compileFile } from "../../compiler/compile.js";
import { planOf, serializePlan, type Plan } from "../../compiler/plan/index.js";
import { stepsToRun } from "../../compiler/plan/steps-to-run.js";
import { manifestsFor, toYaml, type ManifestFile } from "../../compiler/kubernetes/index.js";
import { DEFAULT_OPTIONS, DEFAULT_REQUESTS, parseRequests, type ManifestOptions } from "../../compiler/kubernetes/options.js";
import { ServeMetrics } from "../../runtime/serve/metrics.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const EXAMPLES = readdirSync(path.join(REPO, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(REPO, "examples", d.name)).filter((f) => f.endsWith(".mlspec")).map((f) => path.join("examples", d.name, f)));

const OPTIONS: ManifestOptions = { ...DEFAULT_OPTIONS, image: "ghcr.io/acme/mlspec-project:1.0" };
const isvcSchema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(import.meta.dirname, "inferenceservice.schema.json"), "utf8")));

function planOfExample(file: string): Plan {
  return planOf(compileFile(path.join(REPO, file)));
}

/** What a cluster reads: the YAML text, parsed back. */
function roundTrip(files: ManifestFile[]): Array<Record<string, unknown>> {
  return files.map((f) => parse(toYaml(f.manifest)) as Record<string, unknown>);
}

function validate(m: Record<string, unknown>): void {
  const kind = m.kind;
  if (kind === "Workflow") new Workflow(m as never).validate();
  else if (kind === "WorkflowTemplate") new WorkflowTemplate(m as never).validate();
  else if (kind === "ConfigMap") new ConfigMap(m as never).validate();
  else if (kind === "Rollout") new Rollout(m as never).validate();
  else if (kind === "AnalysisTemplate") new AnalysisTemplate(m as never).validate();
  else if (kind === "InferenceService") {
    if (!isvcSchema(m)) throw new Error(JSON.stringify(isvcSchema.errors));
    for (const c of (m.spec as { predictor: { containers: object[] } }).predictor.containers) new Container(c as never).validate();
  } else throw new Error(`unexpected kind ${String(kind)}`);
}

describe("every example compiles to manifests that validate", () => {
  it("finds the examples", () => expect(EXAMPLES.length).toBeGreaterThanOrEqual(5));
  for (const file of EXAMPLES) {
    it(`${file}: argo (Workflow and WorkflowTemplate), argo-rollouts, kserve`, () => {
      const plan = planOfExample(file);
      const text = serializePlan(plan);
      for (const [target, opts] of [["argo", OPTIONS], ["argo", { ...OPTIONS, template: true }], ["argo-rollouts", OPTIONS], ["kserve", OPTIONS]] as const) {
        const docs = roundTrip(manifestsFor(target, plan, text, opts).files);
        for (const d of docs) expect(() => validate(d), `${file} ${target} ${String(d.kind)}`).not.toThrow();
      }
    });
  }

  it("a manifest the models refuse is refused (the validation is not vacuous)", () => {
    const plan = planOfExample("examples/churn/churn.mlspec");
    const [workflow] = roundTrip(manifestsFor("argo", plan, serializePlan(plan), OPTIONS).files).filter((d) => d.kind === "Workflow");
    const spec = workflow!.spec as { templates: Array<{ container?: { image: unknown } }> };
    spec.templates[1]!.container!.image = 7;
    expect(() => validate(workflow!)).toThrow(/image/);
    const [isvc] = roundTrip(manifestsFor("kserve", plan, "", OPTIONS).files);
    (isvc!.spec as { predictor: Record<string, unknown> }).predictor.canaryTrafficPercent = 150;
    expect(() => validate(isvc!)).toThrow(/canaryTrafficPercent/);
  });
});

describe("argo: a DAG task per step", () => {
  for (const file of EXAMPLES) {
    it(`${file}: each step that runs on its own is a task running \`mlspec step\`, depends from dependsOn`, () => {
      const plan = planOfExample(file);
      const docs = roundTrip(manifestsFor("argo", plan, serializePlan(plan), OPTIONS).files);
      const configMap = docs.find((d) => d.kind === "ConfigMap")!;
      expect(JSON.parse((configMap.data as Record<string, string>)["plan.json"]!)).toEqual(JSON.parse(serializePlan(plan)));
      const wf = docs.find((d) => d.kind === "Workflow")!.spec as { templates: Array<{ name: string; dag?: { tasks: Array<{ name: string; template: string; depends?: string; arguments: { parameters: Array<{ value: string }> } }> }; container?: { args: string[]; resources: { requests: Record<string, string> } }; retryStrategy?: unknown }> };
      const tasks = wf.templates.find((t) => t.name === "plan")!.dag!.tasks;
      const byStep = new Map(tasks.map((t) => [t.arguments.parameters[0]!.value, t]));
      const runnable = stepsToRun(plan);
      expect([...byStep.keys()]).toEqual(runnable.map((s) => s.id));
      for (const s of runnable) {
        const task = byStep.get(s.id)!;
        // a search's trial template is no task: the search waits for what the template waits for
        const deps = s.kind === "search" ? plan.steps.find((x) => x.id === s.dependsOn[0])!.dependsOn : s.dependsOn;
        const want = deps.map((d) => byStep.get(d)!.name).sort();
        expect(task.depends === undefined ? [] : task.depends.split(" && ").sort(), s.id).toEqual(want);
        const template = wf.templates.find((t) => t.name === task.template)!;
        expect(template.container!.args.slice(0, 3)).toEqual(["step", "/plan/plan.json", "{{inputs.parameters.step}}"]);
        expect(template.retryStrategy).toBeDefined();
        const parallel = s.kind === "search" ? s.params.sampler.parallel : 1;
        expect(template.container!.resources.requests.cpu).toBe(String(Number(DEFAULT_REQUESTS[s.kind]!.cpu) * parallel));
      }
    });
  }

  it("--requests overrides one step kind's resources", () => {
    const plan = planOfExample("examples/iris/iris.mlspec");
    const r = parseRequests("train=4,8Gi", Object.keys(DEFAULT_REQUESTS));
    expect(r).toEqual({ kind: "train", resources: { cpu: "4", memory: "8Gi" } });
    const wf = roundTrip(manifestsFor("argo", plan, "", { ...OPTIONS, requests: { train: { cpu: "4", memory: "8Gi" } } }).files)[1]!;
    const templates = (wf.spec as { templates: Array<{ name: string; container?: { resources: unknown } }> }).templates;
    expect(templates.find((t) => t.name === "step-train")!.container!.resources).toEqual({ requests: { cpu: "4", memory: "8Gi" } });
    expect(templates.find((t) => t.name === "step-split")!.container!.resources).toEqual({ requests: DEFAULT_REQUESTS.split });
    for (const bad of ["train", "train=4", "trian=4,8Gi", "train=four,8Gi", "train=4,8 gigs"]) expect(typeof parseRequests(bad, Object.keys(DEFAULT_REQUESTS)), bad).toBe("string");
  });
});

describe("argo-rollouts and kserve for the churn example", () => {
  const plan = planOfExample("examples/churn/churn.mlspec");

  it("the canary's steps are setWeight + pause; the analysis queries series that `mlspec serve` exports", async () => {
    const out = manifestsFor("argo-rollouts", plan, "", OPTIONS);
    const [rollout, analysis] = roundTrip(out.files);
    const canary = (rollout!.spec as { strategy: { canary: { steps: unknown[]; analysis: { templates: Array<{ templateName: string }> } } } }).strategy.canary;
    expect(canary.steps).toEqual([{ setWeight: 5 }, { pause: { duration: "600s" } }, { setWeight: 25 }, { pause: { duration: "600s" } }, { setWeight: 50 }, { pause: { duration: "600s" } }, { setWeight: 100 }]);
    expect(canary.analysis.templates[0]!.templateName).toBe((analysis!.metadata as { name: string }).name);
    const metrics = (analysis!.spec as { metrics: Array<{ name: string; successCondition: string; provider: { prometheus: { query: string } } }> }).metrics;
    expect(metrics.map((m) => [m.name, m.successCondition])).toEqual([
      ["p99-latency", "isNaN(result[0]) || result[0] < 0.05"],
      ["error-rate", "isNaN(result[0]) || result[0] < 0.01"],
    ]);
    // the quality guard needs labels: said, not emitted
    expect(out.notes.join("\n")).toMatch(/auc >= champion\.auc - 0\.01/);
    const exported = new Set((await new ServeMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    for (const m of metrics) {
      const names = [...m.provider.prometheus.query.matchAll(/\b(mlspec_[a-z_]+?)(?:_bucket)?\{/g)].map((x) => x[1]!);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(exported, n).toContain(n);
    }
  });

  it("the InferenceService runs `mlspec serve` ready on /readyz, canaryTrafficPercent from the canary's first step", () => {
    const [isvc] = roundTrip(manifestsFor("kserve", plan, "", OPTIONS).files);
    const predictor = (isvc!.spec as { predictor: { canaryTrafficPercent: number; containers: Array<{ args: string[]; readinessProbe: { httpGet: { path: string; port: number } }; ports: Array<{ containerPort: number }> }> } }).predictor;
    expect(predictor.canaryTrafficPercent).toBe(5);
    const c = predictor.containers[0]!;
    expect(c.args.slice(0, 2)).toEqual(["serve", "/project/churn.mlspec"]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: 8080 });
    expect(c.ports[0]!.containerPort).toBe(8080);
    // a serve without a canary has no canary traffic
    const [iris] = roundTrip(manifestsFor("kserve", planOfExample("examples/iris/iris.mlspec"), "", OPTIONS).files);
    expect(iris).toBeUndefined();
  });
});

describe("spec/kubernetes.md", () => {
  it("shows the churn example's manifests as `mlspec compile` emits them", () => {
    const doc = readFileSync(path.join(REPO, "spec/kubernetes.md"), "utf8");
    const shown = new Map([...doc.matchAll(/```yaml\n# file: (\S+)\n([\s\S]*?)```/g)].map((m) => [m[1]!, parse(m[2]!) as unknown]));
    const plan = planOfExample("examples/churn/churn.mlspec");
    const opts = { ...OPTIONS, image: "ghcr.io/acme/churn:1" };
    const emitted = (["argo", "argo-rollouts", "kserve"] as const).flatMap((t) => manifestsFor(t, plan, serializePlan(plan), opts).files).filter((f) => f.manifest.kind !== "ConfigMap");
    expect([...shown.keys()].sort()).toEqual(emitted.map((f) => f.file).sort());
    for (const f of emitted) expect(shown.get(f.file), f.file).toEqual(parse(toYaml(f.manifest)));
  });
});
