/**
 * The registry: everything the workspace database records, behind typed
 * methods — runs and checkpoints, model versions and aliases, search trials,
 * the prediction log, rollout state, and the artifact index. Each concern
 * lives in its own store module; this class is the one object callers hold.
 */
import { hostname } from "node:os";
import type { ArtifactIndex, ArtifactMeta } from "./artifacts.js";
import type { Metrics } from "./columns.js";
import { type SqliteDatabase, integrityCheck, openDatabase } from "./db.js";
import { REGISTRY_MIGRATIONS } from "./schema.js";
import {
  type Checkpoint,
  type NewRun,
  type RunFilter,
  type RunKind,
  type RunOutcome,
  type RunLiveness,
  type RunRecord,
  type RunSummary,
  RunStore,
} from "./runs.js";
import { type AliasEvent, type ModelListing, type ModelVersion, type NewVersion, VersionStore } from "./versions.js";
import { type TrialInput, type TrialRecord, TrialStore } from "./trials.js";
import {
  type LoggedPrediction,
  type PredictionLogOptions,
  type PredictionQuery,
  PredictionLogWriter,
  readPredictions,
} from "./predictions.js";
import { type RolloutEvent, type RolloutState, RolloutStore, type SaveRolloutOptions } from "./rollouts.js";

export type { Metrics } from "./columns.js";
export type * from "./runs.js";
export type * from "./versions.js";
export type * from "./trials.js";
export type * from "./predictions.js";
export type * from "./rollouts.js";
export { PredictionLogWriter } from "./predictions.js";

export interface RegistryOptions {
  /** ms since the epoch for every timestamp the registry writes (default Date.now). */
  clock?: () => number;
  /** When given, versions and checkpoints must name an artifact that exists. */
  artifactExists?: (sha256: string) => boolean;
  busyTimeoutMs?: number;
  /** How this process's runs are marked and others' judged alive (default: this pid and host, a 2-minute stale heartbeat). */
  liveness?: Partial<RunLiveness>;
  /** How often the heartbeat of this process's running runs is renewed (default 5000 ms). */
  heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_STALE_AFTER_MS = 120_000;

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class Registry implements ArtifactIndex {
  readonly db: SqliteDatabase;
  private readonly clock: () => number;
  private readonly runs: RunStore;
  private readonly versions: VersionStore;
  private readonly trials: TrialStore;
  private readonly rollouts: RolloutStore;
  private readonly writers = new Set<PredictionLogWriter>();
  private readonly heartbeatMs: number;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  /** Open (creating and migrating as needed) the registry database at `file`. */
  static open(file: string, options: RegistryOptions = {}): Registry {
    const db = openDatabase(file, {
      migrations: REGISTRY_MIGRATIONS,
      busyTimeoutMs: options.busyTimeoutMs,
      clock: options.clock,
    });
    return new Registry(db, options);
  }

  /** Wrap a database already opened with the registry migrations applied. */
  constructor(db: SqliteDatabase, options: RegistryOptions = {}) {
    this.db = db;
    this.clock = options.clock ?? Date.now;
    this.runs = new RunStore(db, this.clock, options.artifactExists, {
      pid: options.liveness?.pid ?? process.pid,
      host: options.liveness?.host ?? hostname(),
      isAlive: options.liveness?.isAlive ?? processExists,
      staleAfterMs: options.liveness?.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    });
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.versions = new VersionStore(db, this.clock, options.artifactExists);
    this.trials = new TrialStore(db, this.clock);
    this.rollouts = new RolloutStore(db, this.clock);
  }

  // step cache ------------------------------------------------------------

  /**
   * The artifact a step produced for an input content hash, so that running an
   * unchanged spec on unchanged data reuses its work.
   */
  cachedStep(key: string): string | undefined {
    const row = this.db.prepare("SELECT artifact FROM step_cache WHERE key = ?").get(key) as { artifact: string } | undefined;
    return row?.artifact;
  }

  cacheStep(key: string, stepKind: string, artifactSha256: string): void {
    this.db
      .prepare("INSERT INTO step_cache (key, step_kind, artifact, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET artifact = excluded.artifact")
      .run(key, stepKind, artifactSha256, this.clock());
  }

  // runs ------------------------------------------------------------------

  /** Start a run (state "running", owned by this process, its heartbeat renewed while it runs); returns its id. */
  createRun(run: NewRun): number {
    const id = this.runs.create(run);
    this.keepBeating();
    return id;
  }

  /** Take over an interrupted run to resume it; false when its process still lives. */
  claimRun(runId: number): boolean {
    const claimed = this.runs.claim(runId);
    if (claimed) this.keepBeating();
    return claimed;
  }

  /** Renew the heartbeat of this process's running runs now (the timer does it every `heartbeatMs`). */
  heartbeat(): void {
    this.runs.heartbeat();
    if (this.runs.ownedRuns.size === 0) this.stopBeating();
  }

  private keepBeating(): void {
    if (this.heartbeatTimer || this.heartbeatMs <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      try {
        this.heartbeat();
      } catch {
        // a busy database skips one beat; the next one renews it
      }
    }, this.heartbeatMs);
    this.heartbeatTimer.unref(); // never what keeps a finished command alive
  }

