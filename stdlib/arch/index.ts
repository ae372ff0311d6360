/**
 * Every built-in architecture, by the name a spec calls it. Adding one means
 * adding its folder (index.ts: signature and network shape; train.ts: the tfjs
 * builder) and one line here. Loads no tfjs.
 */
import type { Network } from "../../core/network.js";
import type { ArchModule, NetworkShape } from "./arch-module.js";
import * as linear from "./linear/index.js";
import * as matrixFactorization from "./matrix-factorization/index.js";
import * as mlp from "./mlp/index.js";
import * as wideDeep from "./wide-deep/index.js";

export const architectures = {
  linear,
  mlp,
  wide_deep: wideDeep,
  matrix_factorization: matrixFactorization,
} satisfies Record<string, ArchModule>;

export type ArchRegistry = Readonly<Record<string, ArchModule>>;

/** The network shapes the given architectures train, by `Network.kind`. */
export function networkShapesOf(archs: ArchRegistry): ReadonlyMap<string, NetworkShape> {
  return new Map(Object.values(archs).map((a) => [a.network.kind, a.network]));
}

export const networkShapes = networkShapesOf(architectures);

/** Every network the built-in architectures train, for code that reads a particular shape's fields. */
export type BuiltinNetwork = {
  [K in keyof typeof architectures]: (typeof architectures)[K]["network"] extends NetworkShape<infer N> ? N : never;
}[keyof typeof architectures];

/** Compile-time check: every built-in network is a Network. */
export type { Network };
const _networksAreNetworks: (n: BuiltinNetwork) => Network = (n) => n;
void _networksAreNetworks;
