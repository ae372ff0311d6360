/**
 * `node --import tsx killed-search.ts SPEC N [EPOCHS]`: runs SPEC in this process and
 * kills the process with SIGKILL once N trials have finished and a trial that a
 * later-numbered one overtook has saved a checkpoint before its EPOCHS-th (its
 * last): a crash at a chosen point of a parallel search, mid-trial. The condition is checked as each checkpoint is
 * saved, not on a timer, which a loaded machine may not run in time.
 */
import { runSpec } from "../../runtime/run/run-spec.js";
import { RunStore } from "../../runtime/workspace/runs.js";
import { TrialStore } from "../../runtime/workspace/trials.js";

const [spec, after, epochs] = process.argv.slice(2);
const states = new Map<number, string>();
const trialOfRun = new Map<number, number>();

const record = TrialStore.prototype.record;
TrialStore.prototype.record = function (this: TrialStore, trial) {
  record.call(this, trial);
  states.set(trial.number, trial.state);
  if (trial.runId !== null && trial.runId !== undefined) trialOfRun.set(trial.runId, trial.number);
};
const save = RunStore.prototype.saveCheckpoint;
RunStore.prototype.saveCheckpoint = function (this: RunStore, runId: number, epoch: number, sha: string) {
  save.call(this, runId, epoch, sha);
  // a later trial complete (not pruned: the test reads its state) while this one still runs
  const finished = [...states].filter(([, s]) => s === "complete").map(([n]) => n);
  const number = trialOfRun.get(runId);
  // a trial overtaken by a later one, mid-way: the case a resume must not drop
  const midway = epochs === undefined || epoch < Number(epochs);
  if (midway && finished.length >= Number(after) && number !== undefined && states.get(number) === "running" && finished.some((n) => n > number)) {
    process.kill(process.pid, "SIGKILL");
  }
};
await runSpec(spec!, { quiet: true, backend: "cpu" });
