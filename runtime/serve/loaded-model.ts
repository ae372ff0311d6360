/**
 * One registered model version loaded into onnxruntime: what it reads (the
 * graph's raw-column inputs), what it answers (task, output tensor, class
 * labels, from the model's mlspec metadata), and the conversions between
 * request rows and tensors. Rows are converted exactly as training converted
 * raw columns (runtime/features/raw-columns.ts).
 */
import onnxProto from "onnx-proto";
import type { TaskKind } from "../../stdlib/signature.js";
import { numericCell, stringCell, type RawValue } from "../features/raw-columns.js";
import type { Metrics } from "../workspace/registry.js";
import { ModelRunError, ServeError } from "./errors.js";
import { createExecutor, type ExecutorKind, type FeedTensor, type OrtExecutor, type OutputTensor } from "./ort-executor.js";
import type { RequestRow } from "./request-schema.js";

const { onnx } = onnxProto;

export type ClassLabel = string | number | boolean;

/** The answer for one row. */
export type RowPrediction =
  | { prediction: ClassLabel; probabilities: Record<string, number> }
  | { prediction: number }
  | { score: number };

export interface ModelIdentity {
  name: string;
  version: number;
  aliases: string[];
  metrics: Metrics;
  createdAt: string;
  artifactSha256: string;
}

/** What the plan says about the model, used where the ONNX file carries no mlspec metadata (an imported model). */
export interface TaskHint {
  kind: TaskKind;
  classes?: ClassLabel[];
}

export interface ModelInput {
  name: string;
  tensor: "float" | "string";
}

interface MlspecMetadata {
  task?: TaskKind;
  output?: string;
  classes?: string[];
}

const TASKS: readonly TaskKind[] = ["binary", "multiclass", "regression", "recommendation"];

function readMetadata(bytes: Uint8Array): MlspecMetadata {
  let props: Record<string, string>;
  try {
    const model = onnx.ModelProto.decode(bytes);
    props = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
  } catch {
    return {}; // onnxruntime will say what is wrong with the file
  }
  const meta: MlspecMetadata = {};
  const task = props["mlspec.task"];
  if (task && (TASKS as readonly string[]).includes(task)) meta.task = task as TaskKind;
  if (props["mlspec.output"]) meta.output = props["mlspec.output"];
  if (props["mlspec.classes"]) {
    try {
      const classes = JSON.parse(props["mlspec.classes"]) as unknown;
      if (Array.isArray(classes)) meta.classes = classes.map(String);
    } catch {
      /* unreadable labels: fall back to the plan's or to indices */
    }
  }
  return meta;
}

function chooseClasses(task: TaskKind, units: number, hint: TaskHint | undefined, fromFile: string[] | undefined): ClassLabel[] | undefined {
  if (task !== "binary" && task !== "multiclass") return undefined;
  const width = task === "binary" ? 2 : units;
  if (width === 0) return undefined;
  // the plan's labels keep their types (a bool target answers true/false, not "true")
  if (hint?.classes && hint.classes.length === width) {
    if (!fromFile || fromFile.every((c, i) => c === String(hint.classes![i]))) return hint.classes;
  }
  if (fromFile && fromFile.length === width) return fromFile;
  return task === "binary" ? [false, true] : Array.from({ length: width }, (_, i) => i);
}

export class LoadedModel {
  /** `{name, version}`, one object for every answer of this version. */
  readonly ref: { readonly name: string; readonly version: number };
  readonly inputs: ModelInput[];
  readonly task: TaskKind;
  readonly classes: ClassLabel[] | undefined;
  private readonly output: string;
  private readonly labelKeys: string[];
  private closed = false;

  constructor(
    readonly identity: ModelIdentity,
    private readonly executor: OrtExecutor,
    meta: MlspecMetadata,
    hint: TaskHint | undefined,
  ) {
    const label = `${identity.name} version ${identity.version}`;
    this.ref = Object.freeze({ name: identity.name, version: identity.version });
    this.inputs = executor.inputs.map((input) => {
      if (input.type === "float32") return { name: input.name, tensor: "float" as const };
      if (input.type === "string") return { name: input.name, tensor: "string" as const };
      throw new ServeError("MODEL_UNSUPPORTED", `${label} reads \`${input.name}\` as ${input.type}; serving feeds raw columns as float32 or string tensors`);
    });
    const task = meta.task ?? hint?.kind;
    if (!task) throw new ServeError("MODEL_UNSUPPORTED", `${label} does not say its task (no mlspec.task metadata) and the spec does not either`);
    this.task = task;
    const output = meta.output ?? executor.outputs[0];
    if (!output || !executor.outputs.includes(output)) {
      throw new ServeError("MODEL_UNSUPPORTED", `${label} has no output \`${output}\`; its outputs are ${executor.outputs.join(", ") || "none"}`);
    }
    this.output = output;
    const units = task === "multiclass" ? (meta.classes?.length ?? hint?.classes?.length ?? 0) : 1;
    this.classes = chooseClasses(task, units, hint, meta.classes);
    this.labelKeys = (this.classes ?? []).map(String);
  }

