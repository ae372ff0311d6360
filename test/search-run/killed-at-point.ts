/**
 * `node --import tsx killed-at-point.ts SPEC K`: runs SPEC in this process (cpu
 * backend) and kills it with SIGKILL right after its K-th kill point: a
 * checkpoint saved or a trial recorded, counted in order. With K = 0 it runs to
 * the end and prints its kill points as JSON; else it prints the one it dies at.
 */
import * as fs from "node:fs";
import { runSpec } from "../../runtime/run/run-spec.js";
import { RunStore } from "../../runtime/workspace/runs.js";
import { TrialStore } from "../../runtime/workspace/trials.js";

/** Calls `onPoint` right after every checkpoint and trial write of this process. */
function watchKillPoints(onPoint: (point: string) => void): void {
  const save = RunStore.prototype.saveCheckpoint;
  const record = TrialStore.prototype.record;
  RunStore.prototype.saveCheckpoint = function (this: RunStore, runId: number, epoch: number, sha: string) {
    save.call(this, runId, epoch, sha);
    const run = this.require(runId);
    onPoint(`checkpoint ${run.model_name} ${run.kind} run ${runId} epoch ${epoch}`);
  };
  TrialStore.prototype.record = function (this: TrialStore, trial) {
    record.call(this, trial);
    onPoint(`trial ${trial.number} ${trial.state}`);
  };
}

const [spec, at] = process.argv.slice(2);
const points: string[] = [];
watchKillPoints((point) => {
  points.push(point);
  if (points.length === Number(at)) {
    // the point it dies at, for the test to check
    fs.writeSync(1, JSON.stringify([point]) + "\n");
    process.kill(process.pid, "SIGKILL");
  }
});
const { exitCode } = await runSpec(spec!, { quiet: true, backend: "cpu" });
if (Number(at) === 0) process.stdout.write(JSON.stringify(points) + "\n");
process.exitCode = exitCode;
