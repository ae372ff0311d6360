/**
 * Model versions and aliases. Versions are numbered 1, 2, … per model name,
 * assigned inside an IMMEDIATE transaction so that two processes registering
 * at once never get the same number. An alias (`champion`, `challenger`)
 * points at one registered version; moving it is one transaction, and every
 * move is kept in `alias_events` for audit and rollback.
 */
import type { SqliteDatabase } from "./db.js";
import { RegistryConflictError, RegistryNotFoundError, WorkspaceError } from "./errors.js";
import {
  type Metrics,
  fromJsonColumn,
  isoTime,
  metricsFromColumn,
  metricsToColumn,
  requireInteger,
  requireOneOf,
  requireText,
  toJsonColumn,
} from "./columns.js";

export const VERSION_STATUSES = ["registered", "rejected"] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** `resolve(name, "latest")` is the newest registered version; no alias may take this name. */
export const LATEST = "latest";

export interface NewVersion {
  name: string;
  /** The run that produced it; null for a model imported from elsewhere. */
  runId: number | null;
  status: VersionStatus;
  metrics: Metrics;
  /** Why it was rejected (failed gates), or notes on why it passed. */
  reasons: string[];
  artifactSha256: string;
  specHash: string;
  dataHash: string;
  /** The request schema serving validates against (JSON Schema or similar). */
  inputSchema?: unknown;
  /** Whether it beat its task's trivial baseline on its first metric (absent: not compared). */
  beatsBaseline?: boolean;
}

export interface ModelVersion {
  name: string;
  version: number;
  runId: number | null;
  status: VersionStatus;
  metrics: Metrics;
  reasons: string[];
  artifactSha256: string;
  specHash: string;
  dataHash: string;
  inputSchema: unknown;
  aliases: string[];
  createdAt: string;
  /** null: not compared with a baseline (registered before schema 8, or nothing to compare). */
  beatsBaseline: boolean | null;
}

/** One row of `mlspec models --json`. */
export interface ModelListing {
  name: string;
  version: number;
  aliases: string[];
  status: VersionStatus;
  metrics: Metrics;
  artifactSha256: string;
  createdAt: string;
  /** null: not compared with a baseline. */
  beatsBaseline: boolean | null;
}

export interface AliasEvent {
  name: string;
  alias: string;
  /** null: the alias was new. */
  fromVersion: number | null;
  /** null: the alias was removed. */
  toVersion: number | null;
  at: string;
  /** Who moved it (`run 12`, `rollout NAME`, `USER (mlspec models alias)`); null when not recorded. */
  movedBy: string | null;
}

interface VersionRow {
  name: string;
  version: number;
  run_id: number | null;
  status: VersionStatus;
  metrics: string;
  reasons: string;
  artifact_sha256: string;
  spec_hash: string;
  data_hash: string;
  input_schema: string | null;
  created_at: number;
  beats_baseline: number | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function requireName(value: unknown, what: string): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new WorkspaceError(
      "INVALID_ARGUMENT",
      `${what} "${String(value)}" is not a valid name (a letter or _, then letters, digits, _, . or -)`,
    );
  }
  return value;
}