  get healthy(): boolean {
    return !this.closed && this.executor.healthy;
  }

  get executorKind(): ExecutorKind {
    return this.executor.kind;
  }

  /** Rows → one [N, 1] tensor per graph input. */
  encode(rows: readonly RequestRow[]): Record<string, FeedTensor> {
    const n = rows.length;
    const feeds: Record<string, FeedTensor> = {};
    for (const input of this.inputs) {
      if (input.tensor === "string") {
        const data = new Array<string>(n);
        for (let i = 0; i < n; i++) data[i] = stringCell(rows[i]![input.name] as RawValue);
        feeds[input.name] = { type: "string", data, dims: [n, 1] };
      } else {
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = numericCell(input.name, rows[i]![input.name] as RawValue, i);
        feeds[input.name] = { type: "float32", data, dims: [n, 1] };
      }
    }
    return feeds;
  }

  /** The output tensor → one prediction per row. */
  decode(outputs: Record<string, OutputTensor>, rows: number): RowPrediction[] {
    const tensor = outputs[this.output];
    if (!tensor) throw new ModelRunError(`the model returned no \`${this.output}\` output`);
    // a multiclass model without labels anywhere answers class indices
    const width = this.task === "multiclass" ? this.labelKeys.length || (tensor.dims[1] ?? 1) : 1;
    if (tensor.data.length !== rows * width) {
      throw new ModelRunError(`the model's \`${this.output}\` output has ${tensor.data.length} values for ${rows} rows (expected ${rows * width})`);
    }
    const data = tensor.data;
    const out = new Array<RowPrediction>(rows);
    switch (this.task) {
      case "binary": {
        const [negative, positive] = this.classes!;
        const [kn, kp] = this.labelKeys;
        for (let i = 0; i < rows; i++) {
          const p = data[i]!;
          out[i] = { prediction: p >= 0.5 ? positive! : negative!, probabilities: { [kn!]: 1 - p, [kp!]: p } };
        }
        return out;
      }
      case "multiclass": {
        for (let i = 0; i < rows; i++) {
          const probabilities: Record<string, number> = {};
          let best = 0;
          for (let k = 0; k < width; k++) {
            const p = data[i * width + k]!;
            probabilities[this.labelKeys[k] ?? String(k)] = p;
            if (p > data[i * width + best]!) best = k;
          }
          out[i] = { prediction: this.classes?.[best] ?? best, probabilities };
        }
        return out;
      }
      case "regression":
        for (let i = 0; i < rows; i++) out[i] = { prediction: data[i]! };
        return out;
      case "recommendation":
        for (let i = 0; i < rows; i++) out[i] = { score: data[i]! };
        return out;
    }
  }

  /** Encode, run, decode: one onnxruntime run for all `rows`. */
  async run(rows: readonly RequestRow[]): Promise<RowPrediction[]> {
    let feeds: Record<string, FeedTensor>;
    try {
      feeds = this.encode(rows);
    } catch (error) {
      throw new ModelRunError((error as Error).message, { cause: error });
    }
    const outputs = await this.executor.run(feeds);
    return this.decode(outputs, rows.length);
  }

  /**
   * One run on tensors the caller built (batch scoring builds them column by column, without a
   * row object or an answer object per row): the output's values, `rows` × `width`, row-major.
   */
  async runFeeds(feeds: Record<string, FeedTensor>, rows: number): Promise<{ data: Float32Array; width: number }> {
    const tensor = (await this.executor.run(feeds))[this.output];
    if (!tensor) throw new ModelRunError(`the model returned no \`${this.output}\` output`);
    const width = this.task === "multiclass" ? this.labelKeys.length || (tensor.dims[1] ?? 1) : 1;
    if (tensor.data.length !== rows * width) {
      throw new ModelRunError(`the model's \`${this.output}\` output has ${tensor.data.length} values for ${rows} rows (expected ${rows * width})`);
    }
    return { data: tensor.data, width };
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.executor.dispose();
  }
}

/** Load a version's ONNX bytes; a file onnxruntime rejects becomes a ServeError naming the version. */
export async function loadModel(bytes: Uint8Array, identity: ModelIdentity, options: { executor: ExecutorKind; hint?: TaskHint }): Promise<LoadedModel> {
  const label = `${identity.name} version ${identity.version}`;
  let executor: OrtExecutor;
  try {
    executor = await createExecutor(bytes, options.executor);
  } catch (error) {
    throw new ServeError("MODEL_LOAD_FAILED", `cannot load ${label} (artifact ${identity.artifactSha256.slice(0, 12)}): ${(error as Error).message}`, { cause: error });
  }
  try {
    return new LoadedModel(identity, executor, readMetadata(bytes), options.hint);
  } catch (error) {
    await executor.dispose();
    throw error;
  }
}
