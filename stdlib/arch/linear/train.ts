import type { BuildContext, TrainableModel } from "../arch-module.js";
import { applyStack, createStack, denseToLayer, denseVariables, kernelPenalty } from "../shared/dense-train.js";

export interface LinearParams {
  l2: number;
}

export function build(params: LinearParams, ctx: BuildContext): TrainableModel {
  const layers = createStack(ctx.inputWidth, [], "linear", ctx.outputUnits, ctx.rng, ctx.outputBias);
  return {
    variables: denseVariables(layers),
    forward: (inputs) => applyStack(layers, inputs.x, 0, null),
    penalty: () => kernelPenalty(layers, params.l2),
    toNetwork: () => ({ kind: "sequential", inputWidth: ctx.inputWidth, layers: layers.map(denseToLayer), head: ctx.head }),
  };
}