  private stopBeating(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  logEpoch(runId: number, epoch: number, metrics: Metrics): void {
    this.runs.logEpoch(runId, epoch, metrics);
  }

  logTiming(runId: number, phase: string, ms: number): void {
    this.runs.logTiming(runId, phase, ms);
  }

  /** Mark a running run complete, failed or pruned. Finishing it twice is an error. */
  finishRun(runId: number, outcome: RunOutcome): void {
    this.runs.finish(runId, outcome);
    if (this.runs.ownedRuns.size === 0) this.stopBeating();
  }

  /** A run with its epochs and timings. */
  getRun(runId: number): RunRecord {
    return this.runs.get(runId);
  }

  listRuns(filter: RunFilter = {}): RunSummary[] {
    return this.runs.list(filter);
  }

  saveCheckpoint(runId: number, epoch: number, artifactSha256: string): void {
    this.runs.saveCheckpoint(runId, epoch, artifactSha256);
  }

  lastCheckpoint(runId: number): Checkpoint | undefined {
    return this.runs.lastCheckpoint(runId);
  }

  /** The latest interrupted run of this model on this spec and data (its process died), if any; `claimRun` it to resume it. */
  findResumableRun(specHash: string, dataHash: string, modelName: string, kind?: RunKind): RunSummary | undefined {
    return this.runs.findResumable(specHash, dataHash, modelName, kind);
  }

  // model versions and aliases ---------------------------------------------

  /** Register version n+1 of `entry.name`; returns n+1, or the version this run already made from this artifact. */
  registerVersion(entry: NewVersion): number {
    return this.versions.register(entry);
  }

  /** The version run `runId` registered from this artifact, if any (what a re-run register step finds). */
  versionMadeBy(name: string, runId: number, artifactSha256: string): ModelVersion | undefined {
    return this.versions.madeBy(name, runId, artifactSha256);
  }

  getVersion(name: string, version: number): ModelVersion {
    return this.versions.get(name, version);
  }

  listVersions(name?: string): ModelVersion[] {
    return this.versions.list(name);
  }

  /** Point an alias at a registered version; returns the version it pointed at before, or null. */
  setAlias(name: string, version: number, alias: string, movedBy: string | null = null): number | null {
    return this.versions.setAlias(name, version, alias, movedBy);
  }

  removeAlias(name: string, alias: string, movedBy: string | null = null): boolean {
    return this.versions.removeAlias(name, alias, movedBy);
  }

  /** `name@ref` where ref is a version number, an alias, or "latest". */
  resolve(name: string, ref: string | number): ModelVersion {
    return this.versions.resolve(name, ref);
  }

  aliasesOf(name: string, version: number): string[] {
    return this.versions.aliasesOf(name, version);
  }

  aliasHistory(name: string, alias?: string): AliasEvent[] {
    return this.versions.aliasHistory(name, alias);
  }

  /** Every version of every model, as `mlspec models --json` prints them. */
  listModels(): ModelListing[] {
    return this.versions.listModels();
  }

  // search trials -----------------------------------------------------------

  recordTrial(trial: TrialInput): void {
    this.trials.record(trial);
  }

  listTrials(searchRunId: number): TrialRecord[] {
    return this.trials.list(searchRunId);
  }

  // prediction log ----------------------------------------------------------

  /** A buffered writer; the registry flushes and closes it on `close()`. */
  predictionLog(options: PredictionLogOptions = {}): PredictionLogWriter {
    const writer = new PredictionLogWriter(this.db, { ...options, clock: options.clock ?? this.clock }, (closed) =>
      this.writers.delete(closed),
    );
    this.writers.add(writer);
    return writer;
  }

  readPredictions(query: PredictionQuery = {}): LoggedPrediction[] {
    return readPredictions(this.db, query);
  }

  // rollouts -----------------------------------------------------------------

  getRolloutState<S = unknown>(name: string): RolloutState<S> | undefined {
    return this.rollouts.get<S>(name);
  }

  /** Save a rollout's state and, in the same transaction, the transition that led to it. */
  saveRolloutState<S>(name: string, state: S, options: SaveRolloutOptions = {}): RolloutState<S> {
    return this.rollouts.save(name, state, options);
  }

  listRolloutEvents(name: string): RolloutEvent[] {
    return this.rollouts.events(name);
  }

  listRollouts(): RolloutState[] {
    return this.rollouts.list();
  }

  // artifact index ----------------------------------------------------------

  recordArtifact(entry: { sha256: string; size: number; meta: ArtifactMeta }): void {
    this.db
      .prepare("INSERT OR IGNORE INTO artifacts (sha256, size, meta, created_at) VALUES (?, ?, ?, ?)")
      .run(entry.sha256, entry.size, JSON.stringify(entry.meta ?? {}), this.clock());
  }

  artifactMeta(sha256: string): ArtifactMeta | undefined {
    const row = this.db.prepare("SELECT meta FROM artifacts WHERE sha256 = ?").get(sha256) as { meta: string } | undefined;
    return row ? (JSON.parse(row.meta) as ArtifactMeta) : undefined;
  }

  // lifecycle ---------------------------------------------------------------

  /** "ok", or the problems SQLite's integrity check found. */
  integrityCheck(): string[] {
    return integrityCheck(this.db);
  }

  /** Flush and close open prediction writers, then close the database. Idempotent. */
  close(): void {
    this.stopBeating();
    if (!this.db.open) return;
    let firstError: unknown;
    for (const writer of [...this.writers]) {
      try {
        writer.close();
      } catch (error) {
        firstError ??= error;
      }
    }
    this.writers.clear();
    this.db.close();
    if (firstError !== undefined) throw firstError;
  }
}
