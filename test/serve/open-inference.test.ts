/**
 * The Open Inference Protocol (KServe v2) on a real `mlspec serve` server, with
 * request bodies written from the protocol's REST documentation
 * (kserve.github.io/website, "Open Inference Protocol (V2 Inference Protocol)"):
 * health, model metadata and readiness, and infer with one tensor per input
 * column, whose answers are those of `/v1/<serve>/predict`; every bad body is
 * 400 `{"error": "..."}`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listenServing, type ListeningServer } from "../../runtime/serve/http-server.js";
import { loadServing, type Serving } from "../../runtime/serve/load-serving.js";
import { churnModel, churnRows, churnSpecText, makeProject, type ChurnRow } from "./models.js";

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.reverse()) await clean();
  cleanups = [];
});

async function start(): Promise<{ serving: Serving; server: ListeningServer }> {
  const p = makeProject(churnSpecText());
  cleanups.push(() => p.cleanup());
  p.register("churn_mlp", churnModel({ seed: 11 }).bytes);
  const serving = await loadServing(p.specPath, { pollMs: 0 });
  const [server] = await listenServing(serving, { host: "127.0.0.1", port: 0 });
  cleanups.push(async () => {
    await server!.app.close();
    await serving.close();
  });
  return { serving, server: server! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(url: string, body?: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, body === undefined && raw === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: raw ?? JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const COLUMNS: Array<[string, string]> = [
  ["customer_id", "BYTES"],
  ["tenure", "INT64"],
  ["monthly", "FP64"],
  ["plan", "BYTES"],
  ["region", "BYTES"],
  ["support_calls", "INT64"],
];

/** Rows as the protocol's request: one tensor per column, shape [N]. */
function inferBody(rows: ChurnRow[], extra: Record<string, unknown> = {}) {
  return { ...extra, inputs: COLUMNS.map(([name, datatype]) => ({ name, shape: [rows.length], datatype, data: rows.map((r) => r[name]) })) };
}

describe("Open Inference Protocol", () => {
  it("health, model metadata and readiness", async () => {
    const { server } = await start();
    expect(await call(`${server.url}/v2/health/live`)).toEqual({ status: 200, body: { live: true } });
    expect(await call(`${server.url}/v2/health/ready`)).toEqual({ status: 200, body: { ready: true } });
    const meta = await call(`${server.url}/v2/models/churn_api`);
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ name: "churn_api", versions: ["1"], platform: "mlspec_onnx" });
    expect(meta.body.outputs).toEqual([{ name: "prediction", datatype: "BYTES", shape: [-1] }, { name: "probabilities", datatype: "FP64", shape: [-1, 2] }]);
    for (const input of meta.body.inputs) expect(COLUMNS.map(([n, d]) => `${n} ${d}`)).toContain(`${input.name} ${input.datatype}`);
    expect(meta.body.inputs.map((i: { name: string }) => i.name).sort()).toEqual(COLUMNS.map(([n]) => n).sort());
    // the model's name reaches its serve block too
    expect((await call(`${server.url}/v2/models/churn_mlp`)).body.name).toBe("churn_api");
    expect(await call(`${server.url}/v2/models/churn_api/ready`)).toEqual({ status: 200, body: { name: "churn_api", ready: true } });
    const missing = await call(`${server.url}/v2/models/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no model "nope"; this server serves churn_api/);
  });

  it("infer answers what /v1 predict answers, with the request's id and the outputs asked for", async () => {
    const { server } = await start();
    const rows = churnRows(5, 7);
    const v1 = await call(`${server.url}/v1/churn_api/predict`, { instances: rows });
    expect(v1.status).toBe(200);
    const res = await call(`${server.url}/v2/models/churn_api/infer`, inferBody(rows, { id: "42" }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ model_name: "churn_api", model_version: "1", id: "42" });
    const [prediction, probabilities] = res.body.outputs;
    expect(prediction).toEqual({ name: "prediction", datatype: "BYTES", shape: [7], data: v1.body.predictions.map((p: { prediction: unknown }) => String(p.prediction)) });
    expect(probabilities.shape).toEqual([7, 2]);
    const expected = v1.body.predictions.flatMap((p: { probabilities: Record<string, number> }) => Object.values(p.probabilities));
    probabilities.data.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i], 9));
    // [N, 1] columns and nested data, as the protocol allows; only the output asked for
    const nested = { outputs: [{ name: "probabilities" }], inputs: inferBody(rows).inputs.map((t) => ({ ...t, shape: [rows.length, 1], data: t.data.map((v) => [v]) })) };
    const again = await call(`${server.url}/v2/models/churn_api/infer`, nested);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.outputs.map((o: { name: string }) => o.name)).toEqual(["probabilities"]);
    expect(again.body.outputs[0].data).toEqual(probabilities.data);
  });

  it("every bad body is 400 {error}, the contract's problems included", async () => {
    const { server } = await start();
    const url = `${server.url}/v2/models/churn_api/infer`;
    // the protocol documentation's own example request: a [2, 2] tensor is no column of rows
    const docExample = {
      id: "42",
      inputs: [
        { name: "input0", shape: [2, 2], datatype: "UINT32", data: [1, 2, 3, 4] },
        { name: "input1", shape: [3], datatype: "BOOL", data: [true] },
      ],
      outputs: [{ name: "output0" }],
    };
    const rows = churnRows(9, 3);
    const cases: Array<[unknown, RegExp]> = [
      [docExample, /input input0: shape must be \[N\] or \[N, 1\]/],
      [{ ...docExample, inputs: [{ name: "input1", shape: [3], datatype: "BOOL", data: [true] }] }, /shape \[3\] holds 3 elements, data holds 1/],
      [[], /must be a JSON object/],
      [{}, /"inputs" must be a non-empty array/],
      [{ inputs: [{ name: "tenure", shape: [1], datatype: "INT65", data: [3] }] }, /datatype must be one of BOOL/],
      [{ inputs: [{ name: "tenure", shape: [1], datatype: "INT64", data: ["three"] }] }, /element 0 is "three", not a number/],
      [inferBody(rows, { id: 42 }), /"id" must be a string/],
      [{ inputs: [...inferBody(rows).inputs, inferBody(rows).inputs[0]] }, /input customer_id is given twice/],
      [{ inputs: [inferBody(rows).inputs[0], { ...inferBody(rows).inputs[1]!, shape: [2], data: [1, 2] }] }, /has 2 rows, the inputs before it 3/],
      // the contract: a missing column, a value out of range
      [{ inputs: inferBody(rows).inputs.filter((t) => t.name !== "tenure") }, /tenure/],
      [{ inputs: inferBody(rows).inputs.map((t) => (t.name === "tenure" ? { ...t, data: [500, 1, 2] } : t)) }, /\/0\/tenure.*120|120.*tenure/],
      [inferBody(rows, { outputs: [{ name: "output0" }] }), /no output "output0"; the outputs are prediction, probabilities/],
    ];
    for (const [body, message] of cases) {
      const res = await call(url, body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error, JSON.stringify(body).slice(0, 120)).toMatch(message);
    }
    const malformed = await call(url, undefined, "{ not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/malformed JSON/);
  });
});
