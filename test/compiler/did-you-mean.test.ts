/**
 * Did-you-mean (text/did-you-mean.ts): the closest name within a typo's
 * distance, and help lines that name at most three candidates, however many
 * there are (issue 9 item 7: each help line listed every earlier feature).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, MAX_LISTED, suggest } from "../../text/did-you-mean.js";
import { DATA, only } from "./rules/harness.js";

const named = (help: string) => [...help.matchAll(/`[^`]+`/g)].map((m) => m[0].slice(1, -1));

describe("suggest", () => {
  it("finds a typo, a swap and an abbreviation; nothing far off", () => {
    expect(suggest("lable", ["label", "source"])).toBe("label");
    expect(suggest("cvs", ["csv", "jsonl", "parquet"])).toBe("csv");
    expect(suggest("delim", ["delimiter", "header"])).toBe("delimiter");
    expect(suggest("zzzz", ["label", "source"])).toBeUndefined();
  });

  it("finds the same name among 20,000 candidates as among a few", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `feature_${i}`);
    expect(suggest("feature_4242x", many)).toBe("feature_4242");
    expect(suggest("faeture_77", many)).toBe("feature_77");
    expect(suggest("zzzz", many)).toBeUndefined();
  });

  it("names at most 3 candidates in a help line, the closest first", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z_]{1,8}$/), { maxLength: 400 }), fc.stringMatching(/^[a-z]{1,8}$/), (candidates, name) => {
        const help = didYouMean(name, candidates, "its columns are {list}");
        const listed = named(help);
        expect(listed.length).toBeLessThanOrEqual(MAX_LISTED);
        for (const n of listed) expect(candidates).toContain(n);
        if (help.startsWith("its columns are") && candidates.length > MAX_LISTED && candidates.length <= 256) {
          // the closest of all: none left out is nearer than one listed
          const worst = Math.max(...listed.map((n) => editDistance(name, n)));
          for (const c of candidates) if (!listed.includes(c)) expect(editDistance(name, c)).toBeGreaterThanOrEqual(worst);
          expect(help).toContain(` and ${candidates.length - MAX_LISTED} more`);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("an unknown column among 50 names 3 of them", () => {
    const columns = Array.from({ length: 50 }, (_, i) => `    c${i} : int`).join("\n");
    const d = only(DATA.replace("    churned     : bool\n", `    churned     : bool\n${columns}\n`).replace("label  = churned", "label  = qqqqqqqq"));
    expect(d.code).toBe("E0210");
    expect(named(d.help!)).toHaveLength(3);
    expect(d.help).toMatch(/^its columns are .* and 52 more$/);
  });
});
