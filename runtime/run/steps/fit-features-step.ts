/**
 * The fit_features step: the features block's pipeline fitted on the training
 * split only, applied to every split; reused from the step cache when the
 * definitions, columns, data and split are unchanged.
 */
import type { FittedPipeline, PipelineOutput } from "../../features/pipeline.js";
import { contentKey } from "../content-key.js";
import { PARTS, type Part } from "../features-view.js";
import type { StepRunner } from "../step-context.js";

export const fitFeaturesStep: StepRunner<"fit_features"> = {
  async run(step, ctx) {
    const { fitPipeline, applyPipeline, parseFittedPipeline } = await import("../../features/pipeline.js");
    const { splitDigest } = await import("../../data/split.js");
    const p = step.params;
    const d = ctx.dataset(p.dataset);
    const key = contentKey("fit_features/2", p.definitions, p.columns, d.validation.dataHash, d.split && splitDigest(d.split));
    let pipeline: FittedPipeline;
    let sha = ctx.useCache ? ctx.ws.registry.cachedStep(key) : undefined;
    let cached = false;
    if (sha && ctx.ws.artifacts.has(sha)) {
      pipeline = parseFittedPipeline(ctx.ws.artifacts.getJson(sha));
      cached = true;
    } else {
      // fitted on the training split only: no statistic sees validation or test rows
      pipeline = fitPipeline(p.definitions as Parameters<typeof fitPipeline>[0], p.columns, d.parts!.train);
      sha = ctx.ws.artifacts.putJson(pipeline, { kind: "feature_pipeline", features: p.features });
      ctx.ws.registry.cacheStep(key, "fit_features", sha);
    }
    const outputs = {} as Record<Part, PipelineOutput>;
    for (const part of PARTS) outputs[part] = applyPipeline(pipeline, d.parts![part]);
    ctx.reporter.step(step.id, `${p.definitions.length} features → width ${pipeline.width}${pipeline.indexFeatures.length ? ` + ${pipeline.indexFeatures.length} index` : ""}${cached ? " (cached)" : ""}`);
    return { features: { name: p.features, dataset: p.dataset, columns: p.columns, definitions: p.definitions, pipeline, pipelineSha: sha, outputs, raw: d.parts! } };
  },
};
