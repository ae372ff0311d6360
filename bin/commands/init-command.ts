/**
 * `mlspec init DATA --label COLUMN`: profiles a data file and writes a spec that checks clean
 * and runs (runtime/init/infer-contract.ts says what is inferred and why). It never overwrites a
 * file, and the spec reads the data by a path relative to its own folder, which must hold the data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compileFile, nodeHost } from "../../compiler/compile.js";
import { renderText } from "../../compiler/diagnostics/render.js";
import { formatFile } from "../../compiler/language/format.js";
import { parse } from "../../compiler/language/parse.js";
import { summarizeFile } from "../../runtime/init/column-summary.js";
import { InitError, inferSpec, isSpecName, type Task } from "../../runtime/init/infer-contract.js";
import { writeSpec } from "../../runtime/init/write-spec.js";

export interface InitOptions {
  label: string;
  task?: Task;
  out?: string;
  /** Relative paths are read from here (default: the current directory). */
  cwd?: string;
}

export interface InitResult {
  specPath: string;
  task: Task;
  columns: number;
  features: number;
}

const FORMATS: Record<string, "csv" | "jsonl" | "parquet"> = { ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet" };

/** A block name from the file name: `customers.csv` → customers, `2024 sales.csv` → d_2024_sales. */
export function stemOf(file: string): string {
  let stem = path.basename(file).replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  if (!/^[A-Za-z_]/.test(stem)) stem = `d_${stem}`;
  if (!isSpecName(stem) || stem === "d_") stem = "data";
  return stem;
}

export async function initSpec(dataFile: string, opts: InitOptions): Promise<InitResult> {
  const cwd = opts.cwd ?? process.cwd();
  const dataPath = path.resolve(cwd, dataFile);
  const format = FORMATS[path.extname(dataPath).toLowerCase()];
  if (!format) throw new InitError(`cannot tell the format of ${dataFile}: name it .csv, .jsonl or .parquet`);
  if (!fs.existsSync(dataPath)) throw new InitError(`cannot read ${dataFile}: no such file`);
  if (!fs.statSync(dataPath).isFile()) throw new InitError(`cannot read ${dataFile}: not a file`);
  const stem = stemOf(dataPath);
  const specPath = path.resolve(cwd, opts.out ?? `${stem}.mlspec`);
  if (!specPath.endsWith(".mlspec")) throw new InitError(`--out must name a .mlspec file, not ${opts.out}`);
  if (fs.existsSync(specPath)) throw new InitError(`${path.relative(cwd, specPath) || specPath} exists; init never overwrites a file (remove it, or give --out NEW.mlspec)`);
  const specDir = path.dirname(specPath);
  if (!fs.existsSync(specDir)) throw new InitError(`cannot write ${opts.out}: the folder ${specDir} does not exist`);
  // a spec reads only inside its own folder (spec/language.md#paths)
  const sourcePath = path.relative(fs.realpathSync(specDir), fs.realpathSync(dataPath)).split(path.sep).join("/");
  if (sourcePath.startsWith("../") || path.isAbsolute(sourcePath)) {
    throw new InitError(`the spec would be in ${specDir}, which does not hold ${dataFile}; a spec reads only files inside its own folder: give --out PATH.mlspec in a folder above the data`);
  }
  const summary = await summarizeFile({ format, path: dataPath });
  if (summary.rows === 0) throw new InitError(`${dataFile} has no data rows to infer a contract from`);
  const inferred = inferSpec(summary, opts.label, opts.task);
  const written = writeSpec(inferred, { stem, sourcePath, format, shownFile: dataFile }, opts.label);
  if (written === "") throw new InitError(`no column of ${dataFile} besides the label can be a feature (ids, free text and timestamps are left out)`);
  // laid out exactly as `mlspec fmt` would (comment columns included)
  const parsed = parse(written, specPath);
  const formatted = parsed.diagnostics.hasErrors ? undefined : formatFile(parsed.file);
  if (!formatted?.ok) throw new Error("the spec init wrote does not parse back");
  const text = formatted.text;
  // what is written must check clean: a failure here is a bug in init, not in the data
  const compiled = compileFile(specPath, { ...nodeHost, readFile: (p) => (p === specPath ? text : nodeHost.readFile(p)) });
  if (compiled.hasErrors) {
    const errors = compiled.diagnostics.filter((d) => d.severity === "error").map((d) => renderText(d)).join("\n");
    throw new Error(`the spec init wrote does not check clean:\n${errors}`);
  }
  fs.writeFileSync(specPath, text, { flag: "wx" });
  const features = inferred.columns.filter((c) => "as" in c.use && c.use.as !== "label").length;
  return { specPath, task: inferred.task, columns: inferred.columns.length, features };
}
