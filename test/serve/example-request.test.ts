import fc from "fast-check";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateDataset } from "../../runtime/data/contract.js";
import { loadColumns } from "../../runtime/data/load.js";
import { profileDataset, type ColumnProfile, type DatasetProfile } from "../../runtime/data/profile.js";
import { exampleRow, findDatasetProfile, histogramMedian, STRING_PLACEHOLDER } from "../../runtime/serve/example-request.js";
import { planForServing } from "../../runtime/serve/serve-plan.js";
import { loadServing } from "../../runtime/serve/load-serving.js";
import { openPredictionSink } from "../../runtime/serve/prediction-log.js";
import { columnsFromContract, RequestValidator, type RequestColumn } from "../../runtime/serve/request-schema.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

const COLUMNS: RequestColumn[] = [
  { name: "customer_id", type: { kind: "string" }, nullable: false, unique: true },
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
    column("tenure", "int", { mean: 31.6, min: 0, max: 120, histogram: { kind: "numeric", edges: [0, 60, 120], counts: [70, 30] } }),
    column("monthly", "float", { mean: 48.257, min: 0.00089, max: 100, histogram: { kind: "numeric", edges: [0.00089, 50.000445, 100], counts: [30, 70] } }),
    column("plan", "enum", { histogram: { kind: "categorical", values: ["basic", "pro", "enterprise"], counts: [20, 70, 10], otherCount: 0 } }),
    column("active", "bool", { mean: 0.8, histogram: { kind: "categorical", values: ["false", "true"], counts: [20, 80], otherCount: 0 } }),
    column("signup", "timestamp", {
      min: "2020-01-01T00:00:00.000Z",
      max: "2024-06-30T00:00:00.000Z",
      histogram: { kind: "numeric", edges: [Date.parse("2020-01-01T00:00:00.000Z"), Date.parse("2024-06-30T00:00:00.000Z")], counts: [100] },
    }),
  ],
};

