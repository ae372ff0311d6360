/**
 * Splits a CSV file into records by a fixed dialect (no sniffing), numbers them, and writes the
 * well-formed ones to a copy that DuckDB reads with the same dialect and nothing left to guess.
 * A record that breaks the dialect is rejected with its reason here, alone, so that one bad
 * line never stops the read.
 *
 * The dialect (spec/language.md#sources):
 *   delimiter  the source's `delimiter` (default ","); quote `"`, doubled inside a quoted field
 *   header     the source's `header` (default true): the first record names the columns
 *   line ends  LF or CR LF, either on any line; a CR elsewhere outside quotes is an error
 *   a quote opens a quoted field only at the start of a field; elsewhere it is a character
 *   a line with nothing on it is blank and skipped, except in a file of one column, where it is
 *   a record whose one field is empty (null)
 *
 * A record's row number is its position among the data records: the first record after the
 * header is row 1 (without a header, the first record), a blank line is no record and takes no
 * number, a record whose quoted field spans lines is one row, and a rejected record takes a
 * number like any other (so the rows after it keep theirs). Errors about the header give its
 * line in the file (1-based, every line counted).
 *
 * A record is rejected when its field count differs from the header's, when text follows a
 * closing quote, when a quoted field is never closed, or when it holds a CR that ends no line.
 * After a quote error the record is taken to be its first line only, and reading goes on at
 * the next line: an unclosed quote costs one line, not the rest of the file.
 *
 * The copy holds each accepted record as `<row><delimiter><record>\n`, so the row number travels
 * with the record through DuckDB. Rejected records go, as they are found, to a CSV file of their
 * own: `row,reason,text` (text clipped to QUARANTINE_TEXT_LIMIT characters).
 */
import { open } from "node:fs/promises";
import { DataSourceError } from "./errors.js";
import { clip, excerpt, QUARANTINE_TEXT_LIMIT } from "./excerpt.js";

export interface CsvDialect {
  delimiter: string;
  header: boolean;
  /** Column names when the file has no header row (else column0, column1, … by the first record). */
  columnNames?: string[];
}

export interface CsvRecords {
  /** Column names, in file order; empty when the file holds no record. */
  columns: string[];
  /** Records written to the copy. */
  accepted: number;
  /** Records written to the rejects file. */
  rejected: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const CHUNK = 4 * 1024 * 1024;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  AfterQuote,
}

/** What scanning one buffer from `start` found. */
type Step =
  | { kind: "record"; end: number; contentEnd: number; fields: number; lines: number }
  | { kind: "blank"; end: number }
  | { kind: "error"; reason: string; end: number; contentEnd: number }
  | { kind: "more" };

/**
 * Reads `path` by `dialect`, writing accepted records to `copyPath` and rejected ones to
 * `rejectsPath` (both replaced). Throws a
 * DataSourceError for a header that cannot be read or names a column twice.
 */
