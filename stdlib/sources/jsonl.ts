/** The `jsonl` data source (spec/language.md#dataset). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "source",
  name: "jsonl",
  params: [
    { name: "path", type: "string", doc: "file path, relative to the spec's directory" },
  ],
  doc: "Reads a JSONL file (through DuckDB).",
};
