import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CsvCellError, formatCsv, generateExampleData, writeExampleData } from "../../examples/generate-data.js";
import { poisson } from "../../examples/churn/generate.js";
import { roundToHalf, weightedSampleWithoutReplacement } from "../../examples/movies/generate.js";
import { Rng } from "../../core/rng.js";
import { EXAMPLES_DIR, parseCsv, readExampleCsv } from "./csv-file.js";

const GENERATED = [
  "churn/data/customers.csv",
  "churn/data/feedback.csv",
  "churn/data/traffic.csv",
  "churn/data/traffic_shifted.csv",
  "housing/data/houses.csv",
  "movies/data/ratings.csv",
];

const numbers = (cells: string[]) => cells.map(Number);
const isInt = (cell: string) => /^-?\d+$/.test(cell);
const isDecimal = (cell: string, places: number) => new RegExp(`^\\d+\\.\\d{${places}}$`).test(cell);

describe("generated example data", () => {
  const outDir = mkdtempSync(join(tmpdir(), "mlspec-examples-"));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("regenerates every shipped CSV byte for byte", () => {
    const written = writeExampleData(outDir).map((p) => relative(outDir, p).split("\\").join("/"));
    expect([...written].sort()).toEqual(GENERATED);
    for (const path of GENERATED) {
      const fresh = readFileSync(join(outDir, path));
      const shipped = readFileSync(join(EXAMPLES_DIR, path));
      expect(fresh.equals(shipped), `${path} differs from a fresh run of examples/generate-data.ts`).toBe(true);
    }
  });

  // iris is real data; credit's applicants come with the XGBoost model fitted on their
  // distribution, both written once by examples/credit/generate.py (Debian's python3-xgboost)
  const OWN_SOURCE = ["iris/data/iris.csv", "credit/data/applicants.csv"];

  it("ships no stray CSV that the generator does not produce (iris and credit are checked separately)", () => {
    const shipped: string[] = [];
    for (const example of readdirSync(EXAMPLES_DIR, { withFileTypes: true })) {
      if (!example.isDirectory()) continue;
      let files: string[] = [];
      try {
        files = readdirSync(join(EXAMPLES_DIR, example.name, "data"));
      } catch {
        continue;
      }
      for (const f of files) if (f.endsWith(".csv")) shipped.push(`${example.name}/data/${f}`);
    }
    expect(shipped.filter((p) => !OWN_SOURCE.includes(p)).sort()).toEqual(GENERATED);
  });

  it("keeps every file under 1 MB", () => {
    for (const path of [...GENERATED, ...OWN_SOURCE]) {
      expect(readFileSync(join(EXAMPLES_DIR, path)).length).toBeLessThan(1_000_000);
    }
  });

  it("generates the same text twice in one process", () => {
    expect(generateExampleData()).toEqual(generateExampleData());
  });
});

