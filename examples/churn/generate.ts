/**
 * Synthetic customer churn data from a documented latent model (see data/README.md).
 *
 * Per customer:
 *   plan          basic 50% | pro 35% | enterprise 15%
 *   region        north | south | east | west, uniform; carries NO signal (a model on region alone is at chance)
 *   tenure        months, floor(Exponential(mean by plan: basic 24, pro 36, enterprise 54)), capped at 120
 *   monthly       exp(Normal(ln median_plan, sd_plan)), medians 35 / 110 / 900, sd 0.35 / 0.35 / 0.5, ≤ 10000
 *   support_calls Poisson(exp(Normal(ln 1.6, 0.5))), capped at 20
 *   overpay       ln(monthly / median_plan): paying more than the plan's typical price
 *   logit         = -1.1 - 0.055·tenure + 0.65·support_calls + 1.3·overpay
 *                   + (basic 0.5 | pro 0 | enterprise -0.6) + Normal(0, 0.5)
 *   churned       Bernoulli(sigmoid(logit))
 * About 0.9% of `monthly` values are then blanked (null), after the label was drawn from the true value.
 */
import { Rng } from "../../core/rng.js";
import type { CsvTable } from "../generate-data.js";

export const CHURN_SEED = 20240601;
export const CUSTOMER_COUNT = 2000;
export const TRAFFIC_COUNT = 300;
/** Exactly this many `monthly` cells are null in customers.csv (0.9%, under a `nulls <= 1%` contract). */
export const MONTHLY_NULL_COUNT = 18;

const PLANS = ["basic", "pro", "enterprise"] as const;
const REGIONS = ["north", "south", "east", "west"] as const;
type Plan = (typeof PLANS)[number];

const PLAN_TENURE_MEAN: Record<Plan, number> = { basic: 24, pro: 36, enterprise: 54 };
const PLAN_MONTHLY_MEDIAN: Record<Plan, number> = { basic: 35, pro: 110, enterprise: 900 };
const PLAN_MONTHLY_SD: Record<Plan, number> = { basic: 0.35, pro: 0.35, enterprise: 0.5 };
const PLAN_LOGIT: Record<Plan, number> = { basic: 0.5, pro: 0, enterprise: -0.6 };

/** How the population of a drawn batch differs from the training population. */
export interface Population {
  planWeights: readonly [number, number, number];
  tenureScale: number;
  supportRateMedian: number;
}

export const TRAINING_POPULATION: Population = { planWeights: [0.5, 0.35, 0.15], tenureScale: 1, supportRateMedian: 1.6 };
/** A later month: more basic-plan sign-ups, newer customers, more support calls — drift a monitor should flag. */
export const SHIFTED_POPULATION: Population = { planWeights: [0.7, 0.25, 0.05], tenureScale: 0.5, supportRateMedian: 3.2 };

export interface Customer {
  id: string;
  tenure: number;
  monthly: number;
  plan: Plan;
  region: (typeof REGIONS)[number];
  supportCalls: number;
  churned: boolean;
}

export function poisson(rng: Rng, rate: number): number {
  // Knuth's method; rates here stay below ~20, so the loop is short
  const limit = Math.exp(-rate);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

function pickPlan(rng: Rng, weights: Population["planWeights"]): Plan {
  const u = rng.next();
  if (u < weights[0]) return "basic";
  if (u < weights[0] + weights[1]) return "pro";
  return "enterprise";
}

function drawCustomer(rng: Rng, id: string, population: Population): Customer {
  const plan = pickPlan(rng, population.planWeights);
  const region = REGIONS[rng.int(0, REGIONS.length - 1)]!;
  const tenureMean = PLAN_TENURE_MEAN[plan] * population.tenureScale;
  const tenure = Math.min(120, Math.floor(-tenureMean * Math.log(1 - rng.next())));
  const monthlyRaw = Math.exp(rng.normal(Math.log(PLAN_MONTHLY_MEDIAN[plan]), PLAN_MONTHLY_SD[plan]));
  const monthly = Math.min(10000, Math.round(monthlyRaw * 100) / 100);
  const supportRate = Math.exp(rng.normal(Math.log(population.supportRateMedian), 0.5));
  const supportCalls = Math.min(20, poisson(rng, supportRate));
  const overpay = Math.log(monthly / PLAN_MONTHLY_MEDIAN[plan]);
  const logit =
    -1.1 - 0.055 * tenure + 0.65 * supportCalls + 1.3 * overpay + PLAN_LOGIT[plan] + rng.normal(0, 0.5);
  const churned = rng.next() < 1 / (1 + Math.exp(-logit));
  return { id, tenure, monthly, plan, region, supportCalls, churned };
}

function customerId(n: number): string {
  return `C${String(n).padStart(5, "0")}`;
}

export function drawCustomers(rng: Rng, firstNumber: number, count: number, population: Population): Customer[] {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) customers.push(drawCustomer(rng, customerId(firstNumber + i), population));
  return customers;
}

function featureCells(c: Customer, monthlyIsNull: boolean): string[] {
  return [c.id, String(c.tenure), monthlyIsNull ? "" : c.monthly.toFixed(2), c.plan, c.region, String(c.supportCalls)];
}

const FEATURE_HEADER = ["customer_id", "tenure", "monthly", "plan", "region", "support_calls"] as const;

/** Seconds since the epoch → "YYYY-MM-DDTHH:MM:SSZ". */
function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * customers.csv (training), traffic.csv and traffic_shifted.csv (unlabelled requests to score),
 * feedback.csv (labels for the traffic.csv customers, arriving over the following 30 days).
 */
export function generateChurnData(): CsvTable[] {
  const root = new Rng(CHURN_SEED);
  const customers = drawCustomers(root.fork(1), 1, CUSTOMER_COUNT, TRAINING_POPULATION);
  const traffic = drawCustomers(root.fork(2), CUSTOMER_COUNT + 1, TRAFFIC_COUNT, TRAINING_POPULATION);
  const shifted = drawCustomers(
    root.fork(3),
    CUSTOMER_COUNT + TRAFFIC_COUNT + 1,
    TRAFFIC_COUNT,
    SHIFTED_POPULATION,
  );

  const nullRng = root.fork(4);
  const order = nullRng.shuffle(customers.map((_, i) => i));
  const nullMonthly = new Set(order.slice(0, MONTHLY_NULL_COUNT));

  const feedbackRng = root.fork(5);
  const labelsFrom = Date.UTC(2024, 6, 1) / 1000; // traffic was scored on 2024-07-01
  const feedback = traffic
    .map((c) => ({ c, at: labelsFrom + 86400 + Math.floor(feedbackRng.next() * 29 * 86400) }))
    .sort((x, y) => x.at - y.at || (x.c.id < y.c.id ? -1 : 1));

  return [
    {
      path: "churn/data/customers.csv",
      header: [...FEATURE_HEADER, "churned"],
      rows: customers.map((c, i) => [...featureCells(c, nullMonthly.has(i)), String(c.churned)]),
    },
    {
      path: "churn/data/traffic.csv",
      header: FEATURE_HEADER,
      rows: traffic.map((c) => featureCells(c, false)),
    },
    {
      path: "churn/data/traffic_shifted.csv",
      header: FEATURE_HEADER,
      rows: shifted.map((c) => featureCells(c, false)),
    },
    {
      path: "churn/data/feedback.csv",
      header: ["customer_id", "churned", "observed_at"],
      rows: feedback.map(({ c, at }) => [c.id, String(c.churned), isoSeconds(at)]),
    },
  ];
}
