/**
 * The WeightedRouter alone, with a seeded Rng: shares within binomial bounds
 * of the weights, sticky keys that never move (and stay on an arm whose weight
 * grows), the arm header only where the serve block allows it, shadow sampling.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../core/rng.js";
import { fmix32 } from "../../core/fmix32.js";
import { fnv1a32, keyValue, stickyPoint, WeightedRouter } from "../../runtime/serve/router.js";

const noHeaders = {};

describe("WeightedRouter", () => {
  it("without a rollout, every request goes to current", () => {
    const router = new WeightedRouter({ random: () => 0.99 });
    expect(router.assign({ body: {}, headers: noHeaders })).toEqual({ arm: "current", sticky: false });
    expect(router.rollout).toBeNull();
    expect(router.weights).toEqual({ current: 1 });
    expect(router.shadowFor("current")).toBeNull();
  });

  it("property: random shares lie within 4σ of the weights", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (seed, w) => {
        const rng = new Rng(seed);
        const router = new WeightedRouter({ random: () => rng.next() });
        router.setWeights("r", { current: 1 - w, candidate: w });
        const n = 2000;
        let hits = 0;
        for (let i = 0; i < n; i++) if (router.assign({ body: {}, headers: noHeaders }).arm === "candidate") hits++;
        expect(Math.abs(hits - n * w)).toBeLessThanOrEqual(4 * Math.sqrt(n * w * (1 - w)));
      }),
      { numRuns: 50 },
    );
  });

  it("property: sticky keys spread by weight, never move, and stay on an arm whose weight grows", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.45, noNaN: true }), fc.string({ minLength: 1, maxLength: 8 }), (w, grow, rollout) => {
        const router = new WeightedRouter({ random: () => 0.5 });
        router.setWeights(rollout, { current: 1 - w, candidate: w }, { stickyBy: "customer_id" });
        const keys = Array.from({ length: 1000 }, (_, i) => `C${i}`);
        const first = keys.map((k) => router.assign({ body: { customer_id: k }, headers: noHeaders }));
        expect(first.every((a) => a.sticky)).toBe(true);
        const again = keys.map((k) => router.assign({ body: { instances: [{ customer_id: k }] }, headers: noHeaders }).arm);
        expect(again).toEqual(first.map((a) => a.arm));
        const share = first.filter((a) => a.arm === "candidate").length / keys.length;
        expect(Math.abs(share - w)).toBeLessThanOrEqual(4 * Math.sqrt((w * (1 - w)) / keys.length) + 1e-9);
        router.setWeights(rollout, { current: 1 - w - grow, candidate: w + grow }, { stickyBy: "customer_id" });
        keys.forEach((k, i) => {
          if (first[i]!.arm === "candidate") expect(router.assign({ body: { customer_id: k }, headers: noHeaders }).arm).toBe("candidate");
        });
      }),
      { numRuns: 40 },
    );
  });

  it("the sticky hash is fmix32(FNV-1a(rollout NUL value)): fixed numbers, the same in every process", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    expect(fmix32(0)).toBe(0);
    expect(stickyPoint("r", "C1")).toBe(fmix32(fnv1a32("r\u0000C1")) / 2 ** 32);
    fc.assert(fc.property(fc.string(), fc.string(), (r, v) => stickyPoint(r, v) >= 0 && stickyPoint(r, v) < 1));
  });

  it("a sticky rollout's request without the key is assigned at random and counted apart", () => {
    const unkeyed: string[] = [];
    const router = new WeightedRouter({ random: () => 0.9, onUnkeyed: (r) => unkeyed.push(r) });
    router.setWeights("r", { current: 0.5, candidate: 0.5 }, { stickyBy: "customer_id" });
    expect(router.assign({ body: { tenure: 3 }, headers: noHeaders })).toEqual({ arm: "current", sticky: false });
    expect(router.assign({ body: { customer_id: null }, headers: noHeaders }).sticky).toBe(false);
    expect(router.unkeyed).toBe(2);
    expect(unkeyed).toEqual(["r", "r"]);
    expect(keyValue({ customer_id: 17 }, "customer_id")).toBe("17");
    expect(keyValue("text", "customer_id")).toBeUndefined();
  });

  it("x-mlspec-arm pins an arm only where the serve block allows it and the rollout does not forbid it", () => {
    const pin = { body: {}, headers: { "x-mlspec-arm": "candidate" } };
    const off = new WeightedRouter({ random: () => 0.99 });
    off.setWeights("r", { current: 1, candidate: 0 }, { allowArmHeader: true });
    expect(off.assign(pin).arm).toBe("current");
    const on = new WeightedRouter({ random: () => 0.99, allowArmHeader: true });
    expect(on.assign(pin)).toEqual({ arm: "candidate", sticky: false });
    on.setWeights("r", { current: 1, candidate: 0 }, { allowArmHeader: false });
    expect(on.assign(pin).arm).toBe("current");
  });

  it("zero-weight arms get nothing; bad weights are refused", () => {
    const rng = new Rng(3);
    const router = new WeightedRouter({ random: () => rng.next() });
    router.setWeights("r", { "arm:m@1": 0, current: 1, "arm:m@2": 0 });
    for (let i = 0; i < 200; i++) expect(router.assign({ body: {}, headers: noHeaders }).arm).toBe("current");
    expect(() => router.setWeights("r", { current: 0 })).toThrow(RangeError);
    expect(() => router.setWeights("r", { current: -1, candidate: 2 })).toThrow(/finite number/);
    expect(() => router.setWeights("r", { current: 1 }, { shadow: { slot: "shadow", sample: 2 } })).toThrow(/sample/);
    router.setWeights("r", { current: 3, candidate: 1 });
    expect(router.weights).toEqual({ candidate: 0.25, current: 0.75 });
    router.clear();
    expect(router.weights).toEqual({ current: 1 });
  });

  it("shadow copies are sampled at the given rate, never to the arm that answered", () => {
    const rng = new Rng(9);
    const router = new WeightedRouter({ random: () => rng.next() });
    router.setWeights("r", { current: 1 }, { shadow: { slot: "shadow", sample: 0.3 } });
    let copies = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) if (router.shadowFor("current") === "shadow") copies++;
    expect(Math.abs(copies - n * 0.3)).toBeLessThanOrEqual(4 * Math.sqrt(n * 0.3 * 0.7));
    expect(router.shadowFor("shadow")).toBeNull();
  });
});
