import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every module a file loads at run time (type-only imports are erased), transitively. */
function runtimeImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".ts")) return;
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      else seen.add(spec);
    }
  };
  visit(resolve(root, entry));
  return seen;
}

describe("signature modules load no tfjs", () => {
  it.each(["stdlib/arch/index.ts", "stdlib/optim/index.ts", "stdlib/metrics/index.ts"])("%s", (entry) => {
    const loaded = [...runtimeImports(entry)];
    expect(loaded.length).toBeGreaterThan(3);
    expect(loaded.filter((m) => m.startsWith("@tensorflow") || m.endsWith("/train.ts"))).toEqual([]);
  });

  it("the builders do load it (the check sees through imports)", () => {
    expect([...runtimeImports("stdlib/arch/mlp/train.ts")]).toContain("@tensorflow/tfjs");
  });
});
