import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { ColumnProfile, DatasetProfile } from "../../runtime/data/profile.js";
import { exampleRow, findDatasetProfile } from "../../runtime/serve/example-request.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import { openPredictionSink } from "../../runtime/serve/prediction-log.js";
import { RequestValidator, type RequestColumn } from "../../runtime/serve/request-schema.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

const COLUMNS: RequestColumn[] = [
  { name: "customer_id", type: { kind: "string" }, nullable: false },
  { name: "tenure", type: { kind: "int" }, nullable: false, range: { min: 0, max: 120 } },
  { name: "monthly", type: { kind: "float" }, nullable: true, range: { min: 0, max: 10000 } },
  { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] }, nullable: false },
  { name: "active", type: { kind: "bool" }, nullable: false },
  { name: "signup", type: { kind: "timestamp" }, nullable: false },
  { name: "churned", type: { kind: "bool" }, nullable: false },
];

function column(name: string, type: ColumnProfile["type"], fields: Partial<ColumnProfile>): ColumnProfile {
  return { name, type, count: 100, nulls: 0, mean: null, std: null, min: null, max: null, distinct: 10, histogram: { kind: "categorical", values: [], counts: [], otherCount: 0 }, ...fields };
}

const PROFILE: DatasetProfile = {
  format: "mlspec-profile-v1",
  rows: 100,
  part: "train",
  columns: [
    column("customer_id", "string", { histogram: { kind: "categorical", values: ["C00042", "C00007"], counts: [1, 1], otherCount: 98 } }),
    column("tenure", "int", { mean: 31.6, histogram: { kind: "numeric", edges: [0, 60, 120], counts: [70, 30] } }),
    column("monthly", "float", { mean: 48.257, histogram: { kind: "numeric", edges: [0, 100], counts: [100] } }),
    column("plan", "enum", { histogram: { kind: "categorical", values: ["basic", "pro", "enterprise"], counts: [20, 70, 10], otherCount: 0 } }),
    column("active", "bool", { mean: 0.8, histogram: { kind: "categorical", values: ["false", "true"], counts: [20, 80], otherCount: 0 } }),
    column("signup", "timestamp", { min: "2020-01-01T00:00:00.000Z", max: "2024-06-30T00:00:00.000Z", histogram: { kind: "numeric", edges: [0, 1], counts: [100] } }),
  ],
};

describe("exampleRow", () => {
  const validator = new RequestValidator({ dataset: "customers", columns: COLUMNS, required: ["tenure", "monthly", "plan", "active"], target: "churned" });

  it("takes typical values from the training profile: means, most frequent categories", () => {
    const { row, source } = exampleRow(COLUMNS, "churned", PROFILE);
    expect(source).toBe("profile");
    expect(row).toEqual({ customer_id: "C00042", tenure: 32, monthly: 48.26, plan: "pro", active: true, signup: "2024-06-30T00:00:00.000Z" });
    expect(validator.parse(row).rows).toEqual([row]);
  });

  it("falls back to the contract: the middle of a range, the first enum value", () => {
    const { row, source } = exampleRow(COLUMNS, "churned");
    expect(source).toBe("contract");
    expect(row).toEqual({ customer_id: "example", tenure: 60, monthly: 5000, plan: "basic", active: false, signup: "2024-01-01T00:00:00Z" });
    expect(validator.parse(row).rows).toEqual([row]);
  });

  it("property: whatever the contract's ranges and the profile's means, the example is a valid request", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }),
        (low, span, mean) => {
          const columns: RequestColumn[] = [
            { name: "n", type: { kind: "int" }, nullable: false, range: { min: low, max: low + span } },
            { name: "x", type: { kind: "float" }, nullable: false, range: { min: low, max: low + span } },
          ];
          const profile: DatasetProfile = { format: "mlspec-profile-v1", rows: 1, part: null, columns: [column("n", "int", { mean }), column("x", "float", { mean })] };
          const v = new RequestValidator({ columns, required: ["n", "x"] });
          for (const p of [profile, undefined]) {
            const { row } = exampleRow(columns, undefined, p);
            expect(v.parse(row).rows).toEqual([row]);
          }
        },
      ),
      { numRuns: 50 }, // each run compiles a validator
    );
  });
});

