/**
 * One embedded DuckDB database (in memory) holding one dataset while a run works
 * on it: the raw rows, the accepted typed table, split assignments. DuckDB is
 * imported lazily so that loading the compiler or checker never loads it.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export type SqlRow = Record<string, unknown>;

export class DataSession {
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number } = {}): Promise<DataSession> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config["threads"] = String(options.threads);
    const instance = await DuckDBInstance.create(":memory:", config);
    const connection = await instance.connect();
    // Timestamps are read and reported in UTC whatever the machine's zone.
    await connection.run("SET TimeZone = 'UTC'");
    return new DataSession(instance, connection);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string): Promise<void> {
    this.assertOpen();
    const started = performance.now();
    await this.connection.run(sql);
    trace(sql, started);
  }

  /** Runs a query and returns its rows as plain objects; BIGINT/HUGEINT become numbers. */
  async rows(sql: string): Promise<SqlRow[]> {
    this.assertOpen();
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql);
    trace(sql, started);
    return reader.getRowObjectsJS().map((row) => {
      const out: SqlRow = {};
      for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
      return out;
    });
  }

  /**
   * Runs a query and returns its result column by column, reading DuckDB's vectors directly
   * (several times faster than converting row objects). Meant for DOUBLE, INTEGER, BOOLEAN and
   * VARCHAR columns, which arrive as JS numbers, booleans and strings; cast others in SQL.
   */
  async columns(sql: string): Promise<Record<string, unknown[]>> {
    this.assertOpen();
    const started = performance.now();
    const result = await this.connection.run(sql);
    trace(sql, started);
    const names = result.columnNames();
    const total = Number(result.rowCount);
    const out = names.map(() => new Array<unknown>(total));
    let offset = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const rows = chunk.rowCount;
      names.forEach((_, k) => {
        const vector = chunk.getColumnVector(k);
        const target = out[k]!;
        for (let j = 0; j < rows; j++) target[offset + j] = plainValue(vector.getItem(j));
      });
      offset += rows;
    }
    return Object.fromEntries(names.map((name, k) => [name, out[k]!]));
  }

  /**
   * Like `columns`, but DOUBLE columns come back as one Float64Array and INTEGER columns as one
   * Int32Array each, copied from DuckDB's vectors without a JS value per cell (a null reads as
   * NaN / 0: cast nulls to a sentinel in SQL where they matter). Other types as in `columns`.
   */
  async typedColumns(sql: string): Promise<Record<string, Float64Array | Int32Array | unknown[]>> {
    this.assertOpen();
    const { DuckDBTypeId } = await import("@duckdb/node-api");
    const started = performance.now();
    const result = await this.connection.run(sql);
    trace(sql, started);
    const names = result.columnNames();
    const types = result.columnTypes();
    const total = Number(result.rowCount);
    const out = types.map((t) =>
      t.typeId === DuckDBTypeId.DOUBLE ? new Float64Array(total) : t.typeId === DuckDBTypeId.INTEGER ? new Int32Array(total) : new Array<unknown>(total),
    );
    let offset = 0;
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      const rows = chunk.rowCount;
      names.forEach((_, k) => {
        const vector = chunk.getColumnVector(k);
        const target = out[k]!;
        if (Array.isArray(target)) {
          for (let j = 0; j < rows; j++) target[offset + j] = plainValue(vector.getItem(j));
          return;
        }
        const items = rawItems(vector);
        if (items !== null && items.length === rows && items.constructor === target.constructor) {
          target.set(items, offset);
          return;
        }
        const nullValue = target instanceof Float64Array ? NaN : 0;
        for (let j = 0; j < rows; j++) target[offset + j] = (vector.getItem(j) as number | null) ?? nullValue;
      });
      offset += rows;
    }
    return Object.fromEntries(names.map((name, k) => [name, out[k]!]));
  }

  /** The first row of a query; throws if there is none. */
  async one(sql: string): Promise<SqlRow> {
    const rows = await this.rows(sql);
    if (rows.length === 0) throw new Error(`query returned no rows: ${sql.slice(0, 200)}`);
    return rows[0]!;
  }

  /** Column names and DuckDB types of a table or view. */
  async describe(relation: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.rows(`DESCRIBE SELECT * FROM ${relation}`);
    return rows.map((r) => ({ name: String(r["column_name"]), type: String(r["column_type"]) }));
  }

  /** Replaces table `table` with one BIGINT column `column` holding `values` in order. */
  async writeIntegers(table: string, column: string, values: readonly number[]): Promise<void> {
    this.assertOpen();
    await this.connection.run(`CREATE OR REPLACE TABLE ${table} (${column} BIGINT)`);
    const appender = await this.connection.createAppender(table);
    try {
      for (const value of values) {
        appender.appendBigInt(BigInt(value));
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("data session is closed");
  }
}

/** With MLSPEC_TRACE_SQL set, each statement's time and start go to stderr. */
function trace(sql: string, started: number): void {
  if (!process.env["MLSPEC_TRACE_SQL"]) return;
  const text = sql.replace(/\s+/g, " ").trim();
  console.error(`[sql ${(performance.now() - started).toFixed(0)} ms] ${process.env["MLSPEC_TRACE_SQL"] === "full" ? text : text.slice(0, 160)}`);
}

/**
 * A fixed-width vector's values as the typed array @duckdb/node-api reads them into (its
 * `items`, not public API), or null when that is not there or some value is null (then the
 * array holds garbage at the nulls). Callers fall back to getItem.
 */
function rawItems(vector: unknown): Float64Array | Int32Array | null {
  const v = vector as { items?: unknown; validity?: { data?: unknown } };
  if (!(v.items instanceof Float64Array || v.items instanceof Int32Array) || v.validity === undefined || v.validity.data !== null) return null;
  return v.items;
}

function plainValue(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}
