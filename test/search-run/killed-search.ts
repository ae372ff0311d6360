/**
 * `node --import tsx killed-search.ts SPEC N`: runs SPEC in this process and
 * kills the process with SIGKILL once N trials have finished and a trial that a
 * later-numbered one overtook has saved a checkpoint: a crash at a chosen point
 * of a parallel search, mid-trial, which a timer could not choose on a loaded machine.
 */
import * as path from "node:path";
import { Writable } from "node:stream";
import { runSpec } from "../../runtime/run/run-spec.js";
import { openWorkspace, type Workspace } from "../../runtime/workspace/workspace.js";

const [spec, after] = process.argv.slice(2);
let finished = 0;
const out = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n")) if (/^ {2}trial +\d+ /.test(line)) finished++;
    done();
  },
});

let ws: Workspace | undefined;
const poll = setInterval(() => {
  if (finished < Number(after)) return;
  ws ??= openWorkspace(path.join(path.dirname(spec!), ".mlspec"));
  const search = ws.registry.listRuns().find((r) => r.kind === "search");
  const trials = search ? ws.registry.listTrials(search.id) : [];
  const lastFinished = Math.max(-1, ...trials.filter((t) => t.state !== "running").map((t) => t.number));
  // a trial overtaken by a later one, mid-way: the case a resume must not drop
  const overtaken = trials.filter((t) => t.state === "running" && t.number < lastFinished && t.runId !== null);
  if (overtaken.some((t) => ws!.registry.lastCheckpoint(t.runId!) !== undefined)) process.kill(process.pid, "SIGKILL");
}, 10);
await runSpec(spec!, { out, backend: "cpu" });
clearInterval(poll);
ws?.close();
