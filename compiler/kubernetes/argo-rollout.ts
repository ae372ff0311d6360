/**
 * `--target argo-rollouts`: a canary rollout block as an Argo Rollouts `Rollout`
 * of pods running `mlspec serve` (steps → setWeight + pause) and an
 * `AnalysisTemplate` whose metrics are Prometheus queries over the series that
 * `mlspec serve` exports (runtime/serve/metrics.ts), restricted to the canary's
 * pods by their pod-template hash.
 */
import type { Plan, RolloutPlan } from "../plan/schema.js";
import type { Manifest } from "./argo-workflow.js";
import { dnsLabel } from "./names.js";
import type { ManifestOptions } from "./options.js";
import { serveContainer, workspaceVolume } from "./serve-container.js";

/** How often each guard is measured, over what window, and how many failed measurements abort. */
export const ANALYSIS = { interval: "1m", window: "5m", failureLimit: 2 };

const PERCENTILES: Record<string, number> = { p50_latency: 0.5, p95_latency: 0.95, p99_latency: 0.99 };

/** A guard's PromQL and the value its result is compared with, or undefined when no exported series measures it. */
export function guardQuery(serve: string, metric: string, value: number): { query: string; bound: number } | undefined {
  const sel = (extra = "") => `{serve="${serve}",rollouts_pod_template_hash="{{args.canary-hash}}"${extra}}`;
  const rate = (name: string, extra = "") => `sum(rate(${name}${sel(extra)}[${ANALYSIS.window}]))`;
  const q = PERCENTILES[metric];
  // latency guards are in ms; the histogram is in seconds
  if (q !== undefined) return { query: `histogram_quantile(${q}, sum by (le) (rate(mlspec_request_duration_seconds_bucket${sel()}[${ANALYSIS.window}])))`, bound: value / 1000 };
  if (metric === "error_rate") return { query: `${rate("mlspec_requests_total", ',status=~"5.."')} / ${rate("mlspec_requests_total")}`, bound: value };
  if (metric === "fallback_rate") return { query: `${rate("mlspec_fallbacks_total")} / ${rate("mlspec_requests_total")}`, bound: value };
  if (metric === "timeout_rate") return { query: `${rate("mlspec_fallbacks_total", ',reason="timeout"')} / ${rate("mlspec_requests_total")}`, bound: value };
  return undefined;
}

export interface RolloutManifests {
  manifests: Manifest[];
  /** What could not be said in Argo Rollouts' terms, one line each. */
  notes: string[];
}

export function argoRollouts(plan: Plan, opts: ManifestOptions): RolloutManifests {
  const manifests: Manifest[] = [];
  const notes: string[] = [];
  for (const r of plan.rollouts) {
    if (r.strategy.kind !== "canary") {
      notes.push(`rollout ${r.name}: a ${r.strategy.kind} rollout has no Argo Rollouts form (only canary); not emitted`);
      continue;
    }
    const { analysis, skipped } = analysisTemplate(r, opts);
    for (const g of skipped) notes.push(`rollout ${r.name}: guard \`${g}\` has no Prometheus series (it needs labels); mlspec's own controller judges it, the AnalysisTemplate leaves it out`);
    if (r.onFail === "pause") notes.push(`rollout ${r.name}: on_fail = pause: Argo Rollouts aborts a canary whose analysis fails; it is emitted as an abort`);
    manifests.push(rollout(plan, r, opts, analysis ? (analysis.metadata as { name: string }).name : undefined));
    if (analysis) manifests.push(analysis);
  }
  return { manifests, notes };
}

function analysisTemplate(r: RolloutPlan, opts: ManifestOptions): { analysis?: Manifest; skipped: string[] } {
  const metrics: Manifest[] = [];
  const skipped: string[] = [];
  for (const g of r.guards) {
    const q = g.value !== undefined && !g.relative ? guardQuery(r.serve, g.metric, g.value) : undefined;
    if (!q) {
      skipped.push(g.text);
      continue;
    }
    // no traffic yet is no failure (NaN): the guard is judged once requests arrive
    metrics.push({
      name: dnsLabel(g.metric),
      interval: ANALYSIS.interval,
      failureLimit: ANALYSIS.failureLimit,
      successCondition: `isNaN(result[0]) || result[0] ${g.op === "==" ? "==" : g.op} ${q.bound}`,
      provider: { prometheus: { address: opts.prometheus, query: q.query } },
    });
  }
  if (metrics.length === 0) return { skipped };
  return {
    analysis: {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AnalysisTemplate",
      metadata: { name: dnsLabel(`${r.name}-guards`), labels: { "app.kubernetes.io/managed-by": "mlspec", "mlspec.dev/rollout": r.name } },
      spec: { args: [{ name: "canary-hash" }], metrics },
    },
    skipped,
  };
}

function rollout(plan: Plan, r: RolloutPlan, opts: ManifestOptions, analysisName: string | undefined): Manifest {
  const serve = plan.serves.find((s) => s.name === r.serve)!;
  const app = dnsLabel(serve.name);
  const fractions = (r.strategy.params.steps as number[] | undefined) ?? [];
  const intervalMs = Number(r.strategy.params.interval ?? 600_000);
  const steps: Manifest[] = [];
  fractions.forEach((f, i) => {
    steps.push({ setWeight: Math.round(f * 100) });
    // the last weight is full traffic: promotion follows unless the rollout holds
    if (i < fractions.length - 1) steps.push({ pause: { duration: `${Math.round(intervalMs / 1000)}s` } });
  });
  if (r.onSuccess === "hold") steps.splice(Math.max(0, steps.length - 1), 0, { pause: {} });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: dnsLabel(r.name), labels: { "app.kubernetes.io/managed-by": "mlspec", "mlspec.dev/rollout": r.name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app, "mlspec.dev/serve": serve.name } },
        spec: { containers: [serveContainer(plan, serve, opts, "mlspec-serve")], volumes: [workspaceVolume(opts)] },
      },
      strategy: {
        canary: {
          ...(analysisName
            ? { analysis: { templates: [{ templateName: analysisName }], startingStep: 1, args: [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }] } }
            : {}),
          steps,
        },
      },
    },
  };
}
