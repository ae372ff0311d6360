/**
 * In-process cost of a canary at 50% against no rollout: one serving, the
 * same rows, `serving.predict` in a sequential loop (no HTTP), blocks of
 * requests alternating between the router cleared and weights 50/50.
 *
 *   npx tsx bench/canary-profile.ts [requests per block, default 3000]
 */
import { loadavg } from "node:os";
import { churnModel, churnRows, churnSpecText, makeProject } from "../test/serve/models.js";

const perBlock = Number(process.argv[2] ?? 3000);
const project = makeProject(churnSpecText({ batching: { maxBatch: 64, maxWait: "2ms" } }));
project.register("churn_mlp", churnModel({ seed: 1 }).bytes);
project.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
project.workspace.close();
const { loadServing } = await import("../runtime/serve/load-serving.js");
const serving = await loadServing(project.specPath, { pollMs: 0 });
const endpoint = serving.endpoint();
await endpoint.setSlot("candidate", "churn_mlp@challenger");
const rows = churnRows(42, 256);

async function block(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < perBlock; i++) await serving.predict(rows[i % rows.length]!);
  return (performance.now() - start) / perBlock;
}

const times: Record<string, number[]> = { none: [], canary: [] };
for (let round = 0; round < 8; round++) {
  for (const mode of round % 2 === 0 ? ["none", "canary"] : ["canary", "none"]) {
    if (mode === "none") endpoint.router.clear();
    else endpoint.router.setWeights("bench_canary", { current: 0.5, candidate: 0.5 });
    times[mode]!.push(await block());
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const none = median(times.none!.slice(2));
const canary = median(times.canary!.slice(2));
console.log(`load average ${loadavg()[0]!.toFixed(1)}; µs a request, median of 6 blocks of ${perBlock}: no rollout ${(none * 1000).toFixed(1)}, canary 50% ${(canary * 1000).toFixed(1)}: ratio ${(canary / none).toFixed(3)}`);
await serving.close();
project.cleanup();
