/**
 * `mlspec rollout replay SPEC --traffic FILE --feedback FILE`: loads the
 * recording, resolves models in the spec's workspace when it has one (slots
 * the recording has no answers for are scored there, in-process through
 * onnxruntime), replays, and prints the timeline. When the rollout's serve has
 * a monitor and the workspace exists, the monitor is replayed too — drift,
 * retraining, the challenger it registers — on a throwaway copy of the project
 * and workspace (runtime/monitor/replayed-monitor.ts); the user's are only read.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Plan } from "../../compiler/plan/schema.js";
import { loadModel, type LoadedModel } from "../../runtime/serve/loaded-model.js";
import { DATABASE_FILENAME, defaultWorkspaceDir, openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";
import { ReplayedMonitor, type ReplayedMonitorOptions } from "../../runtime/monitor/replayed-monitor.js";
import { readFeedback, readTraffic, RecordingError } from "../../runtime/rollout/recorded-traffic.js";
import { replayRollout, type ModelScorer, type ReplayResult } from "../../runtime/rollout/replay.js";
import { throwawayCopy, type ThrowawayCopy } from "../../runtime/rollout/throwaway-workspace.js";
import { timelineText } from "../../runtime/rollout/report.js";
import type { ModelVersionRef } from "../../stdlib/rollout/shared/rollout-types.js";

export interface ReplayCommandOptions {
  plan: Plan;
  traffic: string;
  feedback: string;
  rollout?: string;
  workspace?: string;
  seed?: number;
  /** Replay at this many times real time (default: instantly) */
  speed?: number;
  format: "text" | "json";
  /** false: the rollout alone, even when its serve has a monitor (`--no-monitor`). */
  monitor?: boolean;
  /** How the replayed monitor's retraining runs `mlspec run` (default: this process's CLI). */
  retrain?: ReplayedMonitorOptions["retrain"];
  /** Progress of a retraining (stderr). */
  log?: (line: string) => void;
}

/** Without a workspace, aliases stand for fixed versions (champion 1, challenger 2) so a fully recorded replay runs anywhere. */
function standIn(ref: string): ModelVersionRef | null {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)@([A-Za-z0-9_]+)$/.exec(ref);
  if (!m) return null;
  const version = /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2] === "champion" ? 1 : m[2] === "challenger" ? 2 : null;
  return version === null ? null : { model: m[1]!, version };
}

function workspaceScorer(ws: Workspace): { scorer: ModelScorer; close: () => Promise<void> } {
  const loaded = new Map<string, Promise<LoadedModel>>();
  const load = (ref: ModelVersionRef) => {
    const key = `${ref.model}@${ref.version}`;
    let model = loaded.get(key);
    if (!model) {
      const v = ws.registry.resolve(ref.model, String(ref.version));
      model = loadModel(ws.artifacts.get(v.artifactSha256), { name: v.name, version: v.version, aliases: v.aliases, metrics: v.metrics, createdAt: v.createdAt, artifactSha256: v.artifactSha256 }, { executor: "inline" });
      loaded.set(key, model);
    }
    return model;
  };
  const score = (p: Awaited<ReturnType<LoadedModel["run"]>>[number]): number => {
    if ("score" in p) return p.score;
    if ("probabilities" in p) {
      const values = Object.values(p.probabilities);
      return values[values.length - 1]!; // a binary model's positive class is its last
    }
    return p.prediction;
  };
  const scorer: ModelScorer = async (ref, inputs) => {
    const model = await load(ref);
    try {
      return (await model.run(inputs as never)).map(score);
    } catch {
      // one bad row must not fail its neighbours: score them one at a time
      return Promise.all(inputs.map(async (row) => model.run([row] as never).then((p) => score(p[0]!), (e: Error) => e)));
    }
  };
  return { scorer, close: async () => { for (const m of loaded.values()) await (await m).dispose(); } };
}

export async function runReplayCommand(specPath: string, options: ReplayCommandOptions, out: (text: string) => void): Promise<ReplayResult> {
  const rollouts = options.plan.rollouts;
  if (rollouts.length === 0) throw new RecordingError(`${specPath} has no rollout block to replay`);
  const name = options.rollout ?? (rollouts.length === 1 ? rollouts[0]!.name : undefined);
  if (!name) throw new RecordingError(`${specPath} has ${rollouts.length} rollouts (${rollouts.map((r) => r.name).join(", ")}); pick one with --rollout NAME`);
  if (!rollouts.some((r) => r.name === name)) throw new RecordingError(`the spec has no rollout ${name}; it has ${rollouts.map((r) => r.name).join(", ")}`);
  const traffic = readTraffic(options.traffic);
  const feedback = readFeedback(options.feedback);
  const dir = options.workspace ?? defaultWorkspaceDir(specPath);
  const hasWorkspace = existsSync(path.join(dir, DATABASE_FILENAME));
  const serve = rollouts.find((r) => r.name === name)!.serve;
  const monitors = options.monitor === false ? [] : options.plan.monitors.filter((m) => m.serve === serve).map((m) => m.name);
  // with a monitor, everything the rehearsal writes goes to a copy
  const copy: ThrowawayCopy | undefined = monitors.length > 0 && hasWorkspace ? throwawayCopy(specPath, dir) : undefined;
  let ws: Workspace | undefined;
  let scoring: ReturnType<typeof workspaceScorer> | undefined;
  let monitor: ReplayedMonitor | undefined;
  try {
    ws = copy ? openWorkspace(copy.workspaceDir) : hasWorkspace ? openWorkspace(dir) : undefined;
    scoring = ws ? workspaceScorer(ws) : undefined;
    monitor = copy && ws ? new ReplayedMonitor({ plan: options.plan, serve, copy: { ...copy, workspace: ws }, feedback, ...(options.retrain ? { retrain: options.retrain } : {}), ...(options.log ? { log: options.log } : {}) }) : undefined;
    const workspace = ws;
    const resolve = workspace
      ? (ref: string) => {
          const [model, version] = ref.split("@") as [string, string];
          try {
            const v = workspace.registry.resolve(model, version);
            return { model: v.name, version: v.version };
          } catch {
            return null;
          }
        }
      : standIn;
    const replayed = await replayRollout({ plan: options.plan, rollout: name, traffic, feedback, resolve, ...(scoring ? { scorer: scoring.scorer } : {}), seed: options.seed ?? 0, ...(options.speed ? { pace: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / options.speed!)) } : {}), ...(monitor ? { companion: monitor } : {}) });
    const result: ReplayResult =
      monitors.length === 0 ? replayed : { ...replayed, monitor: copy ? { monitors, replayed: true } : { monitors, replayed: false, note: `no workspace at ${dir}: run \`mlspec run ${specPath}\` first` } };
    out(options.format === "json" ? JSON.stringify(result, null, 2) + "\n" : timelineText(result, traffic[0]!.at));
    return result;
  } finally {
    await monitor?.close();
    await scoring?.close();
    ws?.close();
    copy?.remove();
  }
}
