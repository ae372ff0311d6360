/** The `parquet` data source (spec/language.md#dataset). */
import type { CallSig } from "../signature.js";

export const signature: CallSig = {
  kind: "source",
  name: "parquet",
  params: [
    { name: "path", type: "string", doc: "file path, relative to the spec's directory" },
  ],
  doc: "Reads a PARQUET file (through DuckDB).",
};
