/**
 * Did-you-mean: the closest candidate within a small edit distance. Swapped
 * neighbours count as one edit (`lable` → `label`, `cvs` → `csv`): the commonest typo.
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

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  let best: string | undefined;
  let bestDist = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const c of list) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDist || (d === bestDist && best !== undefined && c < best)) {
      best = c;
      bestDist = d;
    }
  }
  if (bestDist <= limit) return best;
  // an abbreviation of exactly one candidate: `delim` → `delimiter`
  if (name.length >= 3) {
    const prefixed = list.filter((c) => c.toLowerCase().startsWith(name.toLowerCase()));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** `help:` text for an unknown name. */
export function didYouMean(name: string, candidates: Iterable<string>, fallback: string): string {
  const list = [...candidates];
  const s = suggest(name, list);
  if (s) return `did you mean \`${s}\`?`;
  return fallback.replace("{list}", list.length > 0 ? list.map((c) => `\`${c}\``).join(", ") : "none");
}
