/**
 * Did-you-mean: the closest candidate within a small edit distance. Swapped
 * neighbours count as one edit (`lable` → `label`, `cvs` → `csv`): the commonest typo.
 *
 * Cost: a spec can hold 100,000 names and as many unknown ones, so no query
 * scans a large candidate list. Up to LINEAR_MAX candidates are compared one by
 * one; beyond that, an index of each candidate with one character deleted finds
 * those within one edit (and most within two) in time independent of their number.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) rows[i]![0] = i;
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The most names a help line lists. */
export const MAX_LISTED = 3;
/** Candidate lists up to this size are compared one by one. */
const LINEAR_MAX = 256;

/** `name` and every string made by deleting one of its characters. */
function oneDeletion(name: string): Set<string> {
  const out = new Set([name]);
  for (let i = 0; i < name.length; i++) out.add(name.slice(0, i) + name.slice(i + 1));
  return out;
}

interface Near {
  index: number;
  distance: number;
}

/** A list of candidate names, with what its queries need built on first use. */
class Candidates {
  readonly names: readonly string[];
  private readonly lower: readonly string[];
  private byDeletion?: Map<string, number | number[]>;
  private sorted?: number[];

  constructor(names: readonly string[]) {
    this.names = names;
    this.lower = names.map((n) => n.toLowerCase());
  }

  /** Candidates by distance, then by name (as the checker always chose); at most `count`, none farther than `limit`. */
  nearest(name: string, limit: number, count: number): Near[] {
    const q = name.toLowerCase();
    const found: Near[] = [];
    if (this.names.length <= LINEAR_MAX) {
      this.lower.forEach((c, index) => {
        // a length difference is a lower bound of the distance
        if (Math.abs(c.length - q.length) > limit) return;
        const distance = editDistance(q, c);
        if (distance <= limit) found.push({ index, distance });
      });
    } else {
      const seen = new Set<number>();
      for (const key of oneDeletion(q)) {
        const hit = this.deletionIndex().get(key);
        for (const index of hit === undefined ? [] : typeof hit === "number" ? [hit] : hit) {
          if (seen.has(index)) continue;
          seen.add(index);
          const distance = editDistance(q, this.lower[index]!);
          if (distance <= limit) found.push({ index, distance });
        }
      }
    }
    const names = this.names;
    found.sort((a, b) => a.distance - b.distance || (names[a.index]! < names[b.index]! ? -1 : names[a.index]! > names[b.index]! ? 1 : a.index - b.index));
    return found.slice(0, count);
  }

  /** The one candidate that starts with `name`, if exactly one does. */
  onlyWithPrefix(name: string): string | undefined {
    const q = name.toLowerCase();
    const sorted = this.sortedIndex();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lower[sorted[mid]!]! < q) lo = mid + 1;
      else hi = mid;
    }
    const first = sorted[lo];
    if (first === undefined || !this.lower[first]!.startsWith(q)) return undefined;
    const next = sorted[lo + 1];
    return next !== undefined && this.lower[next]!.startsWith(q) ? undefined : this.names[first];
  }

  private deletionIndex(): Map<string, number | number[]> {
    if (this.byDeletion) return this.byDeletion;
    // most keys belong to one candidate: a number, not a one-item array
    const index = new Map<string, number | number[]>();
    this.lower.forEach((c, i) => {
      for (const key of oneDeletion(c)) {
        const hit = index.get(key);
        if (hit === undefined) index.set(key, i);
        else if (typeof hit === "number") index.set(key, [hit, i]);
        else hit.push(i);
      }
    });
    return (this.byDeletion = index);
  }

  private sortedIndex(): number[] {
    this.sorted ??= this.lower.map((_, i) => i).sort((a, b) => (this.lower[a]! < this.lower[b]! ? -1 : this.lower[a]! > this.lower[b]! ? 1 : a - b));
    return this.sorted;
  }
}

/** Built once per candidate array: a rule that reports many unknown names passes the same array. */
const built = new WeakMap<readonly string[], Candidates>();

function candidatesOf(list: Iterable<string>): Candidates {
  if (Array.isArray(list)) {
    const arr = list as readonly string[];
    let c = built.get(arr);
    if (!c) built.set(arr, (c = new Candidates(arr)));
    return c;
  }
  return new Candidates([...list]);
}

/** A typo's allowance: one edit per three characters, at least one. */
const typoLimit = (name: string) => Math.max(1, Math.floor(name.length / 3));

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  return suggestIn(name, candidatesOf(candidates));
}

function suggestIn(name: string, c: Candidates): string | undefined {
  const best = c.nearest(name, typoLimit(name), 1)[0];
  if (best) return c.names[best.index];
  // an abbreviation of exactly one candidate: `delim` → `delimiter`
  return name.length >= 3 ? c.onlyWithPrefix(name) : undefined;
}

/** `help:` text for an unknown name; `{list}` in the fallback names at most MAX_LISTED candidates. */
export function didYouMean(name: string, candidates: Iterable<string>, fallback: string): string {
  const c = candidatesOf(candidates);
  // one lookup serves both: the nearest is the suggestion when it is within a typo's distance
  const near = c.nearest(name, Infinity, MAX_LISTED);
  const s = near[0] && near[0].distance <= typoLimit(name) ? c.names[near[0].index] : name.length >= 3 ? c.onlyWithPrefix(name) : undefined;
  if (s) return `did you mean \`${s}\`?`;
  return fallback.replace("{list}", listed(c, near));
}

/**
 * At most MAX_LISTED candidates for a help line: all of them when there are that
 * few, else the closest by edit distance and how many more there are.
 */
function listed(c: Candidates, near: Near[]): string {
  const all = c.names;
  if (all.length === 0) return "none";
  const quote = (s: string) => `\`${s}\``;
  if (all.length <= MAX_LISTED) return all.map(quote).join(", ");
  const chosen = near.map((n) => n.index);
  // among very many candidates only near ones are found: the first ones fill the rest
  for (let i = 0; chosen.length < MAX_LISTED; i++) if (!chosen.includes(i)) chosen.push(i);
  return `${chosen.map((i) => quote(all[i]!)).join(", ")} and ${all.length - MAX_LISTED} more`;
}
