/**
 * iris.csv is real data, copied once from a published source (see examples/iris/data/README.md).
 * These checks pin it to the published measurements so an accidental edit cannot slip through.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES_DIR, readExampleCsv } from "./csv-file.js";

const IRIS_PATH = join(EXAMPLES_DIR, "iris", "data", "iris.csv");

describe("iris data (real, shipped)", () => {
  const iris = readExampleCsv("iris/data/iris.csv");

  it("is the exact file that was verified against the published data", () => {
    const digest = createHash("sha256").update(readFileSync(IRIS_PATH)).digest("hex");
    expect(digest).toBe("9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355");
  });

  it("has 150 rows, 50 per species, in snake_case columns", () => {
    expect(iris.header).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]);
    expect(iris.rows).toHaveLength(150);
    for (const species of ["setosa", "versicolor", "virginica"]) {
      expect(iris.column("species").filter((s) => s === species)).toHaveLength(50);
    }
  });

  it("matches the published per-species means (R's datasets::iris, Fisher 1936)", () => {
    const expected: Record<string, number[]> = {
      setosa: [5.006, 3.428, 1.462, 0.246],
      versicolor: [5.936, 2.77, 4.26, 1.326],
      virginica: [6.588, 2.974, 5.552, 2.026],
    };
    for (const [species, means] of Object.entries(expected)) {
      const rows = iris.rows.filter((r) => r[4] === species);
      means.forEach((mean, col) => {
        expect(rows.reduce((s, r) => s + Number(r[col]), 0) / rows.length).toBeCloseTo(mean, 9);
      });
    }
  });

  it("carries the corrected samples 35 and 38 (Bezdek et al. 1999), not the UCI file's errors", () => {
    expect(iris.rows[34]).toEqual(["4.9", "3.1", "1.5", "0.2", "setosa"]);
    expect(iris.rows[37]).toEqual(["4.9", "3.6", "1.4", "0.1", "setosa"]);
  });

  it("ships its source, licence and citation beside it", () => {
    const readme = join(EXAMPLES_DIR, "iris", "data", "README.md");
    expect(existsSync(readme)).toBe(true);
    const text = readFileSync(readme, "utf8");
    expect(text).toMatch(/Fisher/);
    expect(text).toMatch(/licen[cs]e/i);
  });
});
