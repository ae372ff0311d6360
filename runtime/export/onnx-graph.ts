/**
 * An ONNX graph under construction, as plain data. Transforms and the network
 * emitter add nodes through the `OnnxEmitContext` interface; only
 * `serializeModel` (onnx-model.ts) turns the result into protobuf bytes.
 * Names are generated sequentially, so the same inputs give the same bytes.
 */
import type {
  OnnxAttribute,
  OnnxDomain,
  OnnxElementType,
  OnnxEmitContext,
} from "../../stdlib/transforms/transform-module.js";
import { ExportError } from "./export-error.js";

export interface GraphNode {
  name: string;
  opType: string;
  domain: OnnxDomain;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export type InitializerData =
  | { type: "float"; values: Float32Array }
  | { type: "int64"; values: BigInt64Array }
  | { type: "string"; values: string[] };

export interface GraphInitializer {
  name: string;
  dims: number[];
  data: InitializerData;
}

/** A graph input or output: element type and dims (a string dim is symbolic, e.g. "N"). */
export interface GraphValueInfo {
  name: string;
  type: OnnxElementType;
  dims: Array<number | string>;
}

export class OnnxGraphBuilder implements OnnxEmitContext {
  readonly nodes: GraphNode[] = [];
  readonly initializers: GraphInitializer[] = [];
  readonly inputs: GraphValueInfo[] = [];
  readonly outputs: GraphValueInfo[] = [];
  private counter = 0;
  private readonly usedNames = new Set<string>();

  /** A name no other tensor has, built from a readable hint. */
  fresh(hint: string): string {
    let name: string;
    do {
      name = `${hint}_${this.counter++}`;
    } while (this.usedNames.has(name));
    this.usedNames.add(name);
    return name;
  }

  /** Claims an exact name (graph inputs and outputs); fails if already taken. */
  claim(name: string): string {
    if (this.usedNames.has(name)) throw new ExportError(`the name \`${name}\` is used twice in the graph (a column named like an output?)`);
    this.usedNames.add(name);
    return name;
  }

  addInput(info: GraphValueInfo): string {
    this.claim(info.name);
    this.inputs.push(info);
    return info.name;
  }

  addOutput(info: GraphValueInfo): void {
    this.outputs.push(info);
  }

  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, OnnxAttribute> = {},
    domain: OnnxDomain = "",
  ): string {
    const output = this.fresh(opType.toLowerCase());
    this.nodes.push({ name: `n${this.nodes.length}_${opType}`, opType, domain, inputs, outputs: [output], attributes });
    return output;
  }

  /** Like node, but writes to a chosen name (a graph output). */
  nodeTo(output: string, opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}): string {
    this.claim(output);
    this.nodes.push({ name: `n${this.nodes.length}_${opType}`, opType, domain: "", inputs, outputs: [output], attributes });
    return output;
  }

  floats(values: ArrayLike<number>, dims: number[]): string {
    return this.initializer(dims, { type: "float", values: Float32Array.from(values) });
  }

  int64s(values: ArrayLike<number>, dims: number[]): string {
    const data = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
    return this.initializer(dims, { type: "int64", values: data });
  }

  strings(values: string[], dims: number[]): string {
    return this.initializer(dims, { type: "string", values: [...values] });
  }

  private initializer(dims: number[], data: InitializerData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const length = data.values.length;
    if (count !== length) throw new ExportError(`constant of dims [${dims.join(",")}] given ${length} values`);
    const name = this.fresh(`c_${data.type}`);
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }

  /** Domains the nodes use, for the model's opset imports. */
  domainsUsed(): Set<OnnxDomain> {
    return new Set(this.nodes.map((n) => n.domain));
  }
}
