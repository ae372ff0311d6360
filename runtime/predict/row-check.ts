/**
 * The row rules of a dataset contract applied to one value at a time, as batch scoring reads
 * rows: the same typing of text and the same reasons, word for word, as training's quarantine
 * (runtime/data/contract.ts compiles them to SQL; this is that contract, one row at a time):
 *   int    the text denotes an integer ("12", "-3", "1e3", "7.0"; not "1.5")
 *   float  finite only ("nan"/"inf" are invalid)
 *   bool   true/false, t/f, yes/no, y/n, 1/0 (any case)
 *   string, enum  as read; "" is a value, not a null
 * For every type but string and enum, a blank value ("" or spaces) counts as null.
 * Dataset rules (rows, unique, mean, null fractions) say what a whole dataset must be and are
 * not row rules: a scored file is not checked against them.
 */
import { EXCERPT_LIMIT, clip } from "../data/excerpt.js";
import { formatRange } from "../data/contract.js";
import type { ColumnContract } from "../../compiler/plan/schema.js";

/** A typed value as the model's inputs take it: null where the contract allows a null. */
export type CellValue = number | boolean | string | null;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);

/** A value as a reason shows it: JSON text of its first EXCERPT_LIMIT characters. */
function shown(text: string): string {
  return text.length > EXCERPT_LIMIT ? `${JSON.stringify(text.slice(0, EXCERPT_LIMIT))}…` : JSON.stringify(text);
}

export class ColumnCheck {
  readonly name: string;
  private readonly kind: ColumnContract["type"]["kind"];
  private readonly enumValues: ReadonlySet<string> | undefined;
  private readonly enumShown: string;
  private readonly nullable: boolean;
  private readonly min: number | undefined;
  private readonly max: number | undefined;

  constructor(private readonly column: ColumnContract) {
    this.name = column.name;
    this.kind = column.type.kind;
    this.enumValues = column.type.kind === "enum" ? new Set(column.type.values) : undefined;
    this.enumShown = column.type.kind === "enum" ? column.type.values.map((v) => JSON.stringify(v)).join(", ") : "";
    this.nullable = column.nulls.allowed;
    this.min = column.range?.min;
    this.max = column.range?.max;
  }

  /**
   * The typed value of `text` (null: a null); a reason string is pushed to `reasons` and
   * undefined returned when a rule fails.
   */
  check(text: string | null, reasons: string[]): CellValue | undefined {
    const kind = this.kind;
    if (kind === "string" || kind === "enum") {
      if (text === null) return this.nullOrMissing(reasons);
      if (this.enumValues && !this.enumValues.has(text)) {
        reasons.push(`${this.name}: ${shown(text)} is not one of ${this.enumShown}`);
        return undefined;
      }
      return text;
    }
    const trimmed = text === null ? "" : text.trim();
    if (trimmed.length === 0) return this.nullOrMissing(reasons);
    let value: number | boolean;
    switch (kind) {
      case "int":
      case "float": {
        const x = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
        const ok = kind === "int" ? Number.isInteger(x) && Math.abs(x) <= 9.223372036854776e18 : Number.isFinite(x);
        if (!ok) {
          reasons.push(`${this.name}: ${shown(text!)} is not a valid ${kind}`);
          return undefined;
        }
        if ((this.min !== undefined && x < this.min) || (this.max !== undefined && x > this.max)) {
          reasons.push(`${this.name}: ${clip(trimmed, EXCERPT_LIMIT)} is outside range ${formatRange(this.column.range!)}`);
          return undefined;
        }
        value = x;
        break;
      }
      case "bool": {
        const lower = trimmed.toLowerCase();
        if (TRUE.has(lower)) value = true;
        else if (FALSE.has(lower)) value = false;
        else {
          reasons.push(`${this.name}: ${shown(text!)} is not a valid bool`);
          return undefined;
        }
        break;
      }
      case "timestamp":
        // no feature transform reads a timestamp, so no model input is one; kept as text
        return trimmed;
    }
    return value;
  }

  private nullOrMissing(reasons: string[]): null | undefined {
    if (this.nullable) return null;
    reasons.push(`${this.name}: missing value (nulls are not allowed)`);
    return undefined;
  }
}

/** A JSON value as the data layer reads it from JSON Lines: text, as json_extract_string gives it. */
export function jsonCellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
