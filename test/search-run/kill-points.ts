/**
 * Kill tests of a search: a spec run in a child process that SIGKILLs itself right
 * after its k-th kill point (killed-at-point.ts: each checkpoint saved and each
 * trial recorded, in order). Counting points, not time, chooses where it dies, so
 * the same k stops a seeded run at the same place on any machine.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A plain model `m2`, trained after the search's model is registered. */
export const secondModel = `model m2 {
  task = binary_classification(target = y)
  inputs = f
  arch = mlp(hidden = [4])
  train { optimizer = adam(lr = 1e-2) epochs = 3 batch = 32 seed = 5 }
  metrics = [auc]
}
`;

/** Runs the spec in a child killed by SIGKILL after its k-th kill point, which it returns; k = 0 runs to the end and returns every point. */
export async function runKilledAt(spec: string, k: number): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "killed-at-point.ts"), spec, String(k)], { cwd: path.resolve(here, "../.."), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
  if (k === 0) expect(code, err).toBe(0);
  else expect(signal, err).toBe("SIGKILL");
  return JSON.parse(out) as string[];
}

