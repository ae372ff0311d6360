/** Messages and the quarantine file show bounded excerpts of user data, never all of it. */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { clip, excerpt, EXCERPT_LIMIT, QUARANTINE_TEXT_LIMIT } from "../../runtime/data/excerpt.js";
import type { DatasetContract } from "../../compiler/plan/schema.js";
import { column, readQuarantine, tempDir, validatedCsv } from "./fixtures.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("excerpt", () => {
  it("escapes control characters and cuts at the limit with …", () => {
    expect(excerpt("a\nb\tc\u0000d")).toBe("a\\nb\\tc\\u0000d");
    expect(excerpt("x".repeat(200))).toBe(`${"x".repeat(EXCERPT_LIMIT)}…`);
    expect(clip("ab😀", 3)).toBe("ab…");
  });

  it("is never longer than the limit plus …, and has no control character (property)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", " ", "\n", "\r", "\u0000", "\u001b", "\u007f", "é", "😀", "\u2028"), maxLength: 400 }), fc.integer({ min: 1, max: 120 }), (text, limit) => {
      const shown = excerpt(text, limit);
      expect(shown.length).toBeLessThanOrEqual(limit + 1);
      expect(shown).not.toMatch(/[\u0000-\u001f\u007f]/);
      if (!shown.endsWith("…")) expect(shown.length).toBeLessThanOrEqual(limit);
    }), { numRuns: 300 });
  });
});

describe("user data in reasons, the quarantine file and errors", () => {
  it("a huge value, a huge malformed line and a huge extra column name are echoed in bounded form only", async () => {
    const huge = "9".repeat(300_000) + "\n" + "y".repeat(300_000);
    const name = "n".repeat(100_000);
    const contract: DatasetContract = { columns: [column("id", "string"), column("x", "int", { range: { max: 5 } })] };
    const csv = `id,x,${name}\na,"${huge}",1\nb,7.${"0".repeat(200_000)},1\n${"c,".repeat(100_000)}\nd,1,1\n`;
    const r = await validatedCsv(dir, "huge", csv, contract);
    try {
      expect([r.read, r.accepted, r.quarantined]).toEqual([4, 1, 3]);
      const records = readQuarantine(r.quarantinePath);
      for (const q of records) {
        for (const reason of q.reasons) expect(reason.length).toBeLessThan(200);
        for (const value of Object.values(q.values)) expect((value ?? "").length).toBeLessThanOrEqual(QUARANTINE_TEXT_LIMIT + 1);
        expect((q.line ?? "").length).toBeLessThanOrEqual(QUARANTINE_TEXT_LIMIT + 1);
      }
      expect(records[0]!.reasons[0]).toBe(`x: "${"9".repeat(EXCERPT_LIMIT)}"… is not a valid int`);
      expect(records[1]!.reasons[0]).toBe(`x: 7.${"0".repeat(EXCERPT_LIMIT - 2)}… is outside range <= 5`);
      expect(records[0]!.values["x"]).toBe(`${"9".repeat(QUARANTINE_TEXT_LIMIT)}…`);
    } finally {
      r.session.close();
    }
    const twice = `${name},${name}\n1,2\n`;
    await expect(validatedCsv(dir, "twice", twice, contract)).rejects.toThrow(/^.{0,400}$/s);
  }, 60_000);
});
