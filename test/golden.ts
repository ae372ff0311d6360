/**
 * Golden files: text a test compares its output with, byte for byte. A golden file
 * is written only by `npm run golden` (UPDATE_GOLDEN=1), never by a test run: a
 * missing one fails, so a test cannot pass by writing what it compares with.
 * Outside CI (no CI variable) the missing file is also written, for review.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";

export function expectGolden(file: string, actual: string): void {
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) {
    if (!process.env["CI"]) writeFileSync(file, actual);
    expect.fail(`golden file ${file} is missing: run \`npm run golden\`, review the diff, and commit it`);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}
