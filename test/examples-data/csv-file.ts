import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples");

export interface CsvData {
  header: string[];
  rows: string[][];
  /** The cells of one column, by name; throws on an unknown name so a typo fails loudly. */
  column(name: string): string[];
}

/** Parses the unquoted CSV the example generators write (and iris.csv, which is the same shape). */
export function parseCsv(text: string): CsvData {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const header = lines[0]!.split(",");
  const rows = lines.slice(1).map((line) => line.split(","));
  return {
    header,
    rows,
    column(name: string): string[] {
      const index = header.indexOf(name);
      if (index < 0) throw new Error(`no column ${name}`);
      return rows.map((r) => r[index]!);
    },
  };
}

export function readExampleCsv(relativePath: string): CsvData {
  return parseCsv(readFileSync(join(EXAMPLES_DIR, relativePath), "utf8"));
}
