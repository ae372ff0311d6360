/**
 * Synthetic house prices from a documented formula (see data/README.md).
 *
 * Per house:
 *   district    central 12% | old_town 13% | riverside 15% | harbor 15% | suburbs 30% | industrial 15%
 *   area_sqm    exp(Normal(ln(85 · area_factor_d), 0.38)), within 18..400, one decimal
 *   rooms       round(area_sqm / 28 + Normal(0, 0.7)), within 1..10
 *   age_years   floor(Exponential(mean age_d)), at most 150
 *   has_garden  Bernoulli(garden_rate_d)
 *   price       area_sqm · price_per_sqm_d · (1 - 0.003 · min(age_years, 100))
 *               · (1 + 0.04 · (rooms - area_sqm / 28)) · (has_garden ? 1.08 : 1) · exp(Normal(0, 0.16))
 */
import { Rng } from "../../core/rng.js";
import type { CsvTable } from "../generate-data.js";

export const HOUSING_SEED = 20240602;
export const HOUSE_COUNT = 2000;

interface District {
  name: string;
  share: number;
  pricePerSqm: number;
  areaFactor: number;
  meanAge: number;
  gardenRate: number;
}

export const DISTRICTS: readonly District[] = [
  { name: "central", share: 0.12, pricePerSqm: 6200, areaFactor: 0.8, meanAge: 45, gardenRate: 0.05 },
  { name: "old_town", share: 0.13, pricePerSqm: 5400, areaFactor: 0.9, meanAge: 80, gardenRate: 0.1 },
  { name: "riverside", share: 0.15, pricePerSqm: 5000, areaFactor: 1.0, meanAge: 30, gardenRate: 0.35 },
  { name: "harbor", share: 0.15, pricePerSqm: 4200, areaFactor: 0.95, meanAge: 40, gardenRate: 0.15 },
  { name: "suburbs", share: 0.3, pricePerSqm: 3200, areaFactor: 1.25, meanAge: 20, gardenRate: 0.65 },
  { name: "industrial", share: 0.15, pricePerSqm: 2300, areaFactor: 1.0, meanAge: 35, gardenRate: 0.3 },
];

function pickDistrict(rng: Rng): District {
  let u = rng.next();
  for (const d of DISTRICTS) {
    if (u < d.share) return d;
    u -= d.share;
  }
  return DISTRICTS[DISTRICTS.length - 1]!;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** houses.csv: one row per house, `price` the regression target. */
export function generateHousingData(): CsvTable[] {
  const rng = new Rng(HOUSING_SEED);
  const rows: string[][] = [];
  for (let i = 1; i <= HOUSE_COUNT; i++) {
    const district = pickDistrict(rng);
    const area = Math.round(clamp(Math.exp(rng.normal(Math.log(85 * district.areaFactor), 0.38)), 18, 400) * 10) / 10;
    const rooms = clamp(Math.round(area / 28 + rng.normal(0, 0.7)), 1, 10);
    const age = Math.min(150, Math.floor(-district.meanAge * Math.log(1 - rng.next())));
    const hasGarden = rng.next() < district.gardenRate;
    const price =
      area *
      district.pricePerSqm *
      (1 - 0.003 * Math.min(age, 100)) *
      (1 + 0.04 * (rooms - area / 28)) *
      (hasGarden ? 1.08 : 1) *
      Math.exp(rng.normal(0, 0.16));
    rows.push([
      `H${String(i).padStart(5, "0")}`,
      area.toFixed(1),
      String(rooms),
      String(age),
      district.name,
      String(hasGarden),
      price.toFixed(2),
    ]);
  }
  return [
    {
      path: "housing/data/houses.csv",
      header: ["house_id", "area_sqm", "rooms", "age_years", "district", "has_garden", "price"],
      rows,
    },
  ];
}
