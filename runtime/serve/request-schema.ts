/**
 * The request contract: a JSON Schema of one request row, compiled from the
 * dataset's data contract, and the validator every predict request passes
 * through. A row holds the input columns: the label is not part of it, the
 * columns the served models read are required, and the dataset's other
 * columns (an id, say) may be sent and are checked. Null is allowed where the
 * contract allows nulls. Every problem in a request is reported, one per field,
 * in the user's terms.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { suggest } from "../../text/did-you-mean.js";
import type { ColumnContract, ColumnType } from "../../compiler/plan/schema.js";
import { RequestError, type RequestProblem } from "./errors.js";

export type RequestRow = Record<string, unknown>;

/** A column of a request row: its contract, or only its type when no contract describes it. */
export interface RequestColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  range?: { min?: number; max?: number };
  /** Every row holds a different value (an id): the example request never takes one from the data. */
  unique?: boolean;
}

export interface RowContract {
  /** The dataset the columns come from, for messages; undefined when only the model's metadata was known. */
  dataset?: string;
  columns: RequestColumn[];
  /** Columns the served models read: a row must hold each one that may not be null (a missing nullable one is null). */
  required: string[];
  /** The label column, which requests must leave out. */
  target?: string;
}

/** The JSON Schema of one row. */
export type JsonSchema = Record<string, unknown>;

// ISO 8601 date or date-time, as the data layer reads timestamps
const TIMESTAMP_PATTERN = "^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$";

export function columnsFromContract(contract: ColumnContract[]): RequestColumn[] {
  return contract.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nulls.allowed,
    ...(c.range ? { range: c.range } : {}),
    ...(c.unique ? { unique: true } : {}),
  }));
}

function typeName(type: ColumnType): string {
  return type.kind === "enum" ? `enum(${type.values.map((v) => JSON.stringify(v)).join(", ")})` : type.kind;
}

function columnSchema(column: RequestColumn): JsonSchema {
  const nullable = column.nullable;
  const withNull = (t: string) => (nullable ? [t, "null"] : t);
  const doc = `${typeName(column.type)}${nullable ? ", may be null" : ""}`;
  switch (column.type.kind) {
    case "int":
    case "float": {
      const schema: JsonSchema = { type: withNull(column.type.kind === "int" ? "integer" : "number"), description: doc };
      if (column.range?.min !== undefined) schema.minimum = column.range.min;
      if (column.range?.max !== undefined) schema.maximum = column.range.max;
      return schema;
    }
    case "bool":
      return { type: withNull("boolean"), description: doc };
    case "string":
      return { type: withNull("string"), description: doc };
    case "enum":
      return { type: withNull("string"), enum: nullable ? [...column.type.values, null] : [...column.type.values], description: doc };
    case "timestamp":
      return nullable
        ? { anyOf: [{ type: "string", pattern: TIMESTAMP_PATTERN }, { type: "null" }], description: `${doc} (ISO 8601)` }
        : { type: "string", pattern: TIMESTAMP_PATTERN, description: `${doc} (ISO 8601)` };
  }
}

/** The JSON Schema (draft 2020-12 subset) of one request row. */
export function rowJsonSchema(contract: RowContract): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const column of contract.columns) {
    if (column.name === contract.target) continue;
    properties[column.name] = columnSchema(column);
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: contract.dataset ? `a request row of dataset ${contract.dataset}` : "a request row",
    type: "object",
    properties,
    required: contract.required.filter((name) => {
      const column = contract.columns.find((c) => c.name === name);
      return name !== contract.target && column !== undefined && !column.nullable;
    }),
    additionalProperties: false,
  };
}

export interface ParsedRequest {
  rows: RequestRow[];
  /** The body was `{"instances": [...]}` (answered with a list) rather than one row. */
  batch: boolean;
}

export interface RequestValidatorOptions {
  /** Most rows one request may hold (default 10,000). */
  maxInstances?: number;
  /** Most problems listed in one answer (default 100). */
  maxProblems?: number;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "boolean") return `${value}`;
  return "an object";
}

function rangeText(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.max !== undefined) return `${range.min}..${range.max}`;
  return range.min !== undefined ? `>= ${range.min}` : `<= ${range.max}`;
}

const pointerEscape = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Checks request bodies against the row contract. Compiled once per contract;
 * `parse` is the per-request call.
 */
export class RequestValidator {
  readonly schema: JsonSchema;
  readonly maxInstances: number;
  private readonly maxProblems: number;
  private readonly validateRow: ValidateFunction;
  private readonly columns: Map<string, RequestColumn>;
  private readonly contract: RowContract;
  /** A dataset column named `instances` makes every body a single row. */
  private readonly instancesIsColumn: boolean;

