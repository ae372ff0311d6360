import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Migration, integrityCheck, migrate, openDatabase, schemaVersion } from "../../runtime/workspace/db.js";
import { SchemaVersionError, WorkspaceError } from "../../runtime/workspace/errors.js";
import { REGISTRY_MIGRATIONS } from "../../runtime/workspace/schema.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mlspec-db-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const clock = () => 1_700_000_000_000;

const migrations: Migration[] = [
  { version: 1, name: "notes", up: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)" },
  {
    version: 2,
    name: "note tags",
    up: (db) => {
      db.exec("ALTER TABLE notes ADD COLUMN tag TEXT");
      db.prepare("INSERT INTO notes (text, tag) VALUES (?, ?)").run("seeded by migration 2", "seed");
    },
  },
];

describe("openDatabase", () => {
  it("uses WAL, a busy timeout and foreign keys", () => {
    const db = openDatabase(join(dir, "a.db"), { busyTimeoutMs: 1234 });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("busy_timeout", { simple: true })).toBe(1234);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(integrityCheck(db)).toEqual(["ok"]);
    db.close();
  });

  it("turns a file that is not a database into a clear error", () => {
    const file = join(dir, "junk.db");
    writeFileSync(file, "this is not sqlite, just some text that is long enough to have a header".repeat(20));
    expect(() => openDatabase(file)).toThrow(WorkspaceError);
    expect(() => openDatabase(file)).toThrow(/cannot open workspace database .*junk\.db/);
  });

  it("applies the registry schema", () => {
    const db = openDatabase(join(dir, "r.db"), { migrations: REGISTRY_MIGRATIONS, clock });
    expect(schemaVersion(db)).toBe(REGISTRY_MIGRATIONS.at(-1)!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]).map((row) => row.name);
    for (const table of ["runs", "model_versions", "aliases", "checkpoints", "trials", "predictions", "rollouts", "rollout_events"]) {
      expect(tables).toContain(table);
    }
    db.close();
  });
});

describe("migrate", () => {
  it("applies pending migrations in order and is idempotent", () => {
    const file = join(dir, "m.db");
    const db = openDatabase(file);
    expect(migrate(db, migrations.slice(0, 1), clock)).toEqual([1]);
    expect(migrate(db, migrations, clock)).toEqual([2]);
    expect(migrate(db, migrations, clock)).toEqual([]);
    db.close();

    // reopening with the same list changes nothing either
    const again = openDatabase(file, { migrations, clock });
    expect(schemaVersion(again)).toBe(2);
    expect(again.prepare("SELECT COUNT(*) AS n FROM notes").get()).toEqual({ n: 1 });
    expect(again.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all()).toEqual([
      { version: 1, name: "notes", applied_at: clock() },
      { version: 2, name: "note tags", applied_at: clock() },
    ]);
    again.close();
  });

  it("rolls back a migration that fails, leaving the previous version", () => {
    const db = openDatabase(join(dir, "f.db"));
    const broken: Migration[] = [
      migrations[0]!,
      { version: 2, name: "broken", up: "ALTER TABLE notes ADD COLUMN tag TEXT; CREATE TABLE notes (x)" },
    ];
    expect(() => migrate(db, broken, clock)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    const columns = (db.prepare("PRAGMA table_info(notes)").all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(["id", "text"]);
    db.close();
  });

  it("refuses a database from a newer mlspec with a clear error", () => {
    const file = join(dir, "new.db");
    openDatabase(file, { migrations, clock }).close();
    expect(() => openDatabase(file, { migrations: migrations.slice(0, 1) })).toThrow(SchemaVersionError);
    expect(() => openDatabase(file, { migrations: migrations.slice(0, 1) })).toThrow(
      /is at schema version 2, but this mlspec only knows versions up to 1; upgrade mlspec/,
    );
  });

  it("rejects a migration list that is out of order", () => {
    const db = openDatabase(join(dir, "o.db"));
    expect(() => migrate(db, [migrations[1]!, migrations[0]!])).toThrow(/out of order/);
    db.close();
  });
});
