/** The `matrix_factorization` architecture (spec/language.md#architecture) and its network shape. */
import { NetworkError, type EmbeddingTable, type OutputHead } from "../../../core/network.js";
import { decodeFloat32, encodeArray } from "../../../core/tensor-codec.js";
import type { ArchSig } from "../../signature.js";
import type { NetworkShape } from "../arch-module.js";

export const signature: ArchSig = {
  kind: "arch",
  name: "matrix_factorization",
  tasks: ["recommendation"],
  params: [
    { name: "dim", type: "int", default: 16, min: 1, max: 1024, tunable: true, doc: "Embedding size of users and items." },
    {
      name: "l2",
      type: "float",
      default: 0.0001,
      min: 0,
      tunable: true,
      doc: "L2 penalty on the user and item embeddings used in each batch.",
    },
  ],
  doc:
    "Matrix factorisation: score = dot(user, item) + user bias + item bias + global bias, from two index features " +
    "(user id, item id). Ids unseen in training share an `unknown` row.",
};

/**
 * score = head(dot(user[u], item[i]) + userBias[u] + itemBias[i] + globalBias).
 * Inputs are two index features (user id, item id) from embed_index.
 */
export type MatrixFactorizationNetwork = {
  kind: "matrix_factorization";
  user: EmbeddingTable;
  item: EmbeddingTable;
  userBias: Float32Array;
  itemBias: Float32Array;
  globalBias: number;
  head: OutputHead;
};

function checkTable(where: string, table: EmbeddingTable, bias: Float32Array): void {
  if (table.count < 1 || table.dim < 1 || table.table.length !== table.count * table.dim) {
    throw new NetworkError(`${where} embedding: ${table.table.length} values do not make ${table.count}×${table.dim}`);
  }
  if (bias.length !== table.count) throw new NetworkError(`${where} bias: ${bias.length} values for ${table.count} rows`);
}

function checkIndex(where: string, indices: Int32Array, count: number): void {
  for (const i of indices) {
    if (i < 0 || i >= count) throw new NetworkError(`${where} index ${i} is outside the table of ${count} rows`);
  }
}

type Encoded = Record<string, unknown>;

const encodeTable = (t: EmbeddingTable): Encoded => ({ count: t.count, dim: t.dim, table: encodeArray(t.table) });
const decodeTable = (e: Encoded): EmbeddingTable => ({ count: e.count as number, dim: e.dim as number, table: decodeFloat32(e.table as string) });

export const network: NetworkShape<MatrixFactorizationNetwork> = {
  kind: "matrix_factorization",
  readsIndices: true,
  check(n) {
    checkTable("user", n.user, n.userBias);
    checkTable("item", n.item, n.itemBias);
    if (n.user.dim !== n.item.dim) {
      throw new NetworkError(`matrix_factorization: user dim ${n.user.dim} differs from item dim ${n.item.dim}`);
    }
    return 1;
  },
  indexRows: (n) => ({ user: n.user.count, item: n.item.count }),
  logits(n, inputs) {
    const users = inputs.user!;
    const items = inputs.item!;
    checkIndex("user", users, n.user.count);
    checkIndex("item", items, n.item.count);
    const dim = n.user.dim;
    const logits = new Float32Array(inputs.rows);
    for (let r = 0; r < inputs.rows; r++) {
      const u = users[r]! * dim;
      const v = items[r]! * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += n.user.table[u + d]! * n.item.table[v + d]!;
      logits[r] = Math.fround(dot) + n.userBias[users[r]!]! + n.itemBias[items[r]!]! + n.globalBias;
    }
    return logits;
  },
  emitLogits(graph, n, inputs) {
    const flat = graph.int64s([-1], [1]);
    const users = graph.node("Reshape", [inputs.user!, flat]);
    const items = graph.node("Reshape", [inputs.item!, flat]);
    const userVectors = graph.node("Gather", [graph.floats(n.user.table, [n.user.count, n.user.dim]), users]);
    const itemVectors = graph.node("Gather", [graph.floats(n.item.table, [n.item.count, n.item.dim]), items]);
    const dot = graph.node("ReduceSum", [graph.node("Mul", [userVectors, itemVectors]), graph.int64s([1], [1])], {
      keepdims: { int: 1 },
    });
    const userBias = graph.node("Gather", [graph.floats(n.userBias, [n.user.count, 1]), users]);
    const itemBias = graph.node("Gather", [graph.floats(n.itemBias, [n.item.count, 1]), items]);
    const withUser = graph.node("Add", [dot, userBias]);
    const withItem = graph.node("Add", [withUser, itemBias]);
    return graph.node("Add", [withItem, graph.floats([n.globalBias], [])]);
  },
  encode: (n) => ({
    head: n.head,
    user: encodeTable(n.user),
    item: encodeTable(n.item),
    userBias: encodeArray(n.userBias),
    itemBias: encodeArray(n.itemBias),
    globalBias: n.globalBias,
  }),
  decode: (e) => ({
    kind: "matrix_factorization",
    head: e.head as OutputHead,
    user: decodeTable(e.user as Encoded),
    item: decodeTable(e.item as Encoded),
    userBias: decodeFloat32(e.userBias as string),
    itemBias: decodeFloat32(e.itemBias as string),
    globalBias: e.globalBias as number,
  }),
  // ratings train in their own units: no unscale
};

export const loadTrainer = () => import("./train.js");
