/**
 * Specs of 20,000 declarations (issue 9 item 7): what the checker reports for
 * them, in shape (the time is bench/compile.ts's). Before the fix each help line
 * of the unknown columns listed every earlier feature.
 */
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import { MAX_LISTED } from "../../text/did-you-mean.js";
import { largeSpecs } from "../../bench/large-specs.js";

const N = 20_000;
const checked = (text: string) => checkProgram(programFromText(text)).diagnostics;
const named = (help = "") => [...help.matchAll(/`[^`]+`/g)].length;

describe("specs of 20,000 declarations", () => {
  it("unknown columns: one E0210 each, every help line naming at most 3 names", () => {
    const ds = checked(largeSpecs.unknownColumns!.text(N));
    const errors = ds.filter((d) => d.code === "E0210");
    expect(errors).toHaveLength(N);
    expect(ds.filter((d) => d.code !== "E0210").map((d) => d.code)).toEqual(["W0001"]);
    expect(Math.max(...errors.map((d) => named(d.help)))).toBeLessThanOrEqual(MAX_LISTED);
    expect(errors[0]!.help).toMatch(/ and \d+ more$/);
  });

  it("duplicates: one E0201 for each but the first, pointing at the first", () => {
    const ds = checked(largeSpecs.duplicates!.text(N));
    const errors = ds.filter((d) => d.code === "E0201");
    expect(errors).toHaveLength(N - 1);
    const first = ds[0]!.source.text.indexOf("features f ") + "features ".length;
    expect(new Set(errors.map((d) => d.labels?.[0]?.span.start))).toEqual(new Set([first]));
  });

  it("a chain of features: no error; closed into a cycle: exactly one E0701", () => {
    const text = largeSpecs.chain!.text(N);
    expect(checked(text).filter((d) => d.severity === "error")).toEqual([]);
    const cyclic = text.replace("x0 = standardize(tenure)", `x0 = clip(x${N - 1}, 0, 1)`);
    const ds = checked(cyclic).filter((d) => d.severity === "error");
    expect(ds.map((d) => d.code)).toEqual(["E0701"]);
    expect(ds[0]!.message.split(" → ")).toHaveLength(N + 1);
  });

  it("many blocks: one W0001 (unused) each, nothing else", () => {
    const ds = checked(largeSpecs.blocks!.text(N));
    expect(ds).toHaveLength(N);
    expect(new Set(ds.map((d) => d.code))).toEqual(new Set(["W0001"]));
  });
});
