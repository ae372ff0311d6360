/**
 * Synthetic movie ratings from latent factors (see data/README.md).
 *
 *   each user u: bias b_u ~ Normal(0, 0.4), factors p_u ∈ R^4 ~ Normal(0, 0.55) each
 *   each movie i: bias b_i ~ Normal(0, 0.45), factors q_i ∈ R^4 ~ Normal(0, 0.55) each,
 *                 popularity weight 1 / (rank_i + 5), rank a random permutation of 1..200
 *   rating(u, i) = clip(round_to_half(3.5 + b_u + b_i + p_u · q_i + Normal(0, 0.45)), 1, 5)
 *
 * Who rates what: user u rates n_u distinct movies, n_u ∝ exp(Normal(0, 0.6)) within 10..180 and
 * adjusted to 15,000 in total; the movies are drawn without replacement in proportion to popularity
 * (Efraimidis–Spirakis keys), so popular movies get many ratings and the tail few.
 * Timestamps: user u starts on a uniform day of 2023-01-01 + [0, 300) days and rates within the next 60 days.
 */
import { Rng } from "../../core/rng.js";
import type { CsvTable } from "../generate-data.js";

export const MOVIES_SEED = 20240603;
export const USER_COUNT = 300;
export const MOVIE_COUNT = 200;
export const RATING_COUNT = 15000;
export const FACTOR_COUNT = 4;

const GLOBAL_MEAN = 3.5;
const MIN_PER_USER = 10;
const MAX_PER_USER = 180;
const START = Date.UTC(2023, 0, 1) / 1000;
const DAY = 86400;

interface Entity {
  bias: number;
  factors: number[];
}

function drawEntity(rng: Rng, biasSd: number): Entity {
  const bias = rng.normal(0, biasSd);
  const factors: number[] = [];
  for (let f = 0; f < FACTOR_COUNT; f++) factors.push(rng.normal(0, 0.55));
  return { bias, factors };
}

/** Ratings per user: lognormal activity, clamped, then nudged one at a time until they sum to RATING_COUNT. */
function ratingsPerUser(rng: Rng): number[] {
  const raw: number[] = [];
  for (let u = 0; u < USER_COUNT; u++) raw.push(Math.exp(rng.normal(0, 0.6)));
  const scale = RATING_COUNT / raw.reduce((a, b) => a + b, 0);
  const counts = raw.map((r) => Math.min(MAX_PER_USER, Math.max(MIN_PER_USER, Math.round(r * scale))));
  let total = counts.reduce((a, b) => a + b, 0);
  for (let u = 0; total !== RATING_COUNT; u = (u + 1) % USER_COUNT) {
    if (total < RATING_COUNT && counts[u]! < MAX_PER_USER) {
      counts[u]!++;
      total++;
    } else if (total > RATING_COUNT && counts[u]! > MIN_PER_USER) {
      counts[u]!--;
      total--;
    }
  }
  return counts;
}

/** `count` distinct indices drawn without replacement with probability ∝ weight (Efraimidis–Spirakis). */
export function weightedSampleWithoutReplacement(rng: Rng, weights: readonly number[], count: number): number[] {
  const keyed = weights.map((w, i) => ({ i, key: Math.log(1 - rng.next()) / w }));
  keyed.sort((a, b) => b.key - a.key || a.i - b.i);
  return keyed.slice(0, count).map((k) => k.i);
}

export function roundToHalf(value: number): number {
  return Math.round(value * 2) / 2;
}

function padId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(4, "0")}`;
}

/** ratings.csv: one row per (user, movie) pair, sorted by timestamp, then user, then movie. */
export function generateMoviesData(): CsvTable[] {
  const root = new Rng(MOVIES_SEED);
  const factorRng = root.fork(1);
  const users = Array.from({ length: USER_COUNT }, () => drawEntity(factorRng, 0.4));
  const movies = Array.from({ length: MOVIE_COUNT }, () => drawEntity(factorRng, 0.45));
  const ranks = root.fork(2).shuffle(Array.from({ length: MOVIE_COUNT }, (_, i) => i + 1));
  const popularity = ranks.map((rank) => 1 / (rank + 5));
  const counts = ratingsPerUser(root.fork(3));

  const pickRng = root.fork(4);
  const ratingRng = root.fork(5);
  const timeRng = root.fork(6);
  const ratings: { user: number; movie: number; rating: number; timestamp: number }[] = [];
  users.forEach((user, u) => {
    const firstDay = START + Math.floor(timeRng.next() * 300) * DAY;
    for (const m of weightedSampleWithoutReplacement(pickRng, popularity, counts[u]!)) {
      const movie = movies[m]!;
      let affinity = 0;
      for (let f = 0; f < FACTOR_COUNT; f++) affinity += user.factors[f]! * movie.factors[f]!;
      const latent = GLOBAL_MEAN + user.bias + movie.bias + affinity + ratingRng.normal(0, 0.45);
      const rating = Math.min(5, Math.max(1, roundToHalf(latent)));
      const timestamp = firstDay + Math.floor(timeRng.next() * 60 * DAY);
      ratings.push({ user: u + 1, movie: m + 1, rating, timestamp });
    }
  });
  ratings.sort((a, b) => a.timestamp - b.timestamp || a.user - b.user || a.movie - b.movie);

  return [
    {
      path: "movies/data/ratings.csv",
      header: ["user_id", "movie_id", "rating", "timestamp"],
      rows: ratings.map((r) => [padId("u", r.user), padId("m", r.movie), r.rating.toFixed(1), String(r.timestamp)]),
    },
  ];
}
