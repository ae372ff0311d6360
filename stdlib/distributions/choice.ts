/** `choice(...)` in a search block (spec/language.md#search). */
import type { DistributionSig } from "../signature.js";

export const signature: DistributionSig = {
  kind: "distribution",
  name: "choice",
  produces: ["any"],
  params: [],
  doc: "One of the listed values (numbers, strings, words or lists such as hidden layer shapes): `choice([32], [64, 32])`.",
};