export class VersionStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
    private readonly artifactExists: ((sha256: string) => boolean) | undefined,
  ) {}

  /**
   * Register a new version of `name` (registered or rejected); returns its
   * number. Idempotent per (model, run, artifact): a step re-run after a crash
   * (`--resume`) gets the version it already made, not a copy.
   */
  register(entry: NewVersion): number {
    const name = requireName(entry.name, "model name");
    const status = requireOneOf(entry.status, VERSION_STATUSES, "version status");
    requireText(entry.artifactSha256, "version artifactSha256");
    requireText(entry.specHash, "version specHash");
    requireText(entry.dataHash, "version dataHash");
    if (!Array.isArray(entry.reasons) || entry.reasons.some((reason) => typeof reason !== "string")) {
      throw new WorkspaceError("INVALID_ARGUMENT", `reasons for ${name} must be a list of strings`);
    }
    const metrics = metricsToColumn(entry.metrics, `metrics of ${name}`);
    if (this.artifactExists && !this.artifactExists(entry.artifactSha256)) {
      throw new RegistryNotFoundError(
        `cannot register ${name}: its artifact ${entry.artifactSha256} is not stored in the workspace; put it first`,
      );
    }
    const runId = entry.runId ?? null;
    if (runId !== null) {
      requireInteger(runId, "version runId");
      if (!this.db.prepare("SELECT 1 FROM runs WHERE id = ?").get(runId)) {
        throw new RegistryNotFoundError(`cannot register ${name}: no run with id ${runId} in this workspace`);
      }
    }
    const insert = this.db.transaction(() => {
      const made = runId === null ? undefined : this.madeBy(name, runId, entry.artifactSha256);
      if (made) return made.version;
      const next = this.db
        .prepare("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE name = ?")
        .get(name) as { next: number };
      this.db
        .prepare(
          `INSERT INTO model_versions (name, version, run_id, status, metrics, reasons, artifact_sha256, spec_hash,
                                       data_hash, input_schema, created_at, beats_baseline)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          name,
          next.next,
          runId,
          status,
          metrics,
          JSON.stringify(entry.reasons),
          entry.artifactSha256,
          entry.specHash,
          entry.dataHash,
          entry.inputSchema === undefined ? null : toJsonColumn(entry.inputSchema, `input schema of ${name}`),
          this.clock(),
          entry.beatsBaseline === undefined ? null : entry.beatsBaseline ? 1 : 0,
        );
      return next.next;
    });
    return insert.immediate();
  }

  /** The version that run `runId` registered from this artifact, if it did. */
  madeBy(name: string, runId: number, artifactSha256: string): ModelVersion | undefined {
    const row = this.db
      .prepare("SELECT * FROM model_versions WHERE name = ? AND run_id = ? AND artifact_sha256 = ? ORDER BY version LIMIT 1")
      .get(name, runId, artifactSha256) as VersionRow | undefined;
    return row ? this.toVersion(row) : undefined;
  }

  get(name: string, version: number): ModelVersion {
    return this.toVersion(this.requireRow(name, version));
  }

  /** Every version, ordered by name then number; one model's if `name` is given. */
  list(name?: string): ModelVersion[] {
    const rows = (
      name === undefined
        ? this.db.prepare("SELECT * FROM model_versions ORDER BY name, version").all()
        : this.db.prepare("SELECT * FROM model_versions WHERE name = ? ORDER BY version").all(name)
    ) as VersionRow[];
    const aliases = this.aliasMap(name);
    return rows.map((row) => this.toVersion(row, aliases.get(`${row.name}@${row.version}`) ?? []));
  }

  listModels(): ModelListing[] {
    return this.list().map((v) => ({
      name: v.name,
      version: v.version,
      aliases: v.aliases,
      status: v.status,
      metrics: v.metrics,
      artifactSha256: v.artifactSha256,
      createdAt: v.createdAt,
      beatsBaseline: v.beatsBaseline,
    }));
  }

  /**
   * Point `alias` of model `name` at `version`, moving it if it pointed
   * elsewhere. Returns the version it pointed at before (null if new).
   * `movedBy` says who moved it, for the alias history.
   */
  setAlias(name: string, version: number, alias: string, movedBy: string | null = null): number | null {
    requireName(alias, "alias");
    if (alias === LATEST) {
      throw new WorkspaceError("INVALID_ARGUMENT", `"${LATEST}" is reserved: it always means the newest registered version`);
    }
    const move = this.db.transaction(() => {
      const row = this.requireRow(name, version);
      if (row.status !== "registered") {
        throw new RegistryConflictError(
          `cannot make ${name} version ${version} the ${alias}: it was rejected` +
            (row.reasons !== "[]" ? ` (${(JSON.parse(row.reasons) as string[]).join("; ")})` : ""),
        );
      }
      const previous = this.db.prepare("SELECT version FROM aliases WHERE name = ? AND alias = ?").get(name, alias) as
        | { version: number }
        | undefined;
      const now = this.clock();
      this.db
        .prepare(
          `INSERT INTO aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
        )
        .run(name, alias, version, now);
      if (previous?.version !== version) {
        this.db
          .prepare("INSERT INTO alias_events (name, alias, from_version, to_version, at, moved_by) VALUES (?, ?, ?, ?, ?, ?)")
          .run(name, alias, previous?.version ?? null, version, now, movedBy);
      }
      return previous?.version ?? null;
    });
    return move.immediate();
  }

  /** Drop an alias; returns whether it existed. */
  removeAlias(name: string, alias: string, movedBy: string | null = null): boolean {
    const remove = this.db.transaction(() => {
      const previous = this.db.prepare("SELECT version FROM aliases WHERE name = ? AND alias = ?").get(name, alias) as
        | { version: number }
        | undefined;
      if (!previous) return false;
      this.db.prepare("DELETE FROM aliases WHERE name = ? AND alias = ?").run(name, alias);
      this.db
        .prepare("INSERT INTO alias_events (name, alias, from_version, to_version, at, moved_by) VALUES (?, ?, ?, NULL, ?, ?)")
        .run(name, alias, previous.version, this.clock(), movedBy);
      return true;
    });
    return remove.immediate();
  }

  /** `name@ref`: ref is a version number (3 or "3"), an alias, or "latest". */
  resolve(name: string, ref: string | number): ModelVersion {
    if (typeof ref === "number" || /^\d+$/.test(ref)) return this.get(name, Number(ref));
    this.requireModel(name);
    if (ref === LATEST) {
      const row = this.db
        .prepare("SELECT * FROM model_versions WHERE name = ? AND status = 'registered' ORDER BY version DESC LIMIT 1")
        .get(name) as VersionRow | undefined;
      if (!row) throw new RegistryNotFoundError(`model ${name} has no registered version (all were rejected)`);
      return this.toVersion(row);
    }
    const alias = this.db.prepare("SELECT version FROM aliases WHERE name = ? AND alias = ?").get(name, ref) as
      | { version: number }
      | undefined;
    if (!alias) {
      const known = (this.db.prepare("SELECT alias FROM aliases WHERE name = ? ORDER BY alias").all(name) as { alias: string }[]).map(
        (row) => row.alias,
      );
      throw new RegistryNotFoundError(
        `model ${name} has no alias "${ref}"` +
          (known.length ? `; its aliases are ${known.join(", ")}` : "; it has no aliases yet") +
          ` (or use a version number or "${LATEST}")`,
      );
    }
    return this.get(name, alias.version);
  }

  aliasesOf(name: string, version: number): string[] {
    return (
      this.db.prepare("SELECT alias FROM aliases WHERE name = ? AND version = ? ORDER BY alias").all(name, version) as {
        alias: string;
      }[]
    ).map((row) => row.alias);
  }

  /** Every alias move of a model (optionally of one alias), oldest first. */
  aliasHistory(name: string, alias?: string): AliasEvent[] {
    const rows = this.db
      .prepare(
        `SELECT name, alias, from_version, to_version, at, moved_by FROM alias_events
         WHERE name = ? AND (? IS NULL OR alias = ?) ORDER BY id`,
      )
      .all(name, alias ?? null, alias ?? null) as {
      name: string;
      alias: string;
      from_version: number | null;
      to_version: number | null;
      at: number;
      moved_by: string | null;
    }[];
    return rows.map((row) => ({
      name: row.name,
      alias: row.alias,
      fromVersion: row.from_version,
      toVersion: row.to_version,
      at: isoTime(row.at),
      movedBy: row.moved_by,
    }));
  }

  private requireModel(name: string): void {
    if (this.db.prepare("SELECT 1 FROM model_versions WHERE name = ? LIMIT 1").get(name)) return;
    const names = (this.db.prepare("SELECT DISTINCT name FROM model_versions ORDER BY name").all() as { name: string }[]).map(
      (row) => row.name,
    );
    throw new RegistryNotFoundError(
      `no model named ${name} in the registry` + (names.length ? `; registered models: ${names.join(", ")}` : ""),
    );
  }

  private requireRow(name: string, version: number): VersionRow {
    requireInteger(version, "version");
    const row = this.db.prepare("SELECT * FROM model_versions WHERE name = ? AND version = ?").get(name, version) as
      | VersionRow
      | undefined;
    if (row) return row;
    this.requireModel(name);
    const latest = this.db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE name = ?").get(name) as { v: number };
    throw new RegistryNotFoundError(`model ${name} has no version ${version} (versions 1 to ${latest.v} exist)`);
  }

  private aliasMap(name?: string): Map<string, string[]> {
    const rows = (
      name === undefined
        ? this.db.prepare("SELECT name, alias, version FROM aliases ORDER BY alias").all()
        : this.db.prepare("SELECT name, alias, version FROM aliases WHERE name = ? ORDER BY alias").all(name)
    ) as { name: string; alias: string; version: number }[];
    const map = new Map<string, string[]>();
    for (const row of rows) {
      const key = `${row.name}@${row.version}`;
      const list = map.get(key);
      if (list) list.push(row.alias);
      else map.set(key, [row.alias]);
    }
    return map;
  }

  private toVersion(row: VersionRow, aliases?: string[]): ModelVersion {
    return {
      name: row.name,
      version: row.version,
      runId: row.run_id,
      status: row.status,
      metrics: metricsFromColumn(row.metrics),
      reasons: JSON.parse(row.reasons) as string[],
      artifactSha256: row.artifact_sha256,
      specHash: row.spec_hash,
      dataHash: row.data_hash,
      inputSchema: fromJsonColumn(row.input_schema),
      aliases: aliases ?? this.aliasesOf(row.name, row.version),
      createdAt: isoTime(row.created_at),
      beatsBaseline: row.beats_baseline === null || row.beats_baseline === undefined ? null : row.beats_baseline === 1,
    };
  }
}
