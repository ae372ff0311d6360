/** Exact save/restore of a tfjs optimizer's weights (getWeights/setWeights), shared by every optimizer. */
import * as tf from "@tensorflow/tfjs";
import { decodeFloat32, decodeInt32, encodeArray, type SerializedTensor } from "../../../core/tensor-codec.js";

export async function saveOptimizerWeights(optimizer: tf.Optimizer): Promise<SerializedTensor[]> {
  const weights = await optimizer.getWeights();
  const out: SerializedTensor[] = [];
  for (const { name, tensor } of weights) {
    const dtype = tensor.dtype === "int32" ? "int32" : "float32";
    const values = dtype === "int32" ? Int32Array.from(tensor.dataSync() as Int32Array) : Float32Array.from(tensor.dataSync() as Float32Array);
    out.push({ name, dtype, shape: [...tensor.shape], data: encodeArray(values) });
  }
  // the iteration count is a fresh tensor; the slots are the optimizer's live variables
  const iterations = weights.find((w) => w.name === "iter");
  iterations?.tensor.dispose();
  return out;
}

export async function restoreOptimizerWeights(optimizer: tf.Optimizer, saved: SerializedTensor[]): Promise<void> {
  const tensors = saved.map((s) => ({
    name: s.name,
    tensor: s.dtype === "int32" ? tf.tensor(decodeInt32(s.data), s.shape, "int32") : tf.tensor(decodeFloat32(s.data), s.shape, "float32"),
  }));
  await optimizer.setWeights(tensors);
  // setWeights makes variables that share the data; our handles can go
  for (const t of tensors) t.tensor.dispose();
}
