/** Quoting for SQL text built from user-supplied names and values. */

/** A DuckDB identifier: `"name"`, with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A DuckDB string literal: `'text'`, with embedded quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A finite number as SQL text (DOUBLE), exact to the last bit. Written as a string cast: a bare
 * literal such as -0.0009581463939224177 is read as a DECIMAL first, and its cast to DOUBLE can
 * be one unit in the last place off, while text parsed as DOUBLE is rounded correctly.
 */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return `'${String(value)}'::DOUBLE`;
}
