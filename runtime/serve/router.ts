/**
 * Which model slot answers a request. A serve endpoint asks its router for an
 * arm per request; a rollout controller moves the router's weights. Slots are
 * named `current`, `fallback`, `candidate`, `shadow` and `arm:<model>@<version>`
 * (bandit arms). spec/language.md#routing.
 *
 * Assignment is random by weight, or sticky when `stickyBy` names a request
 * field: FNV-1a (32-bit) of `<rollout>\0<value>`, mixed by murmur3's fmix32
 * finalizer (FNV alone leaves keys like C1, C2, … bunched in the high bits),
 * divided by 2^32, is a uniform number in [0, 1) that picks the arm by
 * cumulative weight, so one key lands on one arm across requests and restarts. Arms are laid out in name order
 * with `current` last: as a candidate's weight grows, every key already on it
 * stays on it.
 */
import { fmix32 } from "../../core/fmix32.js";

export interface RoutedRequest {
  body: unknown;
  headers: Record<string, string | undefined>;
}

export interface Assignment {
  arm: string;
  /** Chosen from the request's sticky key (not by chance, not by header). */
  sticky: boolean;
}

export interface TrafficRouter {
  assign(request: RoutedRequest): Assignment;
  /** The slot that gets a copy of this request after its answer is sent, or null (sampled per call). */
  shadowFor(arm: string): string | null;
}

export interface WeightOptions {
  /** A request field whose value keeps a request on one arm. */
  stickyBy?: string;
  /** Copies of `sample` (0..1) of the requests go to `slot` after their answer. */
  shadow?: { slot: string; sample: number };
  /** Honour `x-mlspec-arm` (only where the serve block allows it; default true then). */
  allowArmHeader?: boolean;
}

export interface RouterOptions {
  /** Uniform numbers in [0, 1) for random assignment and shadow sampling (default Math.random). */
  random?: () => number;
  /** The serve block's `allow_arm_header`: without it the header is ignored whatever a rollout says. */
  allowArmHeader?: boolean;
  /** A sticky rollout got a request without its key field: assigned at random and counted apart. */
  onUnkeyed?: (rollout: string) => void;
}

export const ARM_HEADER = "x-mlspec-arm";

const CURRENT: Assignment = Object.freeze({ arm: "current", sticky: false });

/** FNV-1a, 32 bits, over the UTF-16 code units of `text` (stable across processes and versions). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The sticky key of a rollout and a field value, as a uniform number in [0, 1). */
export function stickyPoint(rollout: string, value: string): number {
  return fmix32(fnv1a32(`${rollout}\u0000${value}`)) / 4294967296;
}

/** A field's value as the key text, or undefined when the request does not carry it (null counts as absent). */
export function keyValue(body: unknown, field: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  // a batch goes to one arm: the first row's key decides
  const instances = (body as { instances?: unknown }).instances;
  const row = Array.isArray(instances) ? instances[0] : body;
  if (typeof row !== "object" || row === null) return undefined;
  const value = (row as Record<string, unknown>)[field];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

interface Table {
  rollout: string;
  arms: string[];
  /** Cumulative shares, the last exactly 1. */
  cumulative: number[];
  weights: Record<string, number>;
  stickyBy: string | undefined;
  shadow: { slot: string; sample: number } | undefined;
  armHeader: boolean;
}

export class WeightedRouter implements TrafficRouter {
  private table: Table | undefined;
  private readonly random: () => number;
  private unkeyedCount = 0;

  constructor(private readonly options: RouterOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  /**
   * Route by `weights` (non-negative, not all zero; normalised here) for
   * `rollout`. Replaces what was set before. Throws RangeError for bad weights.
   */
  setWeights(rollout: string, weights: Record<string, number>, opts: WeightOptions = {}): void {
    const arms = Object.keys(weights)
      .filter((arm) => arm !== "current")
      .sort();
    if ("current" in weights) arms.push("current");
    let total = 0;
    for (const arm of arms) {
      const w = weights[arm]!;
      if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`weight of arm ${arm} must be a finite number ≥ 0, got ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError(`rollout ${rollout}: the weights must not all be zero`);
    if (opts.shadow && !(opts.shadow.sample >= 0 && opts.shadow.sample <= 1)) {
      throw new RangeError(`shadow sample must be from 0 to 1, got ${opts.shadow.sample}`);
    }
    const cumulative: number[] = [];
    let sum = 0;
    for (const arm of arms) cumulative.push((sum += weights[arm]! / total));
    cumulative[cumulative.length - 1] = 1;
    this.table = {
      rollout,
      arms,
      cumulative,
      weights: Object.fromEntries(arms.map((arm) => [arm, weights[arm]! / total])),
      stickyBy: opts.stickyBy,
      shadow: opts.shadow,
      armHeader: (this.options.allowArmHeader ?? false) && (opts.allowArmHeader ?? true),
    };
  }

  /** Every request to `current` again, no shadow. */
  clear(): void {
    this.table = undefined;
  }

  /** The rollout whose weights route now, or null. */
  get rollout(): string | null {
    return this.table?.rollout ?? null;
  }

  /** The normalised weights now ({current: 1} without a rollout). */
  get weights(): Readonly<Record<string, number>> {
    return this.table?.weights ?? { current: 1 };
  }

  /** Requests of a sticky rollout that had no key and were assigned at random. */
  get unkeyed(): number {
    return this.unkeyedCount;
  }

  /** Whether `x-mlspec-arm` is honoured now. */
  get armHeaderAllowed(): boolean {
    return this.table ? this.table.armHeader : (this.options.allowArmHeader ?? false);
  }

  assign(request: RoutedRequest): Assignment {
    const table = this.table;
    if (this.armHeaderAllowed) {
      const pinned = request.headers[ARM_HEADER];
      if (typeof pinned === "string" && pinned !== "") return { arm: pinned, sticky: false };
    }
    if (!table) return CURRENT;
    if (table.stickyBy !== undefined) {
      const key = keyValue(request.body, table.stickyBy);
      if (key !== undefined) return { arm: this.pick(table, stickyPoint(table.rollout, key)), sticky: true };
      this.unkeyedCount++;
      this.options.onUnkeyed?.(table.rollout);
    }
    return { arm: this.pick(table, this.random()), sticky: false };
  }

  shadowFor(arm: string): string | null {
    const shadow = this.table?.shadow;
    if (!shadow || shadow.slot === arm || shadow.sample <= 0) return null;
    return this.random() < shadow.sample ? shadow.slot : null;
  }

  private pick(table: Table, u: number): string {
    const { cumulative, arms } = table;
    for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]!) return arms[i]!;
    return arms[arms.length - 1]!;
  }
}
