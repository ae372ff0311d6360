/**
 * A golden-file test can fail: a missing golden file is a failure (under CI it is
 * not written either), and only `npm run golden` (UPDATE_GOLDEN=1) writes one.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { expectGolden } from "./golden.js";

describe("expectGolden", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "mlspec-golden-"));
    vi.stubEnv("UPDATE_GOLDEN", "");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("fails under CI when the golden file is missing, and writes nothing", () => {
    vi.stubEnv("CI", "true");
    const file = path.join(dir, "missing.txt");
    expect(() => expectGolden(file, "output")).toThrow(/missing: run `npm run golden`/);
    expect(existsSync(file)).toBe(false);
  });

  it("fails outside CI too, writing the file for review", () => {
    vi.stubEnv("CI", "");
    const file = path.join(dir, "missing.txt");
    expect(() => expectGolden(file, "output")).toThrow(/missing/);
    expect(readFileSync(file, "utf8")).toBe("output");
  });

  it("fails when the output differs from the golden file", () => {
    const file = path.join(dir, "old.txt");
    writeFileSync(file, "old");
    expect(() => expectGolden(file, "new")).toThrow();
    expect(readFileSync(file, "utf8")).toBe("old");
  });

  it("rewrites the golden file when asked to (npm run golden)", () => {
    vi.stubEnv("UPDATE_GOLDEN", "1");
    vi.stubEnv("CI", "true");
    const file = path.join(dir, "old.txt");
    writeFileSync(file, "old");
    expectGolden(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expectGolden(path.join(dir, "fresh.txt"), "fresh");
    expect(readFileSync(path.join(dir, "fresh.txt"), "utf8")).toBe("fresh");
  });
});