describe("exampleRow", () => {
  const validator = new RequestValidator({ dataset: "customers", columns: COLUMNS, required: ["tenure", "monthly", "plan", "active"], target: "churned" });

  it("takes typical values from the training profile: medians at full precision, most frequent categories; no value from a row", () => {
    const { row, source } = exampleRow(COLUMNS, "churned", PROFILE);
    expect(source).toBe("profile");
    // tenure: 50 of 100 rows lie below 0 + 50/70 of the first bin (60 wide) = 42.857…, an integer column: 43
    // monthly: 20 of the 70 rows of the second bin = 50.000445 + (20/70) · 49.999555, not rounded
    // signup: the middle instant, not the newest row's
    expect(row).toEqual({
      customer_id: STRING_PLACEHOLDER,
      tenure: 43,
      monthly: 50.000445 + (20 / 70) * 49.999555,
      plan: "pro",
      active: true,
      signup: new Date((Date.parse("2020-01-01T00:00:00.000Z") + Date.parse("2024-06-30T00:00:00.000Z")) / 2).toISOString(),
    });
    expect(validator.parse(row).rows).toEqual([row]);
  });

  it("never gives a number outside the training range, nor a string column's value", () => {
    // the case of the issue: most rows near the minimum 0.00089, which rounding to two decimals made 0
    const monthly = column("monthly", "float", { mean: 0.004, min: 0.00089, max: 0.1, histogram: { kind: "numeric", edges: [0.00089, 0.05, 0.1], counts: [99, 1] } });
    const ids = column("customer_id", "string", { histogram: { kind: "categorical", values: ["C00001"], counts: [5], otherCount: 0 } });
    const columns: RequestColumn[] = [
      { name: "monthly", type: { kind: "float" }, nullable: false },
      { name: "customer_id", type: { kind: "string" }, nullable: false },
    ];
    const { row } = exampleRow(columns, undefined, { format: "mlspec-profile-v1", rows: 100, part: "train", columns: [monthly, ids] });
    expect(row.monthly).toBeGreaterThanOrEqual(0.00089);
    expect(row.monthly).toBeLessThanOrEqual(0.1);
    expect(row.monthly).toBe(histogramMedian(monthly));
    expect(row.customer_id).toBe(STRING_PLACEHOLDER); // not C00001, even though every row holds it
  });

  it("takes the profile's exact median where it has one, the histogram's only for older profiles", () => {
    // skewed: the histogram's interpolated median (about 0.025) is far from the data's 0.0012
    const monthly = column("monthly", "float", { min: 0.00089, max: 0.1, median: 0.0012, histogram: { kind: "numeric", edges: [0.00089, 0.05, 0.1], counts: [99, 1] } });
    const signup = column("signup", "timestamp", { min: "2020-01-01T00:00:00.000Z", max: "2024-06-30T00:00:00.000Z", median: "2020-02-03T04:05:06.789Z", histogram: { kind: "numeric", edges: [Date.parse("2020-01-01T00:00:00.000Z"), Date.parse("2024-06-30T00:00:00.000Z")], counts: [10] } });
    const columns: RequestColumn[] = [
      { name: "monthly", type: { kind: "float" }, nullable: false },
      { name: "signup", type: { kind: "timestamp" }, nullable: false },
    ];
    const { row } = exampleRow(columns, undefined, { format: "mlspec-profile-v1", rows: 100, part: "train", columns: [monthly, signup] });
    expect(row).toEqual({ monthly: 0.0012, signup: "2020-02-03T04:05:06.789Z" });
  });

  it("a unique number column (an id) takes the contract's value, not the data's median", () => {
    const id = column("id", "int", { min: 1, max: 999, histogram: { kind: "numeric", edges: [1, 999], counts: [999] } });
    const columns: RequestColumn[] = [{ name: "id", type: { kind: "int" }, nullable: false, range: { min: 0, max: 10 }, unique: true }];
    expect(exampleRow(columns, undefined, { format: "mlspec-profile-v1", rows: 999, part: null, columns: [id] }).row).toEqual({ id: 5 });
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
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (low, span, mean, counts, width) => {
          const columns: RequestColumn[] = [
            { name: "n", type: { kind: "int" }, nullable: false, range: { min: low, max: low + span } },
            { name: "x", type: { kind: "float" }, nullable: false, range: { min: low, max: low + span } },
          ];
          // a histogram over the training data's own [min, max], which may lie partly outside the contract's range
          const start = mean ?? 0;
          const edges = Array.from({ length: counts.length + 1 }, (_, i) => start + (i * width) / counts.length);
          const histogram = { kind: "numeric" as const, edges, counts };
          const fields = { mean, min: edges[0]!, max: edges[edges.length - 1]!, histogram };
          const profile: DatasetProfile = { format: "mlspec-profile-v1", rows: 1, part: null, columns: [column("n", "int", fields), column("x", "float", fields)] };
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

describe("the example of every serve block in examples/", () => {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "../../examples");
  const specs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith(".mlspec")).map((f) => join(root, d.name, f)));

  it("finds the examples", () => {
    expect(specs.length).toBeGreaterThanOrEqual(4);
  });

  for (const specPath of specs) {
    it(`${specPath.slice(root.length + 1)}: typical, inside the training range, no value copied from a row, and valid`, async () => {
      const plan = planForServing(specPath);
      const quarantine = mkdtempSync(join(tmpdir(), "mlspec-example-"));
      try {
        for (const serve of plan.serves) {
          const validate = plan.steps.find((s) => s.kind === "validate" && s.id === `validate:${serve.dataset}`);
          if (!validate || validate.kind !== "validate") continue;
          const { contract, source } = validate.params;
          const data = await validateDataset({ ...source, path: resolve(dirname(specPath), source.path) }, contract, { quarantinePath: join(quarantine, "q.jsonl") });
          try {
            const profile = await profileDataset(data);
            const train = plan.steps.find((s) => s.kind === "train" && s.id === `train:${serve.model.model}`);
            const target = train?.kind === "train" ? train.params.task.target : undefined;
            const columns = columnsFromContract(contract.columns);
            const { row, source: from } = exampleRow(columns, target, profile);
            expect(from).toBe("profile");
            // the server's own validation, every column required
            const required = columns.filter((c) => c.name !== target).map((c) => c.name);
            const validator = new RequestValidator({ dataset: serve.dataset!, columns, required, ...(target ? { target } : {}) });
            expect(validator.parse(row).rows, serve.name).toEqual([row]);
            const values = await loadColumns(data);
            for (const c of columns) {
              if (c.name === target) continue;
              const value = row[c.name];
              const p = profile.columns.find((x) => x.name === c.name)!;
              const seen = (values[c.name] ?? []) as unknown[];
              if (c.type.kind === "int" || c.type.kind === "float") {
                expect(value, c.name).toBeGreaterThanOrEqual(p.min as number);
                expect(value, c.name).toBeLessThanOrEqual(p.max as number);
                if (c.type.kind === "int") expect(Number.isInteger(value), c.name).toBe(true);
                if (c.unique) expect(seen.includes(value), `${c.name} is unique: no row's value`).toBe(false);
              }
              if (c.type.kind === "string") {
                expect(value, c.name).toBe(STRING_PLACEHOLDER);
                expect(seen.includes(value), `${c.name}: no row's value`).toBe(false);
              }
              if (c.type.kind === "enum" || c.type.kind === "bool") {
                // the mode
                const counts = new Map<unknown, number>();
                for (const v of seen) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
                const top = Math.max(...counts.values());
                expect(counts.get(value), c.name).toBe(top);
              }
            }
          } finally {
            data.session.close();
          }
        }
      } finally {
        rmSync(quarantine, { recursive: true, force: true });
      }
    });
  }
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
        column("support_calls", "int", { mean: 2.4, histogram: { kind: "numeric", edges: [0, 4], counts: [10] } }),
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
      expect(described.example).toEqual({ customer_id: STRING_PLACEHOLDER, tenure: 43, monthly: 50.000445 + (20 / 70) * 49.999555, plan: "pro", region: "south", support_calls: 2 });
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
