/** The `csv` data source (spec/language.md#dataset). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "source",
  name: "csv",
  params: [
    { name: "path", type: "string", doc: "file path, relative to the spec's directory" },
    { name: "delimiter", type: "string", default: ",", doc: "field separator" },
    { name: "header", type: "bool", default: true, doc: "first line holds column names" },
  ],
  doc: "Reads a CSV file (through DuckDB).",
};
