/**
 * Recorded traffic and feedback for rehearsing churn_rollout (a canary) with
 * `mlspec rollout replay` — two pairs, rewritten byte for byte by a rerun:
 *
 *   npx tsx examples/churn/rollout/generate.ts
 *
 * Customers come from the churn example's latent model (../generate.ts); the
 * outcome is whether each churned. Each request carries the recorded answers
 * of both slots (as a shadow period would log them), so the replay needs no
 * trained workspace:
 *
 * - current:   the latent logit without its noise, plus Normal(0, 2) model error
 * - candidate (traffic.jsonl):       the same with Normal(0, 0.3) error — a better model;
 * - candidate (traffic-worse.jsonl): tenure alone, plus Normal(0, 2) — it ignores support calls and price.
 *
 * The request rate falls as the canary's share grows (2600, 600, 320, 200
 * requests in its four 10-minute steps), so every step sees its 100 requests
 * and the files stay small. Feedback (one file for both pairs) arrives a
 * minute after each request.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../../../core/rng.js";
import { drawCustomers, TRAINING_POPULATION, type Customer } from "../generate.js";

const SEED = 20261201;
const START = Date.parse("2026-12-01T10:00:00Z");
const STEP_MS = 600_000;
/** Requests in each 10-minute window */
const PER_WINDOW = [2600, 600, 320, 200];
/** The worse candidate is rolled back after the first step: its recording stops there */
const WORSE_COUNT = PER_WINDOW[0]!;
const DIR = path.dirname(fileURLToPath(import.meta.url));

const PLAN_LOGIT: Record<string, number> = { basic: 0.5, pro: 0, enterprise: -0.6 };
const PLAN_MEDIAN: Record<string, number> = { basic: 35, pro: 110, enterprise: 900 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function signal(c: Customer): number {
  return -1.1 - 0.055 * c.tenure + 0.65 * c.supportCalls + 1.3 * Math.log(c.monthly / PLAN_MEDIAN[c.plan]!) + PLAN_LOGIT[c.plan]!;
}

function generate(): void {
  const rng = new Rng(SEED);
  const total = PER_WINDOW.reduce((a, b) => a + b, 0);
  const customers = drawCustomers(rng, 50001, total, TRAINING_POPULATION);
  const good: string[] = [];
  const worse: string[] = [];
  const feedback: string[] = [];
  let i = 0;
  PER_WINDOW.forEach((count, w) => {
    for (let k = 0; k < count; k++, i++) {
      const c = customers[i]!;
      const at = START + w * STEP_MS + Math.floor((k * STEP_MS) / count / 1000) * 1000;
      const requestId = `r${i + 1}`;
      const input = { customer_id: c.id, tenure: c.tenure, monthly: c.monthly, plan: c.plan, region: c.region, support_calls: c.supportCalls };
      const latency = round(6 + rng.next() * 6, 1);
      const current = round(sigmoid(signal(c) + rng.normal(0, 2)));
      const better = round(sigmoid(signal(c) + rng.normal(0, 0.3)));
      const tenureOnly = round(sigmoid(-0.2 - 0.03 * c.tenure + rng.normal(0, 2)));
      const line = (candidate: number) => JSON.stringify({ at: iso(at), request_id: requestId, input, latency_ms: latency, answers: { current, candidate } });
      good.push(line(better));
      if (i < WORSE_COUNT) worse.push(line(tenureOnly));
      feedback.push(JSON.stringify({ request_id: requestId, outcome: c.churned, at: iso(at + 60_000) }));
    }
  });
  const write = (name: string, rows: string[]) => writeFileSync(path.join(DIR, name), rows.join("\n") + "\n");
  write("traffic.jsonl", good);
  write("traffic-worse.jsonl", worse);
  write("feedback.jsonl", feedback);
}

generate();
