/** `import = xgboost("...")`: a model trained elsewhere (spec/language.md#model). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "import_format",
  name: "xgboost",
  params: [{ name: "path", type: "string", doc: "model file, relative to the spec's directory" }],
  doc: "Imports a xgboost model file instead of training one.",
};
