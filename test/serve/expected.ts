/** What onnxruntime itself answers for rows, with its own session: the reference the server must match. */
import * as ort from "onnxruntime-node";
import { numericCell, stringCell, type RawValue } from "../../runtime/features/raw-columns.js";

export async function ortOutput(bytes: Uint8Array, rows: Array<Record<string, unknown>>, output = "probability"): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const m of session.inputMetadata) {
      feeds[m.name] =
        m.isTensor && m.type === "string"
          ? new ort.Tensor("string", rows.map((r) => stringCell(r[m.name] as RawValue)), [rows.length, 1])
          : new ort.Tensor("float32", Float32Array.from(rows, (r, i) => numericCell(m.name, r[m.name] as RawValue, i)), [rows.length, 1]);
    }
    const out = await session.run(feeds);
    return out[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
