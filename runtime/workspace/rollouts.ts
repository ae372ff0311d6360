/**
 * Persisted rollout state for controllers (Argo Rollouts style): the whole
 * state as one JSON document plus a log of named transitions. Saving a state
 * and its transition is one transaction; `expectRevision` lets a controller
 * detect that another process moved the rollout since it last read it.
 */
import type { SqliteDatabase } from "./db.js";
import { RegistryConflictError } from "./errors.js";
import { requireText, toJsonColumn } from "./columns.js";

export interface RolloutState<S = unknown> {
  name: string;
  state: S;
  /** 1 on the first save, +1 on every save. */
  revision: number;
  /** ms since the epoch */
  updatedAt: number;
}

export interface RolloutTransition {
  /** null for the first state */
  from: string | null;
  to: string;
  reason: string;
}

export interface RolloutEvent {
  rollout: string;
  /** ms since the epoch */
  at: number;
  fromState: string | null;
  toState: string;
  reason: string;
}

export interface SaveRolloutOptions {
  event?: RolloutTransition;
  /** Refuse the save unless the stored revision is this (0: the rollout must not exist yet). */
  expectRevision?: number;
}

interface RolloutRow {
  name: string;
  state: string;
  revision: number;
  updated_at: number;
}

export class RolloutStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number,
  ) {}

  get<S = unknown>(name: string): RolloutState<S> | undefined {
    const row = this.db.prepare("SELECT * FROM rollouts WHERE name = ?").get(name) as RolloutRow | undefined;
    return row ? toState<S>(row) : undefined;
  }

  list(): RolloutState[] {
    return (this.db.prepare("SELECT * FROM rollouts ORDER BY name").all() as RolloutRow[]).map((row) => toState(row));
  }

  save<S>(name: string, state: S, options: SaveRolloutOptions = {}): RolloutState<S> {
    requireText(name, "rollout name");
    const json = toJsonColumn(state, `state of rollout ${name}`);
    if (options.event) {
      requireText(options.event.to, "rollout transition target");
      requireText(options.event.reason, "rollout transition reason");
    }
    const save = this.db.transaction(() => {
      const current = this.db.prepare("SELECT revision FROM rollouts WHERE name = ?").get(name) as
        | { revision: number }
        | undefined;
      const revision = current?.revision ?? 0;
      if (options.expectRevision !== undefined && options.expectRevision !== revision) {
        throw new RegistryConflictError(
          `rollout ${name} changed under this controller: expected revision ${options.expectRevision}, found ${revision}`,
        );
      }
      const now = this.clock();
      this.db
        .prepare(
          `INSERT INTO rollouts (name, state, revision, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET state = excluded.state, revision = excluded.revision,
                                             updated_at = excluded.updated_at`,
        )
        .run(name, json, revision + 1, now);
      if (options.event) {
        this.db
          .prepare("INSERT INTO rollout_events (rollout, at, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?)")
          .run(name, now, options.event.from, options.event.to, options.event.reason);
      }
      return { name, state: JSON.parse(json) as S, revision: revision + 1, updatedAt: now };
    });
    return save.immediate();
  }

  events(name: string): RolloutEvent[] {
    const rows = this.db
      .prepare("SELECT rollout, at, from_state, to_state, reason FROM rollout_events WHERE rollout = ? ORDER BY id")
      .all(name) as { rollout: string; at: number; from_state: string | null; to_state: string; reason: string }[];
    return rows.map((row) => ({
      rollout: row.rollout,
      at: row.at,
      fromState: row.from_state,
      toState: row.to_state,
      reason: row.reason,
    }));
  }
}

function toState<S>(row: RolloutRow): RolloutState<S> {
  return { name: row.name, state: JSON.parse(row.state) as S, revision: row.revision, updatedAt: row.updated_at };
}