describe("churn data", () => {
  const customers = readExampleCsv("churn/data/customers.csv");

  it("has the documented columns and 2000 rows", () => {
    expect(customers.header).toEqual(["customer_id", "tenure", "monthly", "plan", "region", "support_calls", "churned"]);
    expect(customers.rows).toHaveLength(2000);
  });

  it("has unique, sequential customer ids", () => {
    const ids = customers.column("customer_id");
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe("C00001");
    expect(ids.at(-1)).toBe("C02000");
  });

  it("keeps values in their contract ranges", () => {
    const tenure = customers.column("tenure");
    expect(tenure.every(isInt)).toBe(true);
    expect(Math.min(...numbers(tenure))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers(tenure))).toBeLessThanOrEqual(120);

    const monthly = customers.column("monthly");
    const present = monthly.filter((m) => m !== "");
    expect(present.every((m) => isDecimal(m, 2))).toBe(true);
    expect(Math.min(...numbers(present))).toBeGreaterThan(0);
    expect(Math.max(...numbers(present))).toBeLessThanOrEqual(10000);
    const nullCount = monthly.length - present.length;
    expect(nullCount).toBe(18);
    expect(nullCount / monthly.length).toBeLessThanOrEqual(0.01);

    expect(new Set(customers.column("plan"))).toEqual(new Set(["basic", "pro", "enterprise"]));
    expect(new Set(customers.column("region"))).toEqual(new Set(["north", "south", "east", "west"]));
    const calls = customers.column("support_calls");
    expect(calls.every(isInt)).toBe(true);
    expect(Math.max(...numbers(calls))).toBeLessThanOrEqual(20);
    expect(new Set(customers.column("churned"))).toEqual(new Set(["true", "false"]));
  });

  it("has a churn rate between 20% and 40%", () => {
    const rate = customers.column("churned").filter((c) => c === "true").length / customers.rows.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.4);
  });

  it("ships unlabelled traffic with new customer ids, and delayed labels for exactly that traffic", () => {
    const traffic = readExampleCsv("churn/data/traffic.csv");
    const shifted = readExampleCsv("churn/data/traffic_shifted.csv");
    const feedback = readExampleCsv("churn/data/feedback.csv");
    const featureHeader = ["customer_id", "tenure", "monthly", "plan", "region", "support_calls"];
    expect(traffic.header).toEqual(featureHeader);
    expect(shifted.header).toEqual(featureHeader);
    expect(traffic.rows).toHaveLength(300);
    expect(shifted.rows).toHaveLength(300);
    const trainingIds = new Set(customers.column("customer_id"));
    const allIds = [...trainingIds, ...traffic.column("customer_id"), ...shifted.column("customer_id")];
    expect(new Set(allIds).size).toBe(2600);

    expect(feedback.header).toEqual(["customer_id", "churned", "observed_at"]);
    expect(new Set(feedback.column("customer_id"))).toEqual(new Set(traffic.column("customer_id")));
    expect(new Set(feedback.column("churned"))).toEqual(new Set(["true", "false"]));
    const times = feedback.column("observed_at");
    expect(times.every((t) => /^2024-07-\d\dT\d\d:\d\d:\d\dZ$/.test(t))).toBe(true);
    expect([...times].sort()).toEqual(times); // labels arrive in time order
  });

  it("shifts the traffic_shifted population the way its docs say (newer customers, more support calls)", () => {
    const mean = (cells: string[]) => numbers(cells).reduce((a, b) => a + b, 0) / cells.length;
    const traffic = readExampleCsv("churn/data/traffic.csv");
    const shifted = readExampleCsv("churn/data/traffic_shifted.csv");
    expect(mean(shifted.column("tenure"))).toBeLessThan(0.6 * mean(traffic.column("tenure")));
    expect(mean(shifted.column("support_calls"))).toBeGreaterThan(1.5 * mean(traffic.column("support_calls")));
  });
});

describe("housing data", () => {
  const houses = readExampleCsv("housing/data/houses.csv");

  it("has the documented columns, 2000 rows and unique ids", () => {
    expect(houses.header).toEqual(["house_id", "area_sqm", "rooms", "age_years", "district", "has_garden", "price"]);
    expect(houses.rows).toHaveLength(2000);
    expect(new Set(houses.column("house_id")).size).toBe(2000);
    expect(houses.column("house_id")[0]).toBe("H00001");
  });

  it("keeps values in their documented ranges", () => {
    const area = houses.column("area_sqm");
    expect(area.every((a) => isDecimal(a, 1))).toBe(true);
    expect(Math.min(...numbers(area))).toBeGreaterThanOrEqual(18);
    expect(Math.max(...numbers(area))).toBeLessThanOrEqual(400);
    const rooms = houses.column("rooms");
    expect(rooms.every(isInt)).toBe(true);
    expect(Math.min(...numbers(rooms))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...numbers(rooms))).toBeLessThanOrEqual(10);
    const age = houses.column("age_years");
    expect(age.every(isInt)).toBe(true);
    expect(Math.min(...numbers(age))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers(age))).toBeLessThanOrEqual(150);
    expect(new Set(houses.column("district"))).toEqual(
      new Set(["central", "old_town", "riverside", "harbor", "suburbs", "industrial"]),
    );
    expect(new Set(houses.column("has_garden"))).toEqual(new Set(["true", "false"]));
    const price = houses.column("price");
    expect(price.every((p) => isDecimal(p, 2))).toBe(true);
    expect(Math.min(...numbers(price))).toBeGreaterThan(0);
  });
});

