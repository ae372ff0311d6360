/** A model or pipeline that cannot become an ONNX graph, with the reason in the user's terms. */
export class ExportError extends Error {
  constructor(message: string) {
    super(`ONNX export: ${message}`);
    this.name = "ExportError";
  }
}
