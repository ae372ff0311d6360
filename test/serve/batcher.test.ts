/**
 * The batcher on a fake clock: vitest's fake timers stand in for setTimeout
 * and performance.now(), so waits, deadlines and overlaps are tested exactly,
 * whatever the machine's speed.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AdaptiveBatcher, DirectRunner } from "../../runtime/serve/batcher.js";
import { DeadlineError, ModelClosedError } from "../../runtime/serve/errors.js";

/** A model that doubles numbers, answering after `delayMs` of (fake) time, recording each batch it ran. */
function doubler(delayMs = 0) {
  const batches: number[][] = [];
  /** How many runs were under way when each batch started (itself included). */
  const overlap: number[] = [];
  /** Fake time at which each batch started. */
  const startedAt: number[] = [];
  let running = 0;
  const run = async (rows: readonly number[]) => {
    batches.push([...rows]);
    startedAt.push(performance.now());
    overlap.push(++running);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    return rows.map((r) => r * 2);
  };
  return { batches, overlap, startedAt, run };
}

/** Move the fake clock on by `ms`, running the timers and promise callbacks due meanwhile. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Run every timer until none is left. */
const settle = () => vi.runAllTimersAsync();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("AdaptiveBatcher", () => {
  it("runs a request at once when idle, and merges those that arrive while it runs", async () => {
    const model = doubler(20);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 8, maxWaitMs: 1, maxInFlight: 1 }, "m");
    const first = batcher.submit([1]);
    expect(model.batches).toEqual([[1]]); // no waiting for company
    const rest = Promise.all([batcher.submit([2]), batcher.submit([3, 4]), batcher.submit([5])]);
    expect(batcher.queuedRows).toBe(4);
    await advance(19);
    expect(model.batches).toEqual([[1]]); // the first run takes 20 ms
    await advance(1);
    expect(await first).toEqual([2]);
    expect(model.batches).toEqual([[1], [2, 3, 4, 5]]); // one run as soon as the slot is free
    expect(model.startedAt).toEqual([0, 20].map((t) => t + model.startedAt[0]!));
    await settle();
    expect(await rest).toEqual([[4], [6, 8], [10]]);
  });

  it("never runs more than maxBatch rows, and cuts a larger request into chunks", async () => {
    const model = doubler(5);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 3, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const big = batcher.submit([1, 2, 3, 4, 5, 6, 7]);
    const small = batcher.submit([8, 9]);
    await settle();
    expect(await big).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(await small).toEqual([16, 18]);
    expect(model.batches).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  });

  it("with two run slots, holds a partial batch exactly maxWait while the other slot runs", async () => {
    const model = doubler(200);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 100, maxWaitMs: 30, maxInFlight: 2 }, "m");
    const t0 = performance.now();
    const first = batcher.submit([1]); // idle: runs at once
    const second = batcher.submit([2]);
    await advance(5);
    expect(model.batches).toEqual([[1]]); // waiting for company
    const third = batcher.submit([3]);
    await advance(24);
    expect(model.batches).toEqual([[1]]); // 29 ms: still waiting
    await advance(1);
    // it left at max_wait (30 ms), while the first run (200 ms) was still under way
    expect(model.batches).toEqual([[1], [2, 3]]);
    expect(model.startedAt.map((t) => t - t0)).toEqual([0, 30]);
    expect(model.overlap).toEqual([1, 2]);
    await settle();
    expect(await Promise.all([first, second, third])).toEqual([[2], [4], [6]]);
    await batcher.close();
  });

  it("leaves at once, without waiting maxWait, when maxBatch rows are queued", async () => {
    const model = doubler(200);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 2, maxWaitMs: 30, maxInFlight: 2 }, "m");
    void batcher.submit([1]);
    void batcher.submit([2]);
    expect(model.batches).toEqual([[1]]);
    void batcher.submit([3]);
    expect(model.batches).toEqual([[1], [2, 3]]);
    await settle();
    await batcher.close();
  });

  it("fails a request whose deadline passed while it queued, without running it", async () => {
    const model = doubler(30);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 8, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const first = batcher.submit([1]);
    const late = expect(batcher.submit([2], performance.now() + 5)).rejects.toBeInstanceOf(DeadlineError);
    const inTime = batcher.submit([3], performance.now() + 10_000);
    await settle();
    await late;
    expect(await first).toEqual([2]);
    expect(await inTime).toEqual([6]);
    expect(model.batches).toEqual([[1], [3]]);
  });

  it("runs a request whose deadline is after its batch leaves", async () => {
    const model = doubler(30);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 8, maxWaitMs: 0, maxInFlight: 1 }, "m");
    void batcher.submit([1]);
    const justInTime = batcher.submit([2], performance.now() + 31); // the slot frees at 30 ms
    await settle();
    expect(await justInTime).toEqual([4]);
  });

  it("fails every request of a batch whose run fails, and keeps going", async () => {
    let calls = 0;
    const batcher = new AdaptiveBatcher(
      async (rows: readonly number[]) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (rows.includes(13)) throw new Error("unlucky");
        return rows.map((r) => -r);
      },
      { maxBatch: 8, maxWaitMs: 0, maxInFlight: 1 },
      "m",
    );
    const a = batcher.submit([1]);
    const b = expect(batcher.submit([13])).rejects.toThrow("unlucky");
    const c = expect(batcher.submit([2])).rejects.toThrow("unlucky"); // merged with 13
    await settle();
    expect(await a).toEqual([-1]);
    await b;
    await c;
    const d = batcher.submit([4]);
    await settle();
    expect(await d).toEqual([-4]);
    expect(calls).toBe(3);
  });

  it("close finishes what was accepted and refuses new rows", async () => {
    const model = doubler(10);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 2, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const accepted = Promise.all([batcher.submit([1]), batcher.submit([2]), batcher.submit([3])]);
    let closed = false;
    const closing = batcher.close().then(() => (closed = true));
    await expect(batcher.submit([4])).rejects.toBeInstanceOf(ModelClosedError);
    await advance(15);
    expect(closed).toBe(false); // the second run is under way
    await settle();
    await closing;
    expect(await accepted).toEqual([[2], [4], [6]]);
    expect(batcher.inFlight).toBe(0);
  });

  it("property: every request gets exactly its own answers, whatever the arrival pattern", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 9 }), gapMs: fc.constantFrom(0, 0, 0, 1, 2) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 3 }),
        async (requests, maxBatch, maxInFlight, runMs) => {
          const model = doubler(runMs);
          const batcher = new AdaptiveBatcher(model.run, { maxBatch, maxWaitMs: 1, maxInFlight }, "m");
          let next = 0;
          const pending: Array<Promise<[number[], number[]]>> = [];
          for (const r of requests) {
            const rows = Array.from({ length: r.size }, () => next++);
            pending.push(batcher.submit(rows).then((out) => [rows, out]));
            if (r.gapMs) await advance(r.gapMs);
          }
          await settle();
          for (const [rows, out] of await Promise.all(pending)) expect(out).toEqual(rows.map((x) => x * 2));
          expect(model.batches.every((b) => b.length <= maxBatch)).toBe(true);
          expect(Math.max(...model.overlap)).toBeLessThanOrEqual(maxInFlight);
          expect(model.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: next }, (_, i) => i));
          await batcher.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("DirectRunner", () => {
  it("runs each request alone, at once, and drains on close", async () => {
    const model = doubler(5);
    const runner = new DirectRunner(model.run, "m");
    const a = runner.submit([1, 2]);
    const b = runner.submit([3]);
    expect(runner.inFlight).toBe(2);
    expect(model.batches).toEqual([[1, 2], [3]]);
    const closed = runner.close();
    await expect(runner.submit([4])).rejects.toBeInstanceOf(ModelClosedError);
    await settle();
    await closed;
    expect(await a).toEqual([2, 4]);
    expect(await b).toEqual([6]);
  });

  it("refuses a request whose deadline has passed", async () => {
    const model = doubler(5);
    const runner = new DirectRunner(model.run, "m");
    const deadline = performance.now() + 10;
    await advance(10);
    await expect(runner.submit([1], deadline)).rejects.toBeInstanceOf(DeadlineError);
    expect(model.batches).toEqual([]);
  });
});
