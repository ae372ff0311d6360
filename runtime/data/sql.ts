/** Quoting for SQL text built from user-supplied names and values. */

/** A DuckDB identifier: `"name"`, with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A DuckDB string literal: `'text'`, with embedded quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A finite number as SQL text (DOUBLE literal), exact to the last bit. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return `${String(value)}::DOUBLE`;
}
