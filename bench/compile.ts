/**
 * Compiler benchmark.
 *
 *   npx tsx bench/compile.ts [--lines 10000] [--decls 100000] [--runs 7] [--cli-runs 10] [--write spec.mlspec]
 *
 * 1. Throughput: a generated spec of about 10,000 lines (projects of a dataset
 *    with its contract, features, two models, a search, a serve block, a rollout
 *    and a monitor, each with varied names, columns and settings; it checks
 *    clean) is compiled in-process; lines per second for parsing, checking,
 *    planning (lowering, schema validation and serialisation) and the three end to
 *    end, the median of --runs runs after two warm-up runs. Goal: ≥ 50,000 lines/s
 *    end to end.
 * 2. Spec size: specs of --decls declarations (default 100,000: features on
 *    unknown columns, blocks of one name, a chain of features, distinct blocks;
 *    bench/large-specs.ts) are checked once each; checking is O(n log n), goal:
 *    each checked in < 5 s.
 * 3. Start-up: the wall time of `node dist/mlspec.mjs check examples/churn/churn.mlspec`,
 *    the median of --cli-runs runs (builds dist/ first when it is missing). Goal:
 *    < 300 ms.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkProgram } from "../compiler/check/index.js";
import { programFromText } from "../compiler/check/program.js";
import { parse } from "../compiler/language/parse.js";
import { buildPlan, serializePlan } from "../compiler/plan/lower.js";
import { generateSpec } from "./generate-spec.js";
import { largeSpecs } from "./large-specs.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** CPU time of this process (all its threads, GC included) in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The first run (cold: code not yet optimised, as in a one-shot CLI run) and the
 * median of warm runs, as wall time and as CPU time. On a busy machine the wall
 * time waits for other processes; the CPU time is the work the compiler does.
 */
function timeIt<T>(runs: number, fn: () => T): { cold: number; coldCpu: number; ms: number; cpu: number; result: T } {
  let t = performance.now();
  let c = cpuMs();
  let result = fn();
  const cold = performance.now() - t;
  const coldCpu = cpuMs() - c;
  fn();
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    c = cpuMs();
    result = fn();
    times.push(performance.now() - t);
    cpus.push(cpuMs() - c);
  }
  return { cold, coldCpu, ms: median(times), cpu: median(cpus), result };
}

function main(): void {
  const { values } = parseArgs({
    options: { lines: { type: "string", default: "10000" }, decls: { type: "string", default: "100000" }, runs: { type: "string", default: "7" }, "cli-runs": { type: "string", default: "10" }, write: { type: "string" } },
  });
  const runs = Number(values.runs);
  const text = generateSpec(Number(values.lines));
  const lineCount = text.split("\n").length - 1;
  if (values.write) writeFileSync(values.write, text);

  // in a fresh process the first compile pays for loading and optimising the code
  const endToEnd = timeIt(runs, () => serializePlan(buildPlan(checkProgram(programFromText(text)).sem)));
  const first = checkProgram(programFromText(text));
  const errors = first.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || first.diagnostics.length > 0) {
    console.error(`the generated spec has ${first.diagnostics.length} diagnostics, e.g. ${first.diagnostics[0]?.code} ${first.diagnostics[0]?.message}`);
    process.exit(1);
  }
  const blocks = first.sem.program.decls.size;

  const parsed = timeIt(runs, () => parse(text, "bench.mlspec"));
  // loadProgram = parse + the declaration table; checkProgram alone is the checker
  const loaded = timeIt(runs, () => programFromText(text));
  const checked = timeIt(runs, () => checkProgram(loaded.result));
  const planned = timeIt(runs, () => serializePlan(buildPlan(checked.result.sem)));

  const rate = (ms: number) => `${Math.round(lineCount / (ms / 1000)).toLocaleString("en-US")} lines/s`.padStart(16);
  const row = (what: string, wall: number, cpu: number, note = "") =>
    console.log(`  ${what.padEnd(22)} ${wall.toFixed(0).padStart(6)} ms ${rate(wall)}   ${cpu.toFixed(0).padStart(6)} ms ${rate(cpu)}   ${note}`);
  console.log(`generated spec: ${lineCount.toLocaleString("en-US")} lines, ${blocks} blocks, ${JSON.parse(planned.result).steps.length} plan steps; median of ${runs} warm runs`);
  console.log(`  ${"".padEnd(22)} ${"wall time".padEnd(29)}   ${"CPU time".padEnd(29)}`);
  row("parse", parsed.ms, parsed.cpu, "text → AST");
  row("check", checked.ms, checked.cpu, "rules only, on a parsed program");
  row("plan", planned.ms, planned.cpu, "lowering, schema validation, JSON");
  row("end to end", endToEnd.ms, endToEnd.cpu, "goal: ≥ 50,000 lines/s");
  row("end to end, first run", endToEnd.cold, endToEnd.coldCpu, "cold: code not yet optimised, as in one CLI run");
  console.log(`  load average while measuring: ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores`);

  const decls = Number(values.decls);
  console.log(`specs of ${decls.toLocaleString("en-US")} declarations, checked once each (a parsed program; goal: < 5 s each)`);
  for (const spec of Object.values(largeSpecs)) {
    const program = programFromText(spec.text(decls));
    const t = performance.now();
    const c = cpuMs();
    const result = checkProgram(program);
    const wallMs = performance.now() - t;
    const cpuTime = cpuMs() - c;
    const helpChars = result.diagnostics.reduce((n, d) => n + (d.help?.length ?? 0), 0);
    // judged on CPU time: on a shared machine the wall time waits for other processes
    const note = `${result.diagnostics.length.toLocaleString("en-US")} diagnostics, ${(helpChars / 1e6).toFixed(1)} MB of help; CPU time ${cpuTime < 5000 ? "under" : "OVER"} 5 s`;
    console.log(`  ${spec.what.padEnd(40)} ${wallMs.toFixed(0).padStart(6)} ms wall ${cpuTime.toFixed(0).padStart(6)} ms CPU   ${note}`);
  }

  const cli = path.join(REPO, "dist", "mlspec.mjs");
  if (!existsSync(cli)) execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "ignore" });
  const churn = path.join(REPO, "examples", "churn", "churn.mlspec");
  const cliRuns = Number(values["cli-runs"]);
  const wall: number[] = [];
  const cpu: number[] = [];
  // GNU time reports the child's CPU seconds on stderr's last line
  const timed = existsSync("/usr/bin/time");
  for (let i = 0; i < cliRuns + 1; i++) {
    const t = performance.now();
    const r = timed
      ? spawnSync("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, cli, "check", churn], { encoding: "utf8" })
      : spawnSync(process.execPath, [cli, "check", churn], { encoding: "utf8" });
    const ms = performance.now() - t;
    if (r.status !== 0) {
      console.error(`mlspec check exited ${r.status}: ${r.stderr}`);
      process.exit(1);
    }
    if (i === 0) continue; // the first run warms the file cache
    wall.push(ms);
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  const cpuText = cpu.length > 0 ? `; CPU time median ${median(cpu).toFixed(0)} ms` : "";
  console.log(`\`node dist/mlspec.mjs check examples/churn/churn.mlspec\`: wall time median ${median(wall).toFixed(0)} ms over ${cliRuns} runs (min ${Math.min(...wall).toFixed(0)}, max ${Math.max(...wall).toFixed(0)})${cpuText}; goal < 300 ms`);
}

main();
