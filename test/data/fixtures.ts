/** Temporary data files for the data layer tests. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ColumnContract, DatasetContract } from "../../compiler/plan/schema.js";

export interface TempDir {
  path: string;
  file(name: string, content: string | Buffer): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "mlspec-data-test-"));
  return {
    path,
    file(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export interface QuarantineRecord {
  row: number;
  values: Record<string, string | null>;
  reasons: string[];
  line?: string;
}

export function readQuarantine(path: string): QuarantineRecord[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as QuarantineRecord);
}

export function column(name: string, kind: ColumnContract["type"]["kind"], extra: Partial<ColumnContract> = {}): ColumnContract {
  return {
    name,
    type: kind === "enum" ? { kind, values: [] } : ({ kind } as ColumnContract["type"]),
    nulls: { allowed: false },
    ...extra,
  };
}

/** The churn example's contract. */
export const customers: DatasetContract = {
  columns: [
    column("customer_id", "string", { unique: true }),
    column("tenure", "int", { range: { min: 0, max: 120 } }),
    column("monthly", "float", { range: { min: 0, max: 10000 }, nulls: { allowed: true, maxFraction: 0.5 } }),
    { name: "plan", type: { kind: "enum", values: ["basic", "pro", "enterprise"] }, nulls: { allowed: false } },
    column("churned", "bool"),
  ],
};

/** Validates CSV text written to `dir`; the caller closes `result.session`. */
export async function validatedCsv(
  dir: TempDir,
  name: string,
  csv: string,
  contract: DatasetContract,
  threads?: number,
): Promise<import("../../runtime/data/contract.js").ValidationResult> {
  const { validateDataset } = await import("../../runtime/data/contract.js");
  const path = dir.file(`${name}.csv`, csv);
  return validateDataset({ format: "csv", path }, contract, { quarantinePath: join(dir.path, `${name}.quarantine.jsonl`), threads });
}
