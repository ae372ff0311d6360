import * as tf from "@tensorflow/tfjs";
import type { HiddenActivation } from "../shared/layer-params.js";
import type { BuildContext, TrainableModel } from "../arch-module.js";
import { applyDense, applyStack, createDense, createStack, denseToLayer, denseVariables, kernelPenalty } from "../shared/dense-train.js";

export interface WideDeepParams {
  hidden: number[];
  activation: HiddenActivation;
  dropout: number;
  l2: number;
}

export function build(params: WideDeepParams, ctx: BuildContext): TrainableModel {
  // the prior sits in the wide bias; the deep output starts at zero bias
  const wide = createDense(ctx.inputWidth, ctx.outputUnits, "linear", ctx.rng, ctx.outputBias);
  const deep = createStack(ctx.inputWidth, params.hidden, params.activation, ctx.outputUnits, ctx.rng);
  return {
    variables: denseVariables([wide, ...deep]),
    forward: (inputs, mode) =>
      tf.tidy(() => tf.add(applyDense(wide, inputs.x), applyStack(deep, inputs.x, params.dropout, mode.training ? mode.seed : null))),
    penalty: () => kernelPenalty([wide, ...deep], params.l2),
    toNetwork: () => ({
      kind: "wide_deep",
      inputWidth: ctx.inputWidth,
      wide: denseToLayer(wide),
      deep: deep.map(denseToLayer),
      head: ctx.head,
    }),
  };
}
