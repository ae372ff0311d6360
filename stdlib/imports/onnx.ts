/** `import = onnx("...")`: a model trained elsewhere (spec/language.md#model). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "import_format",
  name: "onnx",
  params: [{ name: "path", type: "string", doc: "model file, relative to the spec's directory" }],
  doc: "Imports a onnx model file instead of training one.",
};
