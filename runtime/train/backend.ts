/**
 * Chooses the tfjs backend: the native TensorFlow bindings when installed
 * (GPU, then CPU), else WebAssembly, else plain JavaScript. The native
 * packages download a library at install time, so they are optional and
 * usually absent on offline machines.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import path from "node:path";
import { BackendUnavailableError } from "./errors.js";

export const BACKEND_NAMES = ["node-gpu", "node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  name: BackendName;
  /** Why the better backends were passed over, for `--verbose` output. */
  skipped: Array<{ name: BackendName; reason: string }>;
}

let active: BackendName | null = null;

/** The backend this process trains on, or null before `selectBackend`. */
export function activeBackend(): BackendName | null {
  return active;
}

export function parseBackendName(text: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(text)) return text as BackendName;
  throw new BackendUnavailableError(`unknown backend \`${text}\`; choose one of ${BACKEND_NAMES.join(", ")}`);
}

/**
 * Makes `forced` the tfjs backend, or else the first of node-gpu, node, wasm,
 * cpu that loads. Returns the name so the CLI can print which one runs.
 */
export async function selectBackend(forced?: BackendName): Promise<BackendChoice> {
  if (forced !== undefined) {
    const failure = await tryBackend(forced);
    if (failure !== null) throw new BackendUnavailableError(`backend \`${forced}\` is not available: ${failure}`);
    return { name: forced, skipped: [] };
  }
  const skipped: BackendChoice["skipped"] = [];
  for (const name of BACKEND_NAMES) {
    const failure = await tryBackend(name);
    if (failure === null) return { name, skipped };
    skipped.push({ name, reason: failure });
  }
  throw new BackendUnavailableError(`no tfjs backend loads: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/** Null on success, else the reason it failed. */
async function tryBackend(name: BackendName): Promise<string | null> {
  if (active === name && tf.getBackend() === tfName(name)) return null;
  try {
    switch (name) {
      case "node-gpu":
      case "node":
        // tfjs-node and tfjs-node-gpu both register "tensorflow"; a held-over one from the other package is not it
        if (active === "node" || active === "node-gpu") return `the ${active} bindings are already loaded in this process`;
        await importOptional(name === "node-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node");
        break;
      case "wasm": {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        // in node the .wasm binaries are read from the package's dist folder
        const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
        wasm.setWasmPaths(path.dirname(entry) + path.sep);
        break;
      }
      case "cpu":
        break;
    }
    const ok = await quietly(async () => {
      const set = await tf.setBackend(tfName(name));
      // the cpu backend greets on its first tensor with advice to install tfjs-node; the CLI says which backend runs instead
      if (set) tf.tensor1d([0]).dispose();
      return set;
    });
    if (!ok) return `tfjs could not initialise the ${tfName(name)} backend`;
    active = name;
    return null;
  } catch (err) {
    return err instanceof Error ? firstLine(err.message) : String(err);
  }
}

function tfName(name: BackendName): string {
  return name === "node-gpu" || name === "node" ? "tensorflow" : name;
}

async function importOptional(specifier: string): Promise<void> {
  // a variable specifier: these packages are optional and may be missing at compile time too
  await import(specifier);
}

/** tfjs warns on the console when a backend fails to initialise; the caller reports it instead. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
