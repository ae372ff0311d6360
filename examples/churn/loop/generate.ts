/**
 * Recorded traffic and feedback for rehearsing the whole loop of churn.mlspec with
 * `mlspec rollout replay` — traffic shifts, drift fires, the monitor retrains, the new
 * version becomes the challenger, the canary promotes it. Rewritten byte for byte by:
 *
 *   npx tsx examples/churn/loop/generate.ts
 *
 * Customers come from the churn example's latent model (../generate.ts); the outcome is
 * whether each churned, known a minute after the request. No answers are recorded: the
 * replay scores every request with the workspace's models (run `mlspec run churn.mlspec`
 * first), the champion and the version the retraining registers.
 *
 * - 10:00–10:30: the training population, 20 requests a minute;
 * - from 10:30: the shifted population of data/traffic_shifted.csv (more basic plans,
 *   half the tenure, twice the support calls) — and a new competitor in the south: there
 *   the churn logit gains 2.5, which the champion (trained when region carried no signal)
 *   cannot know. 400 requests a minute until the canary starts (the labelled rows the
 *   retraining learns the new south from), then
 *   3200, 700, 500 and 400 requests in its four 10-minute steps, so that each step's
 *   candidate share sees its 100 requests and the files stay small. CANARY_AT is when the
 *   replay's retraining registers the challenger (the monitor runs every 5 minutes).
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../../core/rng.js";
import { drawCustomers, SHIFTED_POPULATION, TRAINING_POPULATION, type Customer } from "../generate.js";

const SEED = 20261204;
const START = Date.parse("2026-12-01T10:00:00Z");
const MIN = 60_000;
const SHIFT_AT = 30 * MIN;
const CANARY_AT = 35 * MIN;
const STEP_MS = 10 * MIN;
const PER_MINUTE = 20;
const SHIFTED_PER_MINUTE = 400;
/** The competitor: added to the churn logit of shifted customers in the south */
const SOUTH_EFFECT = 2.5;
const PLAN_LOGIT: Record<string, number> = { basic: 0.5, pro: 0, enterprise: -0.6 };
const PLAN_MEDIAN: Record<string, number> = { basic: 35, pro: 110, enterprise: 900 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The latent logit of ../generate.ts (data/README.md), with its noise. */
function logit(c: Customer, rng: Rng): number {
  return -1.1 - 0.055 * c.tenure + 0.65 * c.supportCalls + 1.3 * Math.log(c.monthly / PLAN_MEDIAN[c.plan]!) + PLAN_LOGIT[c.plan]! + rng.normal(0, 0.5);
}
/** Requests in each 10-minute step of the canary */
const PER_STEP = [3200, 700, 500, 400];
const DIR = path.dirname(fileURLToPath(import.meta.url));

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Request times: `count` evenly over [from, from + ms), on whole seconds. */
function times(from: number, ms: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => from + Math.floor((k * ms) / count / 1000) * 1000);
}

/** The two files' text; `generate.ts` run as a script writes them beside itself. */
export function loopRecording(): { traffic: string; feedback: string } {
  const rng = new Rng(SEED);
  const calmTimes = times(START, SHIFT_AT, (SHIFT_AT / MIN) * PER_MINUTE);
  const shiftedTimes = [
    ...times(START + SHIFT_AT, CANARY_AT - SHIFT_AT, ((CANARY_AT - SHIFT_AT) / MIN) * SHIFTED_PER_MINUTE),
    ...PER_STEP.flatMap((count, s) => times(START + CANARY_AT + s * STEP_MS, STEP_MS, count)),
  ];
  const calm = drawCustomers(rng.fork(1), 60001, calmTimes.length, TRAINING_POPULATION);
  const shifted = drawCustomers(rng.fork(2), 60001 + calm.length, shiftedTimes.length, SHIFTED_POPULATION);
  const latency = rng.fork(3);
  const outcomes = rng.fork(4);
  const traffic: string[] = [];
  const feedback: string[] = [];
  const add = (c: Customer, at: number, churned: boolean) => {
    const requestId = `q${traffic.length + 1}`;
    const input = { customer_id: c.id, tenure: c.tenure, monthly: c.monthly, plan: c.plan, region: c.region, support_calls: c.supportCalls };
    traffic.push(JSON.stringify({ at: iso(at), request_id: requestId, input, latency_ms: round(6 + latency.next() * 6) }));
    feedback.push(JSON.stringify({ request_id: requestId, outcome: churned, at: iso(at + MIN) }));
  };
  calm.forEach((c, i) => add(c, calmTimes[i]!, c.churned));
  shifted.forEach((c, i) => add(c, shiftedTimes[i]!, outcomes.next() < sigmoid(logit(c, outcomes) + (c.region === "south" ? SOUTH_EFFECT : 0))));
  return { traffic: traffic.join("\n") + "\n", feedback: feedback.join("\n") + "\n" };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { traffic, feedback } = loopRecording();
  writeFileSync(path.join(DIR, "traffic.jsonl"), traffic);
  writeFileSync(path.join(DIR, "feedback.jsonl"), feedback);
}