export async function splitCsvRecords(path: string, dialect: CsvDialect, copyPath: string, rejectsPath: string): Promise<CsvRecords> {
  const delimiter = Buffer.from(dialect.delimiter, "utf8");
  const input = await open(path, "r");
  const output = await open(copyPath, "w");
  const rejects = await open(rejectsPath, "w");
  try {
    let buffer = Buffer.alloc(0);
    let start = 0;
    let line = 1;
    let row = 0;
    let atFileStart = true;
    let eof = false;
    let columns: string[] | null = dialect.header ? null : dialect.columnNames ?? null;
    let expected = columns?.length ?? 0;
    let accepted = 0;
    let rejected = 0;
    let rejectLines: string[] = [];
    const reject = async (row: number, reason: string, text: string) => {
      rejected++;
      rejectLines.push(`${row},${csvField(reason)},${csvField(text)}\n`);
      if (rejectLines.length >= 10_000) {
        await rejects.write(rejectLines.join(""));
        rejectLines = [];
      }
    };
    // Accepted records are copied into `out` and written a chunk at a time.
    let out = Buffer.allocUnsafe(CHUNK);
    let used = 0;

    for (;;) {
      if (start >= buffer.length && eof) break;
      let step: Step = start < buffer.length ? scanRecord(buffer, start, delimiter, eof) : { kind: "more" };
      if (step.kind === "more") {
        if (eof) break;
        // Keep the unfinished record and read more; a record longer than a chunk doubles the read.
        const rest = buffer.subarray(start);
        const chunk = Buffer.alloc(Math.max(CHUNK, rest.length));
        const { bytesRead } = await input.read(chunk, 0, chunk.length, null);
        if (bytesRead < chunk.length) eof = true;
        buffer = Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
        start = 0;
        if (atFileStart && buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
        if (atFileStart && (buffer.length >= 3 || eof)) atFileStart = false;
        continue;
      }
      if (step.kind === "blank" && expected !== 1) {
        line++;
        start = step.end;
        continue;
      }
      if (step.kind === "blank") step = { kind: "record", end: step.end, contentEnd: start, fields: 1, lines: 0 };
      const at = line;
      if (step.kind === "error") {
        if (columns === null) throw new DataSourceError(`${path}: cannot read the header (line ${at}): ${step.reason}`);
        row++;
        await reject(row, `malformed CSV row: ${step.reason}`, rejectedText(buffer, start, step.contentEnd));
        line++;
        start = step.end;
        continue;
      }
      line += 1 + step.lines;
      if (columns === null) {
        columns = headerNames(buffer.subarray(start, step.contentEnd), delimiter, path);
        expected = columns.length;
      } else {
        row++;
        if (expected === 0) {
          // No header and no names given: name the columns by the first record.
          columns = Array.from({ length: step.fields }, (_, k) => `column${k}`);
          expected = step.fields;
        }
        if (step.fields !== expected) {
          const reason = `malformed CSV row: expected ${expected} fields, found ${step.fields}`;
          await reject(row, reason, rejectedText(buffer, start, step.contentEnd));
        } else {
          const length = step.contentEnd - start;
          if (used + length + 32 > out.length) {
            if (used > 0) await output.write(out, 0, used);
            out = Buffer.allocUnsafe(Math.max(CHUNK, length + 32));
            used = 0;
          }
          used = writeRowNumber(out, used, row);
          used += delimiter.copy(out, used);
          used += buffer.copy(out, used, start, step.contentEnd);
          out[used++] = LF;
          accepted++;
        }
      }
      start = step.end;
    }
    if (used > 0) await output.write(out, 0, used);
    if (rejectLines.length > 0) await rejects.write(rejectLines.join(""));
    return { columns: columns ?? [], accepted, rejected };
  } finally {
    await input.close();
    await output.close();
    await rejects.close();
  }
}

/** A CSV field, quoted. */
function csvField(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Writes `row` in decimal at `at`; returns the index after it. */
function writeRowNumber(out: Buffer, at: number, row: number): number {
  let digits = 1;
  for (let r = row; r >= 10; r = Math.floor(r / 10)) digits++;
  let r = row;
  for (let k = at + digits - 1; k >= at; k--) {
    out[k] = 0x30 + (r % 10);
    r = Math.floor(r / 10);
  }
  return at + digits;
}

/** The text of bytes start..end, clipped; at most 4 bytes a character are decoded. */
function rejectedText(buffer: Buffer, start: number, end: number): string {
  return clip(buffer.toString("utf8", start, Math.min(end, start + 4 * QUARANTINE_TEXT_LIMIT + 4)), QUARANTINE_TEXT_LIMIT);
}

/** Whether `delimiter` starts at `i`. */
function delimiterAt(buffer: Buffer, i: number, delimiter: Buffer): boolean {
  if (buffer[i] !== delimiter[0]) return false;
  for (let k = 1; k < delimiter.length; k++) if (buffer[i + k] !== delimiter[k]) return false;
  return true;
}

/** Index just past the first line end at or after `from`, or -1 if the buffer has none. */
function nextLine(buffer: Buffer, from: number): number {
  const lf = buffer.indexOf(LF, from);
  return lf < 0 ? -1 : lf + 1;
}

/** The line from `start` as a rejected record: its content end and where the next line starts. */
function badLine(buffer: Buffer, start: number, reason: string, eof: boolean): Step {
  const next = nextLine(buffer, start);
  if (next < 0) return eof ? { kind: "error", reason, end: buffer.length, contentEnd: buffer.length } : { kind: "more" };
  const contentEnd = next - 1 > start && buffer[next - 2] === CR ? next - 2 : next - 1;
  return { kind: "error", reason, end: next, contentEnd };
}

/** Scans one record (or blank line) from `start`. */
function scanRecord(buffer: Buffer, start: number, delimiter: Buffer, eof: boolean): Step {
  let state = State.FieldStart;
  let fields = 1;
  let lines = 0;
  const n = buffer.length;
  const d0 = delimiter[0]!;
  const dn = delimiter.length;
  for (let i = start; i < n; i++) {
    const b = buffer[i]!;
    if (state === State.Quoted) {
      if (b === QUOTE) state = State.AfterQuote;
      else if (b === LF) lines++;
      continue;
    }
    if (b === LF || b === CR) {
      let contentEnd = i;
      if (b === CR) {
        if (i + 1 >= n) {
          if (!eof) return { kind: "more" };
          return badLine(buffer, start, "a carriage return (CR) that does not end a line", eof);
        }
        if (buffer[i + 1] !== LF) return badLine(buffer, start, "a carriage return (CR) that does not end a line", eof);
        i++;
      }
      if (state === State.FieldStart && fields === 1 && contentEnd === start) return { kind: "blank", end: i + 1 };
      return { kind: "record", end: i + 1, contentEnd, fields, lines };
    }
    if (b === d0 && dn > 1 && i + dn > n && !eof) return { kind: "more" };
    if (b === d0 && (dn === 1 || delimiterAt(buffer, i, delimiter))) {
      fields++;
      state = State.FieldStart;
      i += dn - 1;
      continue;
    }
    if (state === State.FieldStart) state = b === QUOTE ? State.Quoted : State.Unquoted;
    else if (state === State.AfterQuote) {
      if (b === QUOTE) state = State.Quoted;
      else return badLine(buffer, start, "text after the closing quote of a field", eof);
    }
  }
  if (!eof) return { kind: "more" };
  if (state === State.Quoted) return badLine(buffer, start, "a quoted field is never closed (no closing quote before the end of the file)", eof);
  if (state === State.FieldStart && fields === 1 && n === start) return { kind: "blank", end: n };
  return { kind: "record", end: n, contentEnd: n, fields, lines };
}

/** The header's field values: names, unquoted; distinct (DuckDB's names ignore case). */
function headerNames(record: Buffer, delimiter: Buffer, path: string): string[] {
  const names: string[] = [];
  let field: number[] = [];
  let quoted = false;
  let i = 0;
  const bytes = record;
  const finish = () => {
    names.push(Buffer.from(field).toString("utf8"));
    field = [];
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (quoted) {
      if (b === QUOTE) {
        if (bytes[i + 1] === QUOTE) {
          field.push(QUOTE);
          i += 2;
          continue;
        }
        quoted = false;
      } else field.push(b);
      i++;
      continue;
    }
    if (delimiterAt(bytes, i, delimiter)) {
      finish();
      i += delimiter.length;
      continue;
    }
    if (b === QUOTE && field.length === 0) quoted = true;
    else field.push(b);
    i++;
  }
  finish();
  // An unnamed column (a leading index column, say) is named by its position, as DuckDB does.
  const named = names.map((name, k) => (name.length === 0 ? `column${k}` : name));
  const seen = new Map<string, number>();
  named.forEach((name, k) => {
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      const [first, second] = [excerpt(JSON.stringify(named[earlier]!)), excerpt(JSON.stringify(name))];
      throw new DataSourceError(
        named[earlier] === name
          ? `${path}: the header names column ${first} twice (fields ${earlier + 1} and ${k + 1}); rename one`
          : `${path}: the header names columns ${first} (field ${earlier + 1}) and ${second} (field ${k + 1}), which differ only in case (DuckDB's column names ignore case); rename one`,
      );
    }
    seen.set(name.toLowerCase(), k);
  });
  return named;
}
