/** Kubernetes names from mlspec names: DNS-1123 labels (lowercase letters, digits, `-`; at most 63). */
export function dnsLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return label === "" ? "x" : /^[a-z]/.test(label) ? label : `x-${label}`.slice(0, 63);
}

/** Distinct labels for distinct names: a clash (`a_b` and `a-b`) gets a numbered suffix. */
export function distinctLabels(names: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const base = dnsLabel(name);
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base.slice(0, 60)}-${n}`;
    used.add(label);
    out.set(name, label);
  }
  return out;
}
