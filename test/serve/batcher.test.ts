import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AdaptiveBatcher, DirectRunner } from "../../runtime/serve/batcher.js";
import { DeadlineError, ModelClosedError } from "../../runtime/serve/errors.js";

/** A model that doubles numbers, answering after `delayMs`, recording each batch it ran. */
function doubler(delayMs = 0) {
  const batches: number[][] = [];
  /** How many runs were under way when each batch started (itself included). */
  const overlap: number[] = [];
  let running = 0;
  const run = async (rows: readonly number[]) => {
    batches.push([...rows]);
    overlap.push(++running);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    return rows.map((r) => r * 2);
  };
  return { batches, overlap, run };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("AdaptiveBatcher", () => {
  it("runs a request at once when idle, and merges those that arrive while it runs", async () => {
    const model = doubler(20);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 8, maxWaitMs: 1, maxInFlight: 1 }, "m");
    const first = batcher.submit([1]);
    expect(model.batches).toEqual([[1]]); // no waiting for company
    const rest = [batcher.submit([2]), batcher.submit([3, 4]), batcher.submit([5])];
    expect(batcher.queuedRows).toBe(4);
    expect(await first).toEqual([2]);
    expect(await Promise.all(rest)).toEqual([[4], [6, 8], [10]]);
    expect(model.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("never runs more than maxBatch rows, and cuts a larger request into chunks", async () => {
    const model = doubler(5);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 3, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const big = batcher.submit([1, 2, 3, 4, 5, 6, 7]);
    const small = batcher.submit([8, 9]);
    expect(await big).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(await small).toEqual([16, 18]);
    expect(model.batches.every((b) => b.length <= 3)).toBe(true);
    expect(model.batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("with two run slots, holds a partial batch at most maxWait while the other slot runs", async () => {
    const model = doubler(200);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 100, maxWaitMs: 30, maxInFlight: 2 }, "m");
    void batcher.submit([1]); // idle: runs at once
    const second = batcher.submit([2]);
    await sleep(5);
    expect(model.batches).toEqual([[1]]); // waiting for company
    void batcher.submit([3]);
    await second;
    expect(model.batches[1]).toEqual([2, 3]);
    // it left after max_wait (30 ms), while the first run (200 ms) was still under way
    expect(model.overlap).toEqual([1, 2]);
    await batcher.close();
  });

  it("fails a request whose deadline passed while it queued, without running it", async () => {
    const model = doubler(30);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 8, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const first = batcher.submit([1]);
    const late = batcher.submit([2], performance.now() + 5);
    const inTime = batcher.submit([3], performance.now() + 10_000);
    await expect(late).rejects.toBeInstanceOf(DeadlineError);
    expect(await first).toEqual([2]);
    expect(await inTime).toEqual([6]);
    expect(model.batches).toEqual([[1], [3]]);
  });

  it("fails every request of a batch whose run fails, and keeps going", async () => {
    let calls = 0;
    const batcher = new AdaptiveBatcher(
      async (rows: readonly number[]) => {
        calls++;
        await sleep(5);
        if (rows.includes(13)) throw new Error("unlucky");
        return rows.map((r) => -r);
      },
      { maxBatch: 8, maxWaitMs: 0, maxInFlight: 1 },
      "m",
    );
    const a = batcher.submit([1]);
    const b = batcher.submit([13]);
    const c = batcher.submit([2]);
    expect(await a).toEqual([-1]);
    await expect(b).rejects.toThrow("unlucky");
    await expect(c).rejects.toThrow("unlucky"); // merged with 13
    expect(await batcher.submit([4])).toEqual([-4]);
    expect(calls).toBe(3);
  });

  it("close finishes what was accepted and refuses new rows", async () => {
    const model = doubler(10);
    const batcher = new AdaptiveBatcher(model.run, { maxBatch: 2, maxWaitMs: 0, maxInFlight: 1 }, "m");
    const accepted = [batcher.submit([1]), batcher.submit([2]), batcher.submit([3])];
    const closed = batcher.close();
    await expect(batcher.submit([4])).rejects.toBeInstanceOf(ModelClosedError);
    await closed;
    expect(await Promise.all(accepted)).toEqual([[2], [4], [6]]);
    expect(batcher.inFlight).toBe(0);
  });

  it("property: every request gets exactly its own answers, whatever the arrival pattern", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 9 }), gapMs: fc.constantFrom(0, 0, 0, 1, 2) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 2 }),
        async (requests, maxBatch, maxInFlight) => {
          const model = doubler(1);
          const batcher = new AdaptiveBatcher(model.run, { maxBatch, maxWaitMs: 1, maxInFlight }, "m");
          let next = 0;
          const pending: Array<Promise<[number[], number[]]>> = [];
          for (const r of requests) {
            const rows = Array.from({ length: r.size }, () => next++);
            pending.push(batcher.submit(rows).then((out) => [rows, out]));
            if (r.gapMs) await sleep(r.gapMs);
          }
          for (const [rows, out] of await Promise.all(pending)) expect(out).toEqual(rows.map((x) => x * 2));
          expect(model.batches.every((b) => b.length <= maxBatch)).toBe(true);
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
    await closed;
    expect(await a).toEqual([2, 4]);
    expect(await b).toEqual([6]);
  });
});
