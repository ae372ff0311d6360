/**
 * `mlspec rollout status|history|promote|abort|pause|resume|replay`: the
 * rollouts a workspace holds, a person's decisions on them, and a rehearsal of
 * a rollout on recorded traffic (spec/rollouts.md). Modules load only when a
 * subcommand runs.
 */
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";
import { openExisting, userName, workspaceOptions, type WorkspaceFlags } from "./workspace-flags.js";

async function stores(ws: Awaited<ReturnType<typeof openExisting>>) {
  const { RolloutStore } = await import("../../runtime/workspace/rollouts.js");
  return new RolloutStore(ws.registry.db, Date.now);
}

export function registerRollout(program: Command, setExit: (code: number) => void): void {
  const rollout = program.command("rollout").description("rollouts: status, history, a person's decisions, and replays on recorded traffic");

  workspaceOptions(rollout.command("status").description("phase, step, weights, guards with values, test results and the last transitions").argument("[name]", "one rollout (default: all)"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string | undefined, opts: WorkspaceFlags & { format: "text" | "json" }) => {
      const ws = await openExisting(opts);
      try {
        const store = await stores(ws);
        const { statusText } = await import("../../runtime/rollout/report.js");
        const { phaseLabel } = await import("../../runtime/rollout/controller.js");
        const all = store.list();
        const chosen = name === undefined ? all : all.filter((r) => r.name === name);
        if (name !== undefined && chosen.length === 0) throw new CliError(`no rollout ${name} in this workspace${all.length ? `; it has ${all.map((r) => r.name).join(", ")}` : ""}`, 1);
        type Doc = import("../../stdlib/rollout/shared/rollout-types.js").RolloutDoc;
        if (opts.format === "json") {
          process.stdout.write(JSON.stringify(chosen.map((r) => ({ ...(r.state as Doc), revision: r.revision, updatedAt: new Date(r.updatedAt).toISOString(), events: store.events(r.name).slice(-10) })), null, 2) + "\n");
          return;
        }
        if (chosen.length === 0) process.stdout.write("no rollouts yet (a rollout starts when mlspec serve sees a candidate)\n");
        for (const r of chosen) process.stdout.write(statusText(r.state as Doc, store.events(r.name), phaseLabel(r.state as Doc)));
      } finally {
        ws.close();
      }
    });

  workspaceOptions(rollout.command("history").description("every transition of a rollout, with its reason").argument("<name>", "rollout name"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (name: string, opts: WorkspaceFlags & { format: "text" | "json" }) => {
      const ws = await openExisting(opts);
      try {
        const store = await stores(ws);
        if (!store.get(name)) throw new CliError(`no rollout ${name} in this workspace`, 1);
        const events = store.events(name);
        const { historyText } = await import("../../runtime/rollout/report.js");
        process.stdout.write(opts.format === "json" ? JSON.stringify(events, null, 2) + "\n" : historyText(events));
      } finally {
        ws.close();
      }
    });

  for (const [action, what] of [
    ["promote", "make the candidate the champion now (recorded as your decision)"],
    ["abort", "send all traffic back to the current model and end the rollout"],
    ["pause", "stop advancing; the weights stay as they are"],
    ["resume", "continue a paused rollout with a fresh interval"],
  ] as const) {
    workspaceOptions(rollout.command(action).description(what).argument("<name>", "rollout name")).action(async (name: string, opts: WorkspaceFlags) => {
      const ws = await openExisting(opts);
      try {
        const { decide, RolloutDecisionError } = await import("../../runtime/rollout/decisions.js");
        try {
          const doc = decide(await stores(ws), ws.registry, name, action, userName(), Date.now());
          process.stdout.write(`${name}: ${doc.phase}: ${doc.reason}\n`);
        } catch (e) {
          if (e instanceof RolloutDecisionError) throw new CliError(e.message, 1);
          const cls = (e as Error).constructor?.name ?? "";
          if (/^(Registry|Workspace)/.test(cls)) throw new CliError((e as Error).message, 1);
          throw e;
        }
      } finally {
        ws.close();
      }
    });
  }

  rollout
    .command("replay")
    .description("rehearse a rollout on recorded traffic and outcomes, on a virtual clock: the timeline of steps, guard values and decisions, and the verdict")
    .argument("<file>", "spec file")
    .requiredOption("--traffic <file>", "recorded requests, JSON Lines ({at, request_id, input, latency_ms?, answers?})")
    .requiredOption("--feedback <file>", "recorded outcomes, JSON Lines ({request_id | key, outcome, at?})")
    .option("--rollout <name>", "the rollout block (default: the only one)")
    .option("-w, --workspace <dir>", "workspace whose models score the traffic (default: .mlspec beside the spec)")
    .option("--seed <n>", "seed of the random arm assignment", "0")
    .option("--speed <n>", "replay at N times real time")
    .option("--instant", "replay as fast as possible (the default)")
    .option("--no-monitor", "replay the rollout alone, without the serve's monitor and its retraining")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (file: string, opts: { traffic: string; feedback: string; rollout?: string; workspace?: string; seed: string; speed?: string; instant?: boolean; monitor: boolean; format: "text" | "json" }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seed must be a whole number ≥ 0, got ${opts.seed}`);
      const speed = opts.speed === undefined ? undefined : Number(opts.speed);
      if (speed !== undefined && !(speed > 0)) throw new CliError(`--speed must be a number > 0, got ${opts.speed}`);
      if (speed !== undefined && opts.instant) throw new CliError("give --speed N or --instant, not both");
      const { planForServing } = await import("../../runtime/serve/serve-plan.js");
      const { ServeError } = await import("../../runtime/serve/errors.js");
      const { runReplayCommand } = await import("./replay-command.js");
      const { RecordingError } = await import("../../runtime/rollout/recorded-traffic.js");
      try {
        const plan = planForServing(file);
        const result = await runReplayCommand(file, { plan, traffic: opts.traffic, feedback: opts.feedback, seed, format: opts.format, monitor: opts.monitor, log: (line) => process.stderr.write(`${line}\n`), ...(opts.rollout ? { rollout: opts.rollout } : {}), ...(opts.workspace ? { workspace: opts.workspace } : {}), ...(speed ? { speed } : {}) }, (t) => process.stdout.write(t));
        setExit(result.verdict === "promoted" ? 0 : result.verdict === "rolled_back" || result.verdict === "aborted" ? 1 : 3);
      } catch (error) {
        if (error instanceof ServeError) throw new CliError(error.message, 2);
        if (error instanceof RecordingError) throw new CliError(error.message, 2);
        throw error;
      }
    });
}
