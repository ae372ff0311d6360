import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../runtime/serve/errors.js";
import { RequestValidator, rowJsonSchema, type RequestColumn, type RowContract } from "../../runtime/serve/request-schema.js";

const COLUMNS: RequestColumn[] = [
  { name: "customer_id", type: { kind: "string" }, nullable: false },
  { name: "tenure", type: { kind: "int" }, nullable: false, range: { min: 0, max: 120 } },
  { name: "monthly", type: { kind: "float" }, nullable: true, range: { min: 0, max: 10000 } },
  { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] }, nullable: false },
  { name: "active", type: { kind: "bool" }, nullable: false },
  { name: "signup", type: { kind: "timestamp" }, nullable: true },
  { name: "churned", type: { kind: "bool" }, nullable: false },
];

const CONTRACT: RowContract = { dataset: "customers", columns: COLUMNS, required: ["tenure", "monthly", "plan", "active"], target: "churned" };
const VALID = { customer_id: "C1", tenure: 12, monthly: 39.5, plan: "pro", active: true, signup: "2024-03-01T10:00:00Z" };

function problemsOf(validator: RequestValidator, body: unknown): { status: number; problems: Array<{ path: string; message: string }>; message: string } {
  try {
    validator.parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    const e = error as RequestError;
    return { status: e.statusCode, problems: e.problems, message: e.message };
  }
  throw new Error("expected the body to be refused");
}