  constructor(contract: RowContract, options: RequestValidatorOptions = {}) {
    this.contract = contract;
    this.schema = rowJsonSchema(contract);
    this.maxInstances = options.maxInstances ?? 10_000;
    this.maxProblems = options.maxProblems ?? 100;
    this.columns = new Map(contract.columns.map((c) => [c.name, c]));
    this.instancesIsColumn = this.columns.has("instances");
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true, strict: true, coerceTypes: false });
    const { $schema: _dialect, ...compiled } = this.schema; // the keywords used mean the same in every draft ajv knows
    this.validateRow = ajv.compile(compiled);
  }

  /** The rows of a parsed JSON body; throws RequestError (400) listing every problem. */
  parse(body: unknown): ParsedRequest {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new RequestError(400, `the request body must be a JSON object: one row, or {"instances": [row, ...]}; got ${jsonType(body)}`);
    }
    const record = body as Record<string, unknown>;
    if (!this.instancesIsColumn && Object.hasOwn(record, "instances")) return this.parseBatch(record);
    const problems: RequestProblem[] = [];
    this.check(record, "", problems);
    if (problems.length > 0) throw this.invalid(problems, { rows: 1, badRows: 1, complete: true });
    return { rows: [record], batch: false };
  }

  /** Throws a RequestError when `rows` break the contract (for callers that embed serving). */
  checkRows(rows: RequestRow[]): void {
    const problems: RequestProblem[] = [];
    let badRows = 0;
    rows.forEach((row, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        problems.push({ path: `/${i}`, message: `a row must be an object, got ${jsonType(row)}` });
        badRows++;
      } else if (!this.check(row, `/${i}`, problems)) badRows++;
    });
    if (problems.length > 0) throw this.invalid(problems, { rows: rows.length, badRows, complete: true });
  }

  private parseBatch(record: Record<string, unknown>): ParsedRequest {
    const extra = Object.keys(record).filter((k) => k !== "instances");
    const instances = record.instances;
    const problems: RequestProblem[] = extra.map((k) => ({ path: `/${pointerEscape(k)}`, message: `a batch body holds only "instances"; put \`${k}\` inside each row` }));
    if (!Array.isArray(instances)) {
      problems.push({ path: "/instances", message: `must be an array of rows, got ${jsonType(instances)}` });
      throw this.invalid(problems, { rows: 0, badRows: 0, complete: true });
    }
    if (instances.length === 0) problems.push({ path: "/instances", message: "must hold at least one row" });
    if (instances.length > this.maxInstances) {
      throw new RequestError(413, `too many rows: ${instances.length} in one request, at most ${this.maxInstances}`);
    }
    let badRows = 0;
    let checked = 0;
    for (; checked < instances.length && problems.length < this.maxProblems; checked++) {
      const row = instances[checked];
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        problems.push({ path: `/instances/${checked}`, message: `a row must be an object, got ${jsonType(row)}` });
        badRows++;
      } else if (!this.check(row as RequestRow, `/instances/${checked}`, problems)) badRows++;
    }
    if (problems.length > 0) throw this.invalid(problems, { rows: instances.length, badRows, complete: checked === instances.length });
    return { rows: instances as RequestRow[], batch: true };
  }

  /**
   * `badRows` counts the rows with at least one problem, out of `rows`; when
   * checking stopped at `maxProblems` before the last row (`complete` false),
   * both counts are lower bounds.
   */
  private invalid(problems: RequestProblem[], counts: { rows: number; badRows: number; complete: boolean }): RequestError {
    const shown = problems.slice(0, this.maxProblems);
    const capped = problems.length >= this.maxProblems || !counts.complete;
    const count = capped ? `at least ${problems.length}` : String(problems.length);
    const atLeast = counts.complete ? "" : "at least ";
    const where = counts.rows > 1 && counts.badRows > 0 ? ` in ${atLeast}${counts.badRows} of ${counts.rows} rows` : "";
    return new RequestError(400, `invalid request: ${count} problem${problems.length === 1 ? "" : "s"}${where}`, shown);
  }

  /** Adds the row's problems to `problems`; false when it had any. */
  private check(row: RequestRow, prefix: string, problems: RequestProblem[]): boolean {
    if (this.validateRow(row)) return true;
    const seen = new Set<string>();
    for (const error of this.validateRow.errors ?? []) {
      const problem = this.describe(error, prefix);
      if (seen.has(problem.path)) continue; // one problem per field: a number in an enum column fails type and enum
      seen.add(problem.path);
      problems.push(problem);
    }
    return false;
  }

  private describe(error: ErrorObject, prefix: string): RequestProblem {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "required") {
      const name = String(params.missingProperty);
      const column = this.columns.get(name);
      return { path: `${prefix}/${pointerEscape(name)}`, message: `missing: each row needs \`${name}\`${column ? ` (${typeName(column.type)})` : ""}` };
    }
    if (error.keyword === "additionalProperties") {
      const name = String(params.additionalProperty);
      const path = `${prefix}/${pointerEscape(name)}`;
      if (name === this.contract.target) return { path, message: `\`${name}\` is the label the model predicts; leave it out of requests` };
      const near = suggest(name, [...this.columns.keys()].filter((c) => c !== this.contract.target));
      const where = this.contract.dataset ? `dataset \`${this.contract.dataset}\`` : "the model's inputs";
      return { path, message: `unknown field \`${name}\`: not a column of ${where}${near ? `; did you mean \`${near}\`?` : ""}` };
    }
    const name = error.instancePath.slice(1).replace(/~1/g, "/").replace(/~0/g, "~");
    const column = this.columns.get(name);
    const path = `${prefix}${error.instancePath}`;
    const value = error.data;
    if (!column) return { path, message: error.message ?? "is invalid" };
    switch (error.keyword) {
      case "minimum":
      case "maximum":
        return { path, message: `${value} is out of range: the contract allows ${rangeText(column.range ?? {})}` };
      case "enum":
        if (column.type.kind === "enum") {
          return { path, message: `${jsonType(value)} is not one of ${column.type.values.map((v) => JSON.stringify(v)).join(", ")}` };
        }
        break;
      case "pattern":
      case "anyOf":
        return { path, message: `expected an ISO 8601 timestamp${column.nullable ? " or null" : ""}, got ${jsonType(value)}` };
    }
    const expected = column.type.kind === "int" ? "an integer" : column.type.kind === "float" ? "a number" : column.type.kind === "bool" ? "true or false" : "a string";
    return {
      path,
      message: `expected ${expected}${column.nullable ? " or null" : ""}, got ${jsonType(value)}${value === null ? " (the contract allows no nulls here)" : ""}`,
    };
  }
}
