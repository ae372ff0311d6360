/**
 * The Open Inference Protocol (KServe v2) over REST, beside mlspec's own routes,
 * so that KServe and Triton clients work against `mlspec serve`:
 * `GET /v2/health/live`, `GET /v2/health/ready`, `GET /v2/models/{name}`,
 * `GET /v2/models/{name}/ready`, `POST /v2/models/{name}/infer`. `{name}` is the
 * serve block's name (or, when one serve answers for it, its model's name). An
 * infer request holds one tensor per input column, `shape` [N] or [N, 1]; its
 * rows are checked by the same contract as `/v1/<serve>/predict`. Errors are
 * `{"error": "..."}`, 400 for a request a client can fix.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PredictionUnavailableError, RequestError } from "../errors.js";
import type { RowPrediction } from "../loaded-model.js";
import type { ServeMetrics } from "../metrics.js";
import type { ServeEndpoint } from "../serve-endpoint.js";

export interface OpenInferenceOptions {
  endpoints: readonly ServeEndpoint[];
  metrics: ServeMetrics;
}

/** The protocol's tensor datatypes (its "Tensor Data Types" table). */
const DATATYPES = new Set(["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"]);

interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

class InferError extends Error {}

/** An input column's datatype as the protocol names it, from its JSON Schema. */
function datatypeOf(schema: { type?: string | string[] } | undefined): string {
  const types = ([] as string[]).concat(schema?.type ?? "string").filter((t) => t !== "null");
  if (types.includes("integer")) return "INT64";
  if (types.includes("number")) return "FP64";
  if (types.includes("boolean")) return "BOOL";
  return "BYTES";
}

/** The outputs a task's answers give: a label and per-class probabilities, a value, or a score. */
function outputsOf(endpoint: ServeEndpoint): Array<{ name: string; datatype: string; shape: number[] }> {
  const model = endpoint.answeringModel;
  if (model.classes) return [{ name: "prediction", datatype: "BYTES", shape: [-1] }, { name: "probabilities", datatype: "FP64", shape: [-1, model.classes.length] }];
  if (model.task === "recommendation") return [{ name: "score", datatype: "FP64", shape: [-1] }];
  return [{ name: "prediction", datatype: "FP64", shape: [-1] }];
}

/** A flat list of a tensor's elements: the protocol allows them nested row-major too. */
function flat(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flatMap((d) => (Array.isArray(d) ? flat(d) : [d])) : [data];
}

/** The request's tensors as rows of columns; an InferError says what is wrong. */
export function rowsOfInputs(body: unknown): { id?: string; rows: Record<string, unknown>[]; outputs?: string[] } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new InferError('the request body must be a JSON object with "inputs": [{name, shape, datatype, data}, ...]');
  const { inputs, id, outputs } = body as { inputs?: unknown; id?: unknown; outputs?: unknown };
  if (id !== undefined && typeof id !== "string") throw new InferError('"id" must be a string');
  if (!Array.isArray(inputs) || inputs.length === 0) throw new InferError('"inputs" must be a non-empty array of tensors {name, shape, datatype, data}');
  let rows = -1;
  const columns: Tensor[] = [];
  const seen = new Set<string>();
  for (const [i, t] of inputs.entries()) {
    const where = `inputs[${i}]`;
    if (t === null || typeof t !== "object" || Array.isArray(t)) throw new InferError(`${where} must be an object {name, shape, datatype, data}`);
    const { name, shape, datatype, data } = t as Record<string, unknown>;
    if (typeof name !== "string" || name === "") throw new InferError(`${where}.name must be a non-empty string`);
    if (seen.has(name)) throw new InferError(`input ${name} is given twice`);
    seen.add(name);
    if (typeof datatype !== "string" || !DATATYPES.has(datatype)) throw new InferError(`input ${name}: datatype must be one of ${[...DATATYPES].join(", ")}`);
    if (!Array.isArray(shape) || shape.length === 0 || shape.length > 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || (shape.length === 2 && shape[1] !== 1)) {
      throw new InferError(`input ${name}: shape must be [N] or [N, 1] (one column of N rows), got ${JSON.stringify(shape)}`);
    }
    const values = flat(data);
    if (data === undefined || values.length !== shape[0]) throw new InferError(`input ${name}: shape ${JSON.stringify(shape)} holds ${shape[0]} elements, data holds ${data === undefined ? "none" : values.length}`);
    const wrong = values.findIndex((v) => v !== null && (datatype === "BOOL" ? typeof v !== "boolean" : datatype === "BYTES" ? typeof v !== "string" : typeof v !== "number"));
    if (wrong >= 0) throw new InferError(`input ${name}: element ${wrong} is ${JSON.stringify(values[wrong])}, not ${datatype === "BOOL" ? "a boolean" : datatype === "BYTES" ? "a string" : "a number"} (datatype ${datatype})`);
    if (rows >= 0 && shape[0] !== rows) throw new InferError(`input ${name} has ${shape[0]} rows, the inputs before it ${rows}: every input is one column of the same rows`);
    rows = shape[0]!;
    columns.push({ name, datatype, shape: shape as number[], data: values });
  }
  if (rows === 0) throw new InferError("the inputs hold no rows");
  let wanted: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs) || !outputs.every((o) => o !== null && typeof o === "object" && typeof (o as { name?: unknown }).name === "string")) throw new InferError('"outputs" must be an array of {name}');
    wanted = outputs.map((o) => (o as { name: string }).name);
  }
  const out = Array.from({ length: rows }, (_, r) => Object.fromEntries(columns.map((c) => [c.name, c.data[r]])));
  return { ...(id !== undefined ? { id: id as string } : {}), rows: out, ...(wanted ? { outputs: wanted } : {}) };
}

