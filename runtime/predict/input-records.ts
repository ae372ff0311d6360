/**
 * The rows of a file to score, read a batch at a time so that a file of any size is read in
 * bounded memory. CSV follows the dialect of the data layer (runtime/data/csv-records.ts):
 * quote `"` doubled inside a quoted field, LF or CR LF line ends, a blank line is no record,
 * an empty unquoted field is null and a quoted empty field is the empty string. JSON Lines:
 * one object a line; a blank line is skipped but keeps its number.
 *
 * Row numbers are those of training's quarantine file: the first CSV record after the header is
 * row 1; a JSON Lines row is its line number. A record that cannot be split into fields comes
 * back with the reason, to be quarantined, never stopping the read.
 */
import { createReadStream } from "node:fs";
import { clip, QUARANTINE_TEXT_LIMIT } from "../data/excerpt.js";

export type InputFormat = "csv" | "jsonl";

/** One record read: its text fields by column position (CSV) or its object (JSON Lines). */
export type InputRecord =
  | { row: number; text: string; fields: Array<string | null> }
  | { row: number; text: string; object: Record<string, unknown> }
  | { row: number; text: string; malformed: string };

export class InputError extends Error {}

const QUOTE = '"';

/**
 * Splits CSV text into records. `push` takes the next piece of the file; records come out of
 * `take`, every complete one, the last kept until more text (or the end) shows where it ends.
 */
export class CsvSplitter {
  private pending = "";
  private row = 0;
  header: string[] | undefined;
  /** The header line as it is in the file (without its line end). */
  headerText = "";
  private atStart = true;

  constructor(private readonly delimiter = ",") {}

  /** Records of `text` appended to what is pending; at `end`, the last record too. */
  push(text: string, end: boolean, out: InputRecord[]): void {
    let buffer = this.pending + text;
    if (this.atStart && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      this.atStart = false;
    }
    let start = 0;
    const n = buffer.length;
    while (start < n) {
      const lf = buffer.indexOf("\n", start);
      if (lf < 0 && !end) break;
      const lineEnd = lf < 0 ? n : lf;
      let contentEnd = lineEnd > start && buffer.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      const line = buffer.slice(start, contentEnd);
      if (line.indexOf(QUOTE) < 0) {
        // the usual record: no quotes, one line
        start = lineEnd + 1;
        if (line.length === 0 && (this.header?.length ?? 0) !== 1) continue;
        if (line.includes("\r")) {
          this.emitMalformed(line, "a carriage return (CR) that does not end a line", out);
          continue;
        }
        const fields: Array<string | null> = line.split(this.delimiter);
        for (let k = 0; k < fields.length; k++) if (fields[k]!.length === 0) fields[k] = null;
        this.emit(line, fields, out);
        continue;
      }
      const quoted = this.scanQuoted(buffer, start, end);
      if (quoted === undefined) break; // the record goes on past what has been read
      start = quoted.next;
      contentEnd = quoted.contentEnd;
      const recordText = buffer.slice(quoted.start, contentEnd);
      if ("error" in quoted) this.emitMalformed(recordText, quoted.error, out);
      else this.emit(recordText, quoted.fields, out);
    }
    this.pending = start < n ? buffer.slice(start) : "";
  }

  private emit(text: string, fields: Array<string | null>, out: InputRecord[]): void {
    if (this.header === undefined) {
      this.header = fields.map((f, k) => (f === null || f === "" ? `column${k}` : f));
      this.headerText = text;
      return;
    }
    this.row++;
    if (fields.length !== this.header.length) {
      out.push({ row: this.row, text: clip(text, QUARANTINE_TEXT_LIMIT), malformed: `malformed CSV row: expected ${this.header.length} fields, found ${fields.length}` });
      return;
    }
    out.push({ row: this.row, text, fields });
  }

  private emitMalformed(text: string, reason: string, out: InputRecord[]): void {
    if (this.header === undefined) throw new InputError(`cannot read the header: ${reason}`);
    this.row++;
    out.push({ row: this.row, text: clip(text, QUARANTINE_TEXT_LIMIT), malformed: `malformed CSV row: ${reason}` });
  }