describe("the example of a running serve", () => {
  let project: TestProject | undefined;
  afterEach(() => project?.cleanup());

  it("comes from the newest training profile stored in the workspace", async () => {
    project = makeProject(churnSpecText());
    project.register("churn_mlp", churnModel({ seed: 1 }).bytes);
    const churnProfile: DatasetProfile = {
      ...PROFILE,
      columns: [
        PROFILE.columns[0]!,
        PROFILE.columns[1]!,
        PROFILE.columns[2]!,
        PROFILE.columns[3]!,
        column("region", "enum", { histogram: { kind: "categorical", values: ["north", "south", "east", "west"], counts: [1, 5, 2, 2], otherCount: 0 } }),
        column("support_calls", "int", { mean: 2.4 }),
      ],
    };
    project.workspace.artifacts.putJson({ ...churnProfile, part: null }, { kind: "profile", dataset: "customers" });
    project.workspace.artifacts.putJson(churnProfile, { kind: "profile", dataset: "customers", part: "train" });
    project.workspace.artifacts.putJson({ ...churnProfile, columns: [] }, { kind: "profile", dataset: "elsewhere", part: "train" });
    expect(findDatasetProfile(project.workspace, "customers")?.part).toBe("train");
    expect(findDatasetProfile(project.workspace, "nothing")).toBeUndefined();
    const serving = await loadServing(project.specPath, { pollMs: 0, predictionLog: false });
    try {
      const described = serving.describe();
      expect(described.exampleSource).toBe("profile");
      expect(described.example).toEqual({ customer_id: "C00042", tenure: 32, monthly: 48.26, plan: "pro", region: "south", support_calls: 2 });
      expect((await serving.predict(described.example)).predictions).toHaveLength(1);
    } finally {
      await serving.close();
    }
  });
});

describe("the prediction log", () => {
  let project: TestProject | undefined;
  afterEach(() => project?.cleanup());

  for (const mainThread of [false, true]) {
    it(`writes every row in batches (${mainThread ? "main thread" : "writer thread"})`, async () => {
      project = makeProject(churnSpecText());
      const sink = await openPredictionSink(project.workspace, { mainThread, maxRows: 16, maxDelayMs: 10 });
      expect(sink.where).toBe(mainThread ? "main" : "thread");
      const rows = churnRows(3, 100);
      // one request of 10 rows, then one row per request
      sink.log({ requestId: "batch", time: 1_700_000_000_000, serve: "churn_api", model: "churn_mlp", version: 1, latencyMs: 2, inputs: rows.slice(0, 10), outputs: rows.slice(0, 10).map((_, i) => ({ score: i })) });
      rows.slice(10).forEach((row, k) => {
        const i = k + 10;
        sink.log({ requestId: `r${i}`, time: 1_700_000_000_000 + i, serve: "churn_api", model: "churn_mlp", version: 1, inputs: [row], outputs: [{ score: i }], latencyMs: 0.5 });
      });
      expect(await sink.close()).toBe(0);
      const logged = project.workspace.registry.readPredictions({ serve: "churn_api" });
      expect(logged.map((p) => p.requestId)).toEqual(rows.map((_, i) => (i < 10 ? "batch" : `r${i}`)));
      expect(logged[7]).toMatchObject({ inputs: rows[7], output: { score: 7 }, model: "churn_mlp", version: 1, time: 1_700_000_000_000, latencyMs: 2 });
      expect(logged[17]).toMatchObject({ inputs: rows[17], output: { score: 17 }, time: 1_700_000_000_017, latencyMs: 0.5 });
    });
  }
});
