/**
 * A trained Network ↔ JSON, for the artifact store and the step cache. Each
 * shape encodes its own fields (stdlib/arch); the format and kind come first.
 */
import type { Network } from "../../core/network.js";
import { networkShapes } from "../../stdlib/arch/index.js";
import { shapeOf, type NetworkShapes } from "../model/forward.js";

type Encoded = Record<string, unknown>;

export function encodeNetwork(n: Network, shapes?: NetworkShapes): Encoded {
  return { format: "mlspec.network/1", kind: n.kind, ...shapeOf(n, shapes).encode(n) };
}

export function decodeNetwork(e: Encoded, shapes: NetworkShapes = networkShapes): Network {
  if (e.format !== "mlspec.network/1") throw new Error(`not an mlspec network artifact (format ${String(e.format)})`);
  const shape = typeof e.kind === "string" ? shapes.get(e.kind) : undefined;
  if (shape === undefined) throw new Error(`unknown network kind ${String(e.kind)}`);
  return shape.decode(e);
}
