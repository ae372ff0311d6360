/**
 * Training progress (runtime/run/reporter.ts): on a terminal one line per model rewritten
 * each epoch with the watched metric and an ETA; off a terminal the first epoch, every 10%
 * and the last one run; every epoch with --verbose. The clock is injected.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { duration, Reporter } from "../../runtime/run/reporter.js";

function capture(opts: { tty: boolean; verbose?: boolean }) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (b: Buffer) => (text += b.toString()));
  let now = 0;
  const reporter = new Reporter({ ...opts, out, clock: () => now });
  return { reporter, text: () => text, tick: (ms: number) => (now += ms) };
}

/** Epochs 1..last of a model, each taking 2 s. */
function train(c: ReturnType<typeof capture>, epochs: number, last = epochs): void {
  for (let e = 1; e <= last; e++) {
    c.tick(2000);
    c.reporter.epoch("m", e, epochs, 1 / e, { loss: 1 / e, auc: 0.5 + e / 1000 }, "val.auc");
  }
  c.reporter.step("train:m", `${last} epochs`);
}

const epochLines = (text: string) => text.split("\n").filter((l) => l.includes(" epoch ")).map((l) => Number(/epoch (\d+)\//.exec(l)![1]));

describe("progress off a terminal", () => {
  it("the first epoch, every 10% of the epochs and the last", () => {
    const c = capture({ tty: false });
    train(c, 40);
    expect(epochLines(c.text())).toEqual([1, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    expect(c.text()).toContain("  m epoch 40/40  loss 0.0250  val.loss 0.0250  val.auc 0.5400\ntrain:m");
  });

  it("the last epoch run when early stopping ends training between two 10% marks", () => {
    const c = capture({ tty: false });
    train(c, 40, 13);
    expect(epochLines(c.text())).toEqual([1, 4, 8, 12, 13]);
    // the held-back line comes before the step line that follows it
    expect(c.text()).toMatch(/epoch 13\/40 .*\ntrain:m +13 epochs\n$/);
  });

  it("fewer than ten epochs: every one", () => {
    const c = capture({ tty: false });
    train(c, 5);
    expect(epochLines(c.text())).toEqual([1, 2, 3, 4, 5]);
  });

  it("--verbose: every epoch", () => {
    const c = capture({ tty: false, verbose: true });
    train(c, 40, 25);
    expect(epochLines(c.text())).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});

describe("progress on a terminal", () => {
  it("one line per model, rewritten, with the watched metric and an ETA from the epochs so far", () => {
    const c = capture({ tty: true });
    train(c, 40, 10);
    const frames = c.text().split("\r").filter((f) => f.includes("epoch"));
    expect(frames).toHaveLength(10);
    expect(frames[0]).not.toContain("ETA");
    // 2 s an epoch, 30 epochs left: 60 s
    expect(frames[9]).toContain("epoch 10/40  loss 0.1000  val.auc 0.5100  ETA 1m 00s");
    expect(frames[9]).not.toContain("val.loss");
    expect(c.text()).toMatch(/\x1b\[K\ntrain:m/);
  });
});

describe("duration", () => {
  it("seconds, minutes and hours", () => {
    expect([duration(0), duration(12_400), duration(185_000), duration(7_260_000)]).toEqual(["0s", "12s", "3m 05s", "2h 01m"]);
  });
});
