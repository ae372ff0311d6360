/**
 * Tensors as JSON-safe values for checkpoints: the exact bytes, base64-encoded,
 * so that a restored run continues bit for bit.
 */

export interface SerializedTensor {
  name: string;
  dtype: "float32" | "int32";
  shape: number[];
  /** Little-endian element bytes, base64. */
  data: string;
}

export function encodeArray(values: Float32Array | Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64");
}

export function decodeFloat32(data: string): Float32Array {
  const bytes = Buffer.from(data, "base64");
  // copy: Buffer's pool offset may not be 4-byte aligned
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function decodeInt32(data: string): Int32Array {
  const bytes = Buffer.from(data, "base64");
  const out = new Int32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
