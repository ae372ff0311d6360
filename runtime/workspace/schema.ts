/**
 * The registry's schema as an ordered list of migrations. Append new ones;
 * never edit one that has shipped (workspaces already applied it).
 * Times are INTEGER milliseconds since the epoch; JSON columns are TEXT.
 */
import type { Migration } from "./db.js";

export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial registry",
    up: `
      CREATE TABLE artifacts (
        sha256     TEXT    PRIMARY KEY,
        size       INTEGER NOT NULL,
        meta       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        kind          TEXT    NOT NULL CHECK (kind IN ('train', 'trial', 'search')),
        model_name    TEXT    NOT NULL,
        search_name   TEXT,
        parent_run_id INTEGER REFERENCES runs(id),
        spec_hash     TEXT    NOT NULL,
        data_hash     TEXT    NOT NULL,
        seed          INTEGER NOT NULL,
        backend       TEXT    NOT NULL,
        params        TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'pruned')),
        metrics       TEXT,
        reason        TEXT,
        created_at    INTEGER NOT NULL,
        finished_at   INTEGER
      );
      CREATE INDEX runs_by_inputs ON runs (spec_hash, data_hash, model_name, state);
      CREATE INDEX runs_by_model ON runs (model_name);
      CREATE INDEX runs_by_search ON runs (search_name);
      CREATE INDEX runs_by_parent ON runs (parent_run_id);

      CREATE TABLE run_epochs (
        run_id    INTEGER NOT NULL REFERENCES runs(id),
        epoch     INTEGER NOT NULL,
        metrics   TEXT    NOT NULL,
        logged_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );

      CREATE TABLE run_timings (
        id        INTEGER PRIMARY KEY,
        run_id    INTEGER NOT NULL REFERENCES runs(id),
        phase     TEXT    NOT NULL,
        ms        REAL    NOT NULL,
        logged_at INTEGER NOT NULL
      );
      CREATE INDEX run_timings_by_run ON run_timings (run_id);

      CREATE TABLE checkpoints (
        run_id          INTEGER NOT NULL REFERENCES runs(id),
        epoch           INTEGER NOT NULL,
        artifact_sha256 TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );

      CREATE TABLE model_versions (
        name            TEXT    NOT NULL,
        version         INTEGER NOT NULL,
        run_id          INTEGER REFERENCES runs(id),
        status          TEXT    NOT NULL CHECK (status IN ('registered', 'rejected')),
        metrics         TEXT    NOT NULL,
        reasons         TEXT    NOT NULL,
        artifact_sha256 TEXT    NOT NULL,
        spec_hash       TEXT    NOT NULL,
        data_hash       TEXT    NOT NULL,
        input_schema    TEXT,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );

      CREATE TABLE aliases (
        name       TEXT    NOT NULL,
        alias      TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
      );

      CREATE TABLE alias_events (
        id           INTEGER PRIMARY KEY,
        name         TEXT    NOT NULL,
        alias        TEXT    NOT NULL,
        from_version INTEGER,
        to_version   INTEGER,
        at           INTEGER NOT NULL
      );
      CREATE INDEX alias_events_by_alias ON alias_events (name, alias, id);

      CREATE TABLE trials (
        search_run_id INTEGER NOT NULL REFERENCES runs(id),
        number        INTEGER NOT NULL,
        run_id        INTEGER REFERENCES runs(id),
        params        TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
        value         REAL,
        intermediate  TEXT    NOT NULL,
        reason        TEXT,
        duration_ms   REAL,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (search_run_id, number)
      );

      CREATE TABLE predictions (
        id         INTEGER PRIMARY KEY,
        request_id TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        serve      TEXT    NOT NULL,
        model      TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        inputs     TEXT    NOT NULL,
        output     TEXT    NOT NULL,
        latency_ms REAL    NOT NULL
      );
      CREATE INDEX predictions_by_serve_time ON predictions (serve, at);
      CREATE INDEX predictions_by_time ON predictions (at);
      CREATE INDEX predictions_by_request ON predictions (request_id);

      CREATE TABLE rollouts (
        name       TEXT    PRIMARY KEY,
        state      TEXT    NOT NULL,
        revision   INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE rollout_events (
        id         INTEGER PRIMARY KEY,
        rollout    TEXT    NOT NULL REFERENCES rollouts(name),
        at         INTEGER NOT NULL,
        from_state TEXT,
        to_state   TEXT    NOT NULL,
        reason     TEXT    NOT NULL
      );
      CREATE INDEX rollout_events_by_rollout ON rollout_events (rollout, id);
    `,
  },
  {
    version: 2,
    name: "step cache",
    up: `
      CREATE TABLE step_cache (
        key        TEXT    PRIMARY KEY,
        step_kind  TEXT    NOT NULL,
        artifact   TEXT    NOT NULL REFERENCES artifacts(sha256),
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "run liveness",
    // who runs a run, and when it last said so: a run whose process died is shown as interrupted
    up: `
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN host TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
    `,
  },
  {
    version: 4,
    name: "who moved an alias",
    // `run 12`, `rollout churn_rollout`, `alice (mlspec models alias)`; NULL for moves made before
    up: `
      ALTER TABLE alias_events ADD COLUMN moved_by TEXT;
    `,
  },
  {
    version: 5,
    name: "monitoring",
    up: `
      CREATE TABLE monitoring_references (
        name            TEXT    NOT NULL,
        version         INTEGER NOT NULL,
        artifact_sha256 TEXT    NOT NULL REFERENCES artifacts(sha256),
        rows            INTEGER NOT NULL,
        seed            INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (name, version),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
      ) WITHOUT ROWID;

      CREATE TABLE monitor_firings (
        id          INTEGER PRIMARY KEY,
        monitor     TEXT    NOT NULL,
        rule        TEXT    NOT NULL,
        kind        TEXT    NOT NULL CHECK (kind IN ('drift', 'performance')),
        model       TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        window_from INTEGER NOT NULL,
        window_to   INTEGER NOT NULL,
        result      TEXT    NOT NULL,
        at          INTEGER NOT NULL
      );
      CREATE INDEX monitor_firings_by_monitor ON monitor_firings (monitor, id);
    `,
  },
  {
    version: 6,
    name: "rollouts: arms and feedback",
    // which slot answered and for which rollout; error: null when the model answered, its class when not
    up: `
      ALTER TABLE predictions ADD COLUMN arm TEXT;
      ALTER TABLE predictions ADD COLUMN rollout TEXT;
      ALTER TABLE predictions ADD COLUMN error TEXT;

      CREATE TABLE feedback (
        id          INTEGER PRIMARY KEY,
        serve       TEXT    NOT NULL,
        request_id  TEXT,
        key_json    TEXT,
        outcome     REAL    NOT NULL,
        received_at INTEGER NOT NULL,
        source      TEXT    NOT NULL
      );
      CREATE INDEX feedback_by_request ON feedback (request_id);
      CREATE INDEX feedback_by_serve_time ON feedback (serve, received_at);
    `,
  },
  {
    version: 7,
    name: "monitoring: retraining",
    // every retrain trigger: skipped (cooldown, already running) or started, and how it ended;
    // a started one whose process died (pid gone) is retried, attempts counts the starts
    up: `
      CREATE TABLE retrain_triggers (
        id          INTEGER PRIMARY KEY,
        monitor     TEXT    NOT NULL,
        model       TEXT    NOT NULL,
        signals     TEXT    NOT NULL,
        firing_ids  TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        state       TEXT    NOT NULL CHECK (state IN ('skipped', 'pending', 'running', 'registered', 'rejected', 'unchanged', 'failed')),
        reason      TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0,
        pid         INTEGER,
        host        TEXT,
        started_at  INTEGER,
        finished_at INTEGER,
        exit_code   INTEGER,
        version     INTEGER,
        alias       TEXT,
        data_hash   TEXT,
        base_version INTEGER
      );
      CREATE INDEX retrain_triggers_by_monitor ON retrain_triggers (monitor, at);
      CREATE INDEX retrain_triggers_by_state ON retrain_triggers (state);
    `,
  },
  {
    version: 8,
    name: "baselines",
    // 1: the version beat its task's trivial baseline on its first metric, 0: it did not,
    // NULL: not compared (registered before, or the baseline's metric was undefined)
    up: `
      ALTER TABLE model_versions ADD COLUMN beats_baseline INTEGER;
    `,
  },
];
