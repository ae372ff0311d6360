import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PredictionInput } from "../../runtime/workspace/registry.js";
import { type Workspace, openWorkspace } from "../../runtime/workspace/workspace.js";

const START = Date.UTC(2025, 5, 1);
let now = START;
const clock = () => now;

let dir: string;
let ws: Workspace;
beforeEach(() => {
  now = START;
  dir = mkdtempSync(join(tmpdir(), "mlspec-predictions-"));
  ws = openWorkspace(dir, { clock });
});
afterEach(() => {
  vi.useRealTimers();
  ws.close();
  rmSync(dir, { recursive: true, force: true });
});

function prediction(i: number, overrides: Partial<PredictionInput> = {}): PredictionInput {
  return {
    requestId: `req-${i}`,
    serve: "churn_api",
    model: "churn_mlp",
    version: 1,
    inputs: { tenure: i, plan: "pro" },
    output: { p: i / 100 },
    latencyMs: 1.5,
    ...overrides,
  };
}

function stored(): number {
  return (ws.registry.db.prepare("SELECT COUNT(*) AS n FROM predictions").get() as { n: number }).n;
}

describe("PredictionLogWriter", () => {
  it("writes a batch once maxRows rows are buffered", () => {
    const log = ws.registry.predictionLog({ maxRows: 3, maxDelayMs: 60_000 });
    log.log(prediction(1));
    log.log(prediction(2));
    expect(stored()).toBe(0);
    expect(log.pending).toBe(2);
    log.log(prediction(3));
    expect(stored()).toBe(3);
    expect(log.pending).toBe(0);
    log.log(prediction(4));
    expect(stored()).toBe(3);
    log.close();
  });

  it("writes what is buffered after maxDelayMs", () => {
    vi.useFakeTimers();
    const log = ws.registry.predictionLog({ maxRows: 100, maxDelayMs: 50 });
    log.log(prediction(1));
    log.log(prediction(2));
    vi.advanceTimersByTime(49);
    expect(stored()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(stored()).toBe(2);
    // the next row starts a new delay
    log.log(prediction(3));
    vi.advanceTimersByTime(50);
    expect(stored()).toBe(3);
    log.close();
  });

  it("flushes on flush(), on close(), and on workspace close", () => {
    const log = ws.registry.predictionLog({ maxRows: 100, maxDelayMs: 60_000 });
    log.log(prediction(1));
    expect(log.flush()).toBe(1);
    expect(log.flush()).toBe(0);
    log.log(prediction(2));
    log.close();
    expect(stored()).toBe(2);
    expect(() => log.log(prediction(3))).toThrow(/closed/);
    log.close(); // idempotent

    const other = ws.registry.predictionLog({ maxRows: 100, maxDelayMs: 60_000 });
    other.log(prediction(4));
    ws.close();
    ws = openWorkspace(dir, { clock });
    expect(stored()).toBe(3);
  });

  it("keeps rows buffered when a flush fails, and retries", () => {
    const log = ws.registry.predictionLog({ maxRows: 100, maxDelayMs: 60_000 });
    log.log(prediction(1));
    // hold the write lock from a second connection so the flush cannot commit
    const other = openWorkspace(dir, { clock, busyTimeoutMs: 1 });
    other.registry.db.exec("BEGIN IMMEDIATE");
    const blocked = openWorkspace(dir, { clock, busyTimeoutMs: 1 });
    const blockedLog = blocked.registry.predictionLog({ maxRows: 100 });
    blockedLog.log(prediction(2));
    expect(() => blockedLog.flush()).toThrow(/locked|busy/i);
    expect(blockedLog.pending).toBe(1);
    other.registry.db.exec("ROLLBACK");
    other.close();
    expect(blockedLog.flush()).toBe(1);
    blocked.close();
    log.close();
    expect(stored()).toBe(2);
  });

  it("reports background flush failures through onError", () => {
    vi.useFakeTimers();
    const errors: Error[] = [];
    const holder = openWorkspace(dir, { clock, busyTimeoutMs: 1 });
    const writer = openWorkspace(dir, { clock, busyTimeoutMs: 1 });
    const log = writer.registry.predictionLog({ maxRows: 100, maxDelayMs: 10, onError: (e) => errors.push(e) });
    holder.registry.db.exec("BEGIN IMMEDIATE");
    log.log(prediction(1));
    vi.advanceTimersByTime(10);
    expect(errors).toHaveLength(1);
    expect(log.pending).toBe(1);
    holder.registry.db.exec("ROLLBACK");
    vi.advanceTimersByTime(10); // retried on the next tick of the delay
    expect(log.pending).toBe(0);
    holder.close();
    writer.close();
    expect(stored()).toBe(1);
  });

  it("validates rows when they are logged", () => {
    const log = ws.registry.predictionLog();
    expect(() => log.log(prediction(1, { requestId: "" }))).toThrow(/requestId must be a non-empty string/);
    expect(() => log.log(prediction(1, { version: 1.5 }))).toThrow(/version must be an integer/);
    expect(() => log.log(prediction(1, { latencyMs: -1 }))).toThrow(/latencyMs/);
    expect(() => ws.registry.predictionLog({ maxRows: 0 })).toThrow(/maxRows must be a positive integer/);
    expect(log.pending).toBe(0);
  });
});

describe("readPredictions", () => {
  it("filters by serve and time window, in time order, with a limit", () => {
    const log = ws.registry.predictionLog({ maxRows: 1000 });
    log.log(prediction(1, { time: START + 30 }));
    log.log(prediction(2, { time: START + 10 }));
    log.log(prediction(3, { time: START + 20, serve: "other_api" }));
    now = START + 40;
    log.log(prediction(4)); // time from the clock
    const snapshot = { tenure: 5 };
    log.log(prediction(5, { time: START + 50, inputs: snapshot }));
    snapshot.tenure = 999; // logged values do not follow later mutation
    log.flush();

    const all = ws.registry.readPredictions({ serve: "churn_api" });
    expect(all.map((p) => [p.requestId, p.time])).toEqual([
      ["req-2", START + 10],
      ["req-1", START + 30],
      ["req-4", START + 40],
      ["req-5", START + 50],
    ]);
    expect(all[0]).toMatchObject({
      serve: "churn_api",
      model: "churn_mlp",
      version: 1,
      inputs: { tenure: 2, plan: "pro" },
      output: { p: 0.02 },
      latencyMs: 1.5,
    });
    expect(all[3]!.inputs).toEqual({ tenure: 5 });
    const window = ws.registry.readPredictions({ serve: "churn_api", since: START + 30, until: START + 50 });
    expect(window.map((p) => p.requestId)).toEqual(["req-1", "req-4"]);
    expect(ws.registry.readPredictions({ limit: 2 }).map((p) => p.requestId)).toEqual(["req-2", "req-3"]);
    const lastSeen = Math.max(...all.slice(0, 2).map((p) => p.id));
    expect(ws.registry.readPredictions({ afterId: lastSeen }).length).toBeGreaterThan(0);
    log.close();
  });
});
