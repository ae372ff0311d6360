/**
 * The workspace's embedded database: better-sqlite3 in WAL mode (readers never
 * block the writer), a busy timeout so concurrent processes wait instead of
 * failing, foreign keys on, and versioned migrations.
 */
import { createRequire } from "node:module";
import { SchemaVersionError, WorkspaceError } from "./errors.js";

// better-sqlite3 ships no type declarations and @types/better-sqlite3 is not a
// dependency, so the slice of its API that mlspec uses is typed here.
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  deferred(...args: A): R;
  immediate(...args: A): R;
  exclusive(...args: A): R;
}

export interface SqliteDatabase {
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): SqliteDatabase;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  close(): SqliteDatabase;
}

type SqliteConstructor = new (
  file: string,
  options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
) => SqliteDatabase;

const require = createRequire(import.meta.url);
const BetterSqlite3 = require("better-sqlite3") as SqliteConstructor;

/**
 * One schema step. `version`s start at 1 and increase; a number may be skipped while it is
 * reserved for work not merged yet (it is applied when it arrives, after later ones).
 * Never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: SqliteDatabase) => void);
}

export interface OpenDatabaseOptions {
  /** How long a write waits for another process's transaction (default 5000 ms). */
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
  /** Applied-at timestamps for schema_migrations (default Date.now). */
  clock?: () => number;
}

/** Open (creating if needed) a SQLite file configured for the workspace and bring its schema up to date. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let db: SqliteDatabase;
  try {
    db = new BetterSqlite3(file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new WorkspaceError("DB_OPEN_FAILED", `cannot open workspace database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal" && file !== ":memory:" && file !== "") {
      throw new WorkspaceError("DB_NO_WAL", `workspace database ${file} could not switch to WAL mode (got ${String(mode)})`);
    }
    // FULL: a committed transaction survives power loss too, not only a process crash
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    if (options.migrations) migrate(db, options.migrations, options.clock);
  } catch (error) {
    db.close();
    if (error instanceof WorkspaceError) throw error;
    // "file is not a database" and friends
    throw new WorkspaceError("DB_OPEN_FAILED", `cannot open workspace database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return db;
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    const after = i === 0 ? 0 : migrations[i - 1]!.version;
    if (!Number.isInteger(migration.version) || migration.version <= after) {
      throw new Error(`migration list is out of order: entry ${i} has version ${migration.version}, expected more than ${after}`);
    }
  });
}

export function schemaVersion(db: SqliteDatabase): number {
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Apply the migrations the database lacks, each in its own IMMEDIATE
 * transaction (so two processes opening a fresh workspace at once do not both
 * apply one). Running it again is a no-op. Returns the versions applied.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], clock: () => number = Date.now): number[] {
  checkMigrationList(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const latest = migrations.at(-1)?.version ?? 0;
  const found = schemaVersion(db);
  if (found > latest) throw new SchemaVersionError(found, latest, db.name);
  // by set, not by the highest number: a reserved number merged after a later one is still applied
  const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));

  const applied: number[] = [];
  const isApplied = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version)) return false; // another process got here first
      if (typeof migration.up === "string") db.exec(migration.up);
      else migration.up(db);
      record.run(migration.version, migration.name, clock());
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  return applied;
}

/** `PRAGMA integrity_check`: "ok", or the problems SQLite found. */
export function integrityCheck(db: SqliteDatabase): string[] {
  const rows = db.pragma("integrity_check") as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check);
}
