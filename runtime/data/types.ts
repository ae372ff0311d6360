/**
 * The dataset parts of the compiled plan, as plain JSON, exactly as the runtime
 * receives them. The compiler produces these; the data layer only reads them.
 */

export type { ColumnKind, ColumnType } from "../../stdlib/signature.js";
import type { ColumnType } from "../../stdlib/signature.js";

export interface Bounds {
  min?: number;
  max?: number;
}

export interface ColumnContract {
  name: string;
  type: ColumnType;
  /** `nulls <= 1%` → allowed with maxFraction 0.01; no clause → a null is a row violation. */
  nulls: { allowed: false } | { allowed: true; maxFraction?: number };
  unique?: boolean;
  /** Inclusive, per value: `range 0..120`. */
  range?: Bounds;
  /** Dataset-level bounds on the column's mean and (sample) standard deviation. */
  mean?: Bounds;
  std?: Bounds;
}

export interface DatasetContract {
  columns: ColumnContract[];
  rows?: Bounds;
}

export interface SourceSpec {
  format: "csv" | "jsonl" | "parquet";
  /** Absolute by the time it reaches the runtime. */
  path: string;
  delimiter?: string;
  header?: boolean;
}

export type SplitMethod = "random" | "stratified" | "group" | "time";

export interface SplitSpec {
  method: SplitMethod;
  /** Fractions of the accepted rows, each in [0, 1), summing to less than 1. */
  test: number;
  validation: number;
  seed: number;
  /** Stratify label (stratified), group key (group) or time column (time). */
  column?: string;
}

export type SplitPart = "train" | "validation" | "test";