describe("rowJsonSchema", () => {
  it("describes the input columns: types, ranges, enums, nulls; the label left out", () => {
    const schema = rowJsonSchema(CONTRACT) as { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(["customer_id", "tenure", "monthly", "plan", "active", "signup"]);
    expect(schema.properties.tenure).toMatchObject({ type: "integer", minimum: 0, maximum: 120 });
    expect(schema.properties.monthly).toMatchObject({ type: ["number", "null"], minimum: 0, maximum: 10000 });
    expect(schema.properties.plan).toMatchObject({ type: "string", enum: ["basic", "pro", "enterprise"] });
    expect(schema.properties.active).toMatchObject({ type: "boolean" });
    // nullable model inputs may be left out (they mean null); the rest are required
    expect(schema.required).toEqual(["tenure", "plan", "active"]);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe("RequestValidator", () => {
  const validator = new RequestValidator(CONTRACT);

  it("accepts one row, and a batch under instances", () => {
    expect(validator.parse(VALID)).toEqual({ rows: [VALID], batch: false });
    const rows = [VALID, { ...VALID, monthly: null, signup: null }, { tenure: 0, plan: "basic", active: false }];
    expect(validator.parse({ instances: rows })).toEqual({ rows, batch: true });
  });

  it("lists every problem of a row, one per field, in the user's terms", () => {
    const { status, problems, message } = problemsOf(validator, { tenure: 500, monthly: "x", plan: "gold", churned: true, tenur: 3, signup: "yesterday" });
    expect(status).toBe(400);
    expect(message).toBe("invalid request: 7 problems");
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath).toEqual({
      "/active": "missing: each row needs `active` (bool)",
      "/churned": "`churned` is the label the model predicts; leave it out of requests",
      "/tenur": "unknown field `tenur`: not a column of dataset `customers`; did you mean `tenure`?",
      "/tenure": "500 is out of range: the contract allows 0..120",
      "/monthly": 'expected a number or null, got the string "x"',
      "/plan": 'the string "gold" is not one of "basic", "pro", "enterprise"',
      "/signup": 'expected an ISO 8601 timestamp or null, got the string "yesterday"',
    });
  });

  it("names the row of each problem in a batch", () => {
    const { problems } = problemsOf(validator, { instances: [VALID, { ...VALID, tenure: 1.5 }, 7, { ...VALID, plan: null }] });
    expect(problems).toEqual([
      { path: "/instances/1/tenure", message: "expected an integer, got the number 1.5" },
      { path: "/instances/2", message: "a row must be an object, got the integer 7" },
      { path: "/instances/3/plan", message: "expected a string, got null (the contract allows no nulls here)" },
    ]);
  });

  it("counts the rows that have problems, not the rows sent", () => {
    // two bad rows of three: one with two problems, one with one
    const { message, problems } = problemsOf(validator, { instances: [{ ...VALID, tenure: -1, plan: "x" }, VALID, { ...VALID, active: "yes" }] });
    expect(problems).toHaveLength(3);
    expect(message).toBe("invalid request: 3 problems in 2 of 3 rows");
    expect(problemsOf(validator, { instances: [VALID, 7, VALID] }).message).toBe("invalid request: 1 problem in 1 of 3 rows");
    expect(() => validator.checkRows([{ ...VALID, plan: "x" }, { ...VALID, tenure: 1.5, active: 1 }, VALID, VALID])).toThrow(/^invalid request: 3 problems in 2 of 4 rows$/);
  });

  it("refuses bodies that are not a row or a batch", () => {
    expect(problemsOf(validator, [VALID]).message).toMatch(/must be a JSON object/);
    expect(problemsOf(validator, null).message).toMatch(/got null/);
    expect(problemsOf(validator, "row").message).toMatch(/got the string/);
    expect(problemsOf(validator, { instances: {} }).problems).toEqual([{ path: "/instances", message: "must be an array of rows, got an object" }]);
    expect(problemsOf(validator, { instances: [] }).problems).toEqual([{ path: "/instances", message: "must hold at least one row" }]);
    expect(problemsOf(validator, { instances: [VALID], tenure: 3 }).problems[0]).toEqual({ path: "/tenure", message: 'a batch body holds only "instances"; put `tenure` inside each row' });
  });

  it("answers 413 for more rows than allowed, and caps the problems listed", () => {
    const small = new RequestValidator(CONTRACT, { maxInstances: 3, maxProblems: 5 });
    expect(problemsOf(small, { instances: [VALID, VALID, VALID, VALID] }).status).toBe(413);
    const many = problemsOf(new RequestValidator(CONTRACT, { maxProblems: 5 }), { instances: Array.from({ length: 50 }, () => ({ tenure: -1 })) });
    expect(many.problems).toHaveLength(5);
    expect(many.message).toMatch(/^invalid request: at least \d+ problems in at least 2 of 50 rows$/);
  });

  it("treats every body as one row when the dataset has a column named instances", () => {
    const v = new RequestValidator({ columns: [{ name: "instances", type: { kind: "int" }, nullable: false }], required: ["instances"] });
    expect(v.parse({ instances: 3 })).toEqual({ rows: [{ instances: 3 }], batch: false });
  });

  it("checks rows given in process", () => {
    expect(() => validator.checkRows([VALID])).not.toThrow();
    expect(() => validator.checkRows([VALID, { ...VALID, plan: "x" }])).toThrow(/1 problem in 1 of 2 rows/);
  });

  it("property: a row built from the contract passes; breaking one field gives exactly that field's problem", () => {
    const value = (c: RequestColumn): fc.Arbitrary<unknown> => {
      switch (c.type.kind) {
        case "int":
          return fc.integer({ min: c.range?.min ?? -1000, max: c.range?.max ?? 1000 });
        case "float":
          return fc.double({ min: c.range?.min ?? -1e6, max: c.range?.max ?? 1e6, noNaN: true });
        case "bool":
          return fc.boolean();
        case "enum":
          return fc.constantFrom(...c.type.values);
        case "string":
          return fc.string();
        case "timestamp":
          return fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
      }
    };
    const inputs = COLUMNS.filter((c) => c.name !== "churned");
    const row = fc.record(Object.fromEntries(inputs.map((c) => [c.name, c.nullable ? fc.option(value(c), { nil: null }) : value(c)])));
    const breakage = fc.constantFrom<[string, unknown]>(["tenure", 121], ["tenure", -1], ["tenure", "12"], ["plan", "gold"], ["active", 1], ["monthly", 10001], ["customer_id", 5]);
    fc.assert(
      fc.property(row, breakage, (r, [field, bad]) => {
        expect(validator.parse(r).rows).toEqual([r]);
        const { problems } = problemsOf(validator, { ...r, [field]: bad });
        expect(problems.map((p) => p.path)).toEqual([`/${field}`]);
      }),
      { numRuns: 200 },
    );
  });

  it("property: any JSON value gives rows or a RequestError, never another exception", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ instances: fc.array(fc.jsonValue(), { maxLength: 5 }) })), (body) => {
        try {
          validator.parse(body);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