describe("movie ratings data", () => {
  const ratings = readExampleCsv("movies/data/ratings.csv");

  it("has the documented columns and 15000 distinct (user, movie) pairs", () => {
    expect(ratings.header).toEqual(["user_id", "movie_id", "rating", "timestamp"]);
    expect(ratings.rows).toHaveLength(15000);
    const pairs = ratings.rows.map((r) => `${r[0]}/${r[1]}`);
    expect(new Set(pairs).size).toBe(15000);
  });

  it("uses 300 users and 200 movies with padded ids", () => {
    const users = new Set(ratings.column("user_id"));
    const movies = new Set(ratings.column("movie_id"));
    expect(users.size).toBe(300);
    expect(movies.size).toBe(200);
    expect([...users].every((u) => /^u\d{4}$/.test(u) && Number(u.slice(1)) >= 1 && Number(u.slice(1)) <= 300)).toBe(true);
    expect([...movies].every((m) => /^m\d{4}$/.test(m) && Number(m.slice(1)) >= 1 && Number(m.slice(1)) <= 200)).toBe(true);
  });

  it("rates in half stars from 1 to 5, at 2023 timestamps in time order", () => {
    const allowed = new Set(["1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]);
    expect(ratings.column("rating").every((r) => allowed.has(r))).toBe(true);
    const ts = numbers(ratings.column("timestamp"));
    expect(ratings.column("timestamp").every(isInt)).toBe(true);
    expect(Math.min(...ts)).toBeGreaterThanOrEqual(Date.UTC(2023, 0, 1) / 1000);
    expect(Math.max(...ts)).toBeLessThan(Date.UTC(2024, 0, 1) / 1000);
    for (let i = 1; i < ts.length; i++) expect(ts[i]! >= ts[i - 1]!).toBe(true);
  });

  it("is skewed toward popular movies", () => {
    const perMovie = new Map<string, number>();
    for (const m of ratings.column("movie_id")) perMovie.set(m, (perMovie.get(m) ?? 0) + 1);
    const counts = [...perMovie.values()].sort((a, b) => b - a);
    expect(counts[0]!).toBeGreaterThan(5 * counts.at(-1)!);
  });
});

describe("generator building blocks", () => {
  const safeCell = fc.stringMatching(/^[^,"\r\n]*$/);

  it("formatCsv round-trips any table of unquoted cells", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(safeCell, { minLength: 5, maxLength: 5 })), (width, raw) => {
        const header = Array.from({ length: width }, (_, i) => `c${i}`);
        const rows = raw.map((r) => r.slice(0, width));
        const parsed = parseCsv(formatCsv({ path: "t.csv", header, rows }));
        expect(parsed.header).toEqual(header);
        // a single empty cell in a one-column table writes an empty line, which still reads back as [""]
        expect(parsed.rows).toEqual(rows);
      }),
    );
  });

  it("formatCsv refuses a cell that would need quoting", () => {
    for (const bad of ["a,b", 'say "hi"', "two\nlines", "cr\r"]) {
      expect(() => formatCsv({ path: "t.csv", header: ["x"], rows: [[bad]] })).toThrow(CsvCellError);
    }
    expect(() => formatCsv({ path: "t.csv", header: ["x", "y"], rows: [["1"]] })).toThrow(/row has 1 cells/);
  });

  it("weighted sampling returns distinct in-range indices, as many as asked", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.double({ min: 0.001, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (seed, weights, k) => {
          const count = k % (weights.length + 1);
          const picked = weightedSampleWithoutReplacement(new Rng(seed), weights, count);
          expect(picked).toHaveLength(count);
          expect(new Set(picked).size).toBe(count);
          expect(picked.every((i) => Number.isInteger(i) && i >= 0 && i < weights.length)).toBe(true);
        },
      ),
    );
  });

  it("weighted sampling favours heavier items", () => {
    const rng = new Rng(3);
    let heavyFirst = 0;
    for (let t = 0; t < 2000; t++) if (weightedSampleWithoutReplacement(rng, [1, 9], 1)[0] === 1) heavyFirst++;
    expect(heavyFirst / 2000).toBeGreaterThan(0.85);
    expect(heavyFirst / 2000).toBeLessThan(0.95);
  });

  it("roundToHalf lands on the nearest half within a quarter", () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (x) => {
        const r = roundToHalf(x);
        expect(Number.isInteger(r * 2)).toBe(true);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.25 + 1e-12);
      }),
    );
  });

  it("poisson draws non-negative integers with the asked mean", () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 20, noNaN: true }), (seed, rate) => {
        const k = poisson(new Rng(seed), rate);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
      }),
    );
    const rng = new Rng(11);
    let sum = 0;
    for (let i = 0; i < 5000; i++) sum += poisson(rng, 3);
    expect(sum / 5000).toBeGreaterThan(2.9);
    expect(sum / 5000).toBeLessThan(3.1);
  });
});
