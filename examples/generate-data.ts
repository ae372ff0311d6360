/**
 * Writes the generated example data sets (churn, housing, movies) as CSV files.
 *
 *   npx tsx examples/generate-data.ts            # rewrites examples/<name>/data/*.csv
 *   npx tsx examples/generate-data.ts OUT_DIR    # writes OUT_DIR/<name>/data/*.csv instead
 *
 * Every value comes from a seeded `Rng`, so a rerun reproduces the shipped files byte for byte
 * (test/examples-data checks this). The iris data set is real and shipped as is; it is not written here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateChurnData } from "./churn/generate.js";
import { generateHousingData } from "./housing/generate.js";
import { generateMoviesData } from "./movies/generate.js";

/** One CSV file: a path relative to `examples/`, a header and rows of already formatted cells. */
export interface CsvTable {
  path: string;
  header: readonly string[];
  rows: readonly (readonly string[])[];
}

export class CsvCellError extends Error {
  constructor(path: string, cell: string) {
    super(`example data ${path}: cell ${JSON.stringify(cell)} would need CSV quoting; generators must not emit it`);
    this.name = "CsvCellError";
  }
}

/**
 * Plain CSV: comma separated, LF line ends, a final newline, an empty cell for null.
 * No cell is ever quoted, so one that would need quoting is a generator bug.
 */
export function formatCsv(table: CsvTable): string {
  const lines: string[] = [];
  for (const row of [table.header, ...table.rows]) {
    if (row.length !== table.header.length) {
      throw new Error(`example data ${table.path}: row has ${row.length} cells, header has ${table.header.length}`);
    }
    for (const cell of row) {
      if (/[",\r\n]/.test(cell)) throw new CsvCellError(table.path, cell);
    }
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** Every generated file, as path (relative to `examples/`) → CSV text. */
export function generateExampleData(): Map<string, string> {
  const files = new Map<string, string>();
  for (const table of [...generateChurnData(), ...generateHousingData(), ...generateMoviesData()]) {
    files.set(table.path, formatCsv(table));
  }
  return files;
}

/** Writes every generated file under `examplesDir`; returns the absolute paths written. */
export function writeExampleData(examplesDir: string): string[] {
  const written: string[] = [];
  for (const [path, text] of generateExampleData()) {
    const target = join(examplesDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(target);
  }
  return written;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const examplesDir = process.argv[2] !== undefined ? resolve(process.argv[2]) : dirname(fileURLToPath(import.meta.url));
  for (const path of writeExampleData(examplesDir)) console.log(`wrote ${path}`);
}
