import type { HiddenActivation } from "../shared/layer-params.js";
import type { BuildContext, TrainableModel } from "../arch-module.js";
import { applyStack, createStack, denseToLayer, denseVariables, kernelPenalty } from "../shared/dense-train.js";

export interface MlpParams {
  hidden: number[];
  activation: HiddenActivation;
  dropout: number;
  l2: number;
}

export function build(params: MlpParams, ctx: BuildContext): TrainableModel {
  const layers = createStack(ctx.inputWidth, params.hidden, params.activation, ctx.outputUnits, ctx.rng, ctx.outputBias);
  return {
    variables: denseVariables(layers),
    forward: (inputs, mode) => applyStack(layers, inputs.x, params.dropout, mode.training ? mode.seed : null),
    penalty: () => kernelPenalty(layers, params.l2),
    toNetwork: () => ({ kind: "sequential", inputWidth: ctx.inputWidth, layers: layers.map(denseToLayer), head: ctx.head }),
  };
}
