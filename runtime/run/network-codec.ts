/**
 * A trained Network ↔ JSON, for the artifact store and the step cache.
 */
import type { DenseLayer, EmbeddingTable, Network } from "../model/network.js";
import { decodeFloat32, encodeArray } from "../train/tensor_codec.js";

type Encoded = Record<string, unknown>;

function encodeLayer(l: DenseLayer): Encoded {
  return { inputs: l.inputs, units: l.units, activation: l.activation, weights: encodeArray(l.weights), bias: encodeArray(l.bias) };
}
function decodeLayer(e: Encoded): DenseLayer {
  return {
    inputs: e.inputs as number,
    units: e.units as number,
    activation: e.activation as DenseLayer["activation"],
    weights: decodeFloat32(e.weights as string),
    bias: decodeFloat32(e.bias as string),
  };
}
function encodeTable(t: EmbeddingTable): Encoded {
  return { count: t.count, dim: t.dim, table: encodeArray(t.table) };
}
function decodeTable(e: Encoded): EmbeddingTable {
  return { count: e.count as number, dim: e.dim as number, table: decodeFloat32(e.table as string) };
}

export function encodeNetwork(n: Network): Encoded {
  switch (n.kind) {
    case "sequential":
      return { format: "mlspec.network/1", kind: n.kind, inputWidth: n.inputWidth, head: n.head, layers: n.layers.map(encodeLayer) };
    case "wide_deep":
      return { format: "mlspec.network/1", kind: n.kind, inputWidth: n.inputWidth, head: n.head, wide: encodeLayer(n.wide), deep: n.deep.map(encodeLayer) };
    case "matrix_factorization":
      return {
        format: "mlspec.network/1",
        kind: n.kind,
        head: n.head,
        user: encodeTable(n.user),
        item: encodeTable(n.item),
        userBias: encodeArray(n.userBias),
        itemBias: encodeArray(n.itemBias),
        globalBias: n.globalBias,
      };
  }
}

export function decodeNetwork(e: Encoded): Network {
  if (e.format !== "mlspec.network/1") throw new Error(`not an mlspec network artifact (format ${String(e.format)})`);
  switch (e.kind) {
    case "sequential":
      return { kind: "sequential", inputWidth: e.inputWidth as number, head: e.head as Network["head"], layers: (e.layers as Encoded[]).map(decodeLayer) };
    case "wide_deep":
      return { kind: "wide_deep", inputWidth: e.inputWidth as number, head: e.head as Network["head"], wide: decodeLayer(e.wide as Encoded), deep: (e.deep as Encoded[]).map(decodeLayer) };
    case "matrix_factorization":
      return {
        kind: "matrix_factorization",
        head: e.head as Network["head"],
        user: decodeTable(e.user as Encoded),
        item: decodeTable(e.item as Encoded),
        userBias: decodeFloat32(e.userBias as string),
        itemBias: decodeFloat32(e.itemBias as string),
        globalBias: e.globalBias as number,
      };
    default:
      throw new Error(`unknown network kind ${String(e.kind)}`);
  }
}