/** The answers as the protocol's output tensors. */
function outputTensors(endpoint: ServeEndpoint, predictions: readonly RowPrediction[]): Tensor[] {
  const n = predictions.length;
  const classes = endpoint.answeringModel.classes;
  const first = predictions[0];
  if (first && "score" in first) return [{ name: "score", datatype: "FP64", shape: [n], data: predictions.map((p) => ("score" in p ? p.score : null)) }];
  if (first && "probabilities" in first && classes) {
    return [
      { name: "prediction", datatype: "BYTES", shape: [n], data: predictions.map((p) => String((p as { prediction: unknown }).prediction)) },
      { name: "probabilities", datatype: "FP64", shape: [n, classes.length], data: predictions.flatMap((p) => classes.map((c) => (p as { probabilities: Record<string, number> }).probabilities[String(c)] ?? null)) },
    ];
  }
  return [{ name: "prediction", datatype: "FP64", shape: [n], data: predictions.map((p) => (p as { prediction: number }).prediction) }];
}

export async function openInferenceRoutes(app: FastifyInstance, options: OpenInferenceOptions): Promise<void> {
  const { endpoints, metrics } = options;
  const byModel = new Map<string, ServeEndpoint[]>();
  for (const e of endpoints) byModel.set(e.answeringModel.identity.name, [...(byModel.get(e.answeringModel.identity.name) ?? []), e]);
  const find = (name: string, reply: FastifyReply): ServeEndpoint | undefined => {
    const endpoint = endpoints.find((e) => e.name === name) ?? (byModel.get(name)?.length === 1 ? byModel.get(name)![0] : undefined);
    if (!endpoint) {
      reply.code(404);
      return undefined;
    }
    return endpoint;
  };
  const notFound = (name: string) => ({ error: `no model ${JSON.stringify(name)}; this server serves ${endpoints.map((e) => e.name).join(", ")}` });

  app.get("/v2/health/live", async () => ({ live: true }));
  // the protocol: 200 says true, a 4xx false
  app.get("/v2/health/ready", async (_request, reply) => {
    const ready = endpoints.every((e) => e.ready);
    if (!ready) reply.code(400);
    return { ready };
  });
  app.get<{ Params: { name: string } }>("/v2/models/:name", async (request, reply) => {
    const endpoint = find(request.params.name, reply);
    if (!endpoint) return notFound(request.params.name);
    const d = endpoint.describe();
    // every column a row may hold: those the model reads (required unless nullable) and the dataset's others, checked when sent
    const schema = d.inputSchema as { properties?: Record<string, { type?: string | string[] }> };
    return {
      name: endpoint.name,
      versions: [String(d.version)],
      platform: "mlspec_onnx",
      inputs: Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, datatype: datatypeOf(s), shape: [-1] })),
      outputs: outputsOf(endpoint),
    };
  });
  app.get<{ Params: { name: string } }>("/v2/models/:name/ready", async (request, reply) => {
    const endpoint = find(request.params.name, reply);
    if (!endpoint) return notFound(request.params.name);
    if (!endpoint.ready) reply.code(400);
    return { name: endpoint.name, ready: endpoint.ready };
  });
  app.post<{ Params: { name: string } }>("/v2/models/:name/infer", async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const endpoint = find(request.params.name, reply);
    if (!endpoint) return notFound(request.params.name);
    const receivedAt = performance.now() - reply.elapsedTime;
    const count = (status: number, by: { readonly name: string; readonly version: number }) => {
      metrics.request(endpoint.name, by, status);
      metrics.duration(endpoint.name, (performance.now() - receivedAt) / 1000);
    };
    let input;
    try {
      input = rowsOfInputs(request.body);
      // the same contract as /v1/<serve>/predict: every problem of every row, by row
      endpoint.validator.checkRows(input.rows);
    } catch (error) {
      if (error instanceof InferError || error instanceof RequestError) {
        const status = error instanceof RequestError && error.statusCode !== 400 ? error.statusCode : 400;
        count(status, endpoint.answeringModel.ref);
        reply.code(status);
        const problems = error instanceof RequestError ? error.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`) : [];
        return { error: problems.length > 0 ? `${error.message}: ${problems.join("; ")}` : error.message };
      }
      throw error;
    }
    const names = outputsOf(endpoint).map((o) => o.name);
    const unknown = input.outputs?.find((w) => !names.includes(w));
    if (unknown !== undefined) {
      count(400, endpoint.answeringModel.ref);
      reply.code(400);
      return { error: `no output ${JSON.stringify(unknown)}; the outputs are ${names.join(", ")}` };
    }
    try {
      const assignment = endpoint.route({ body: request.body, headers: request.headers as Record<string, string | undefined> });
      const result = await endpoint.predict(input.rows, { requestId: request.id, receivedAt, time: Date.now(), assignment });
      count(200, result.model);
      const tensors = outputTensors(endpoint, result.predictions);
      const wanted = input.outputs;
      return {
        model_name: endpoint.name,
        model_version: String(result.model.version),
        id: input.id ?? request.id,
        outputs: wanted ? tensors.filter((t) => wanted.includes(t.name)) : tensors,
      };
    } catch (error) {
      if (error instanceof PredictionUnavailableError) {
        count(error.statusCode, endpoint.answeringModel.ref);
        reply.code(error.statusCode);
        return { error: error.message };
      }
      throw error;
    }
  });
}