  /**
   * A record with quotes from `start`: its fields, or why it is malformed (then the record is
   * its first line only, as in the data layer); undefined when more text is needed.
   */
  private scanQuoted(
    buffer: string,
    start: number,
    end: boolean,
  ): ({ start: number; next: number; contentEnd: number } & ({ fields: Array<string | null> } | { error: string })) | undefined {
    const d = this.delimiter;
    const fields: Array<string | null> = [];
    let i = start;
    const n = buffer.length;
    const badLine = (error: string) => {
      const lf = buffer.indexOf("\n", start);
      if (lf < 0 && !end) return undefined;
      const lineEnd = lf < 0 ? n : lf;
      const contentEnd = lineEnd > start && buffer.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      return { start, next: lineEnd + 1, contentEnd, error };
    };
    for (;;) {
      // at the start of a field
      if (buffer.startsWith(QUOTE, i)) {
        let value = "";
        let j = i + 1;
        for (;;) {
          const q = buffer.indexOf(QUOTE, j);
          if (q < 0) return end ? badLine("a quoted field is never closed (no closing quote before the end of the file)") : undefined;
          if (q + 1 >= n && !end) return undefined;
          if (buffer[q + 1] === QUOTE) {
            value += buffer.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += buffer.slice(j, q);
          i = q + 1;
          break;
        }
        fields.push(value);
      } else {
        let k = i;
        while (k < n && !buffer.startsWith(d, k) && buffer[k] !== "\n" && buffer[k] !== "\r") k++;
        if (k >= n && !end) return undefined;
        const value = buffer.slice(i, k);
        fields.push(value.length === 0 ? null : value);
        i = k;
      }
      if (i >= n) {
        if (!end) return undefined;
        return { start, next: n, contentEnd: n, fields };
      }
      if (buffer.startsWith(d, i)) {
        i += d.length;
        continue;
      }
      if (buffer[i] === "\n") return { start, next: i + 1, contentEnd: i, fields };
      if (buffer[i] === "\r") {
        if (i + 1 >= n && !end) return undefined;
        if (buffer[i + 1] === "\n") return { start, next: i + 2, contentEnd: i, fields };
        return badLine("a carriage return (CR) that does not end a line");
      }
      return badLine("text after the closing quote of a field");
    }
  }
}

/** JSON Lines text → records, one a line. */
export class JsonLinesSplitter {
  private pending = "";
  private line = 0;
  private atStart = true;

  push(text: string, end: boolean, out: InputRecord[]): void {
    let buffer = this.pending + text;
    if (this.atStart && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      this.atStart = false;
    }
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf("\n", start);
      if (lf < 0 && !(end && start < buffer.length)) break;
      const lineEnd = lf < 0 ? buffer.length : lf;
      const line = buffer.slice(start, lineEnd).replace(/\r$/, "");
      start = lineEnd + 1;
      this.line++;
      if (line.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        out.push({ row: this.line, text: clip(line, QUARANTINE_TEXT_LIMIT), malformed: "line is not valid JSON" });
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        out.push({ row: this.line, text: clip(line, QUARANTINE_TEXT_LIMIT), malformed: "line is JSON but not an object" });
        continue;
      }
      out.push({ row: this.line, text: line, object: value as Record<string, unknown> });
    }
    this.pending = start < buffer.length ? buffer.slice(start) : "";
  }
}

/**
 * The records of `path`, `batchRows` at a time (a batch may be a little longer: a read's worth of
 * records is split at once). The file is read in pieces of `readBytes`.
 */
export async function* readRecords(
  path: string,
  splitter: CsvSplitter | JsonLinesSplitter,
  options: { batchRows: number; readBytes?: number },
): AsyncGenerator<InputRecord[]> {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: options.readBytes ?? 4 << 20 });
  let batch: InputRecord[] = [];
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      splitter.push(piece, false, batch);
      while (batch.length >= options.batchRows) {
        yield batch.splice(0, options.batchRows);
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`cannot read ${path}: no such file`);
    if (code === "EISDIR") throw new InputError(`cannot read ${path}: a directory, not a data file`);
    if (code === "EACCES") throw new InputError(`cannot read ${path}: permission denied`);
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  splitter.push("", true, batch);
  while (batch.length > 0) yield batch.splice(0, options.batchRows);
}
