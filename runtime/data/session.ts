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
    const t = performance.now();
    await this.connection.run(sql);
    if (process.env["MLSPEC_TRACE_SQL"]) console.error(`[sql ${(performance.now() - t).toFixed(0)} ms] ${sql.replace(/\s+/g, " ").slice(0, 150)}`);
  }

  /** Runs a query and returns its rows as plain objects; BIGINT/HUGEINT become numbers. */
  async rows(sql: string): Promise<SqlRow[]> {
    this.assertOpen();
    const t = performance.now();
    const reader = await this.connection.runAndReadAll(sql);
    if (process.env["MLSPEC_TRACE_SQL"]) console.error(`[sql ${(performance.now() - t).toFixed(0)} ms] ${sql.replace(/\s+/g, " ").slice(0, 150)}`);
    return reader.getRowObjectsJS().map((row) => {
      const out: SqlRow = {};
      for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
      return out;
    });
  }

  /** Runs a query and returns its result column by column. */
  async columns(sql: string): Promise<Record<string, unknown[]>> {
    this.assertOpen();
    const reader = await this.connection.runAndReadAll(sql);
    const columns = reader.getColumnsObjectJS();
    const out: Record<string, unknown[]> = {};
    for (const [name, values] of Object.entries(columns)) {
      out[name] = values.some((v) => typeof v === "bigint") ? values.map(plainValue) : values;
    }
    return out;
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

function plainValue(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}
