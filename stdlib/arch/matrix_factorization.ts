import type { ArchSig } from "../signature.js";

export interface MatrixFactorizationParams {
  dim: number;
  l2: number;
}

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
