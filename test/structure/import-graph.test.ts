/**
 * The import graph of the source folders (type imports and lazy `import()`
 * included): no cycles, and the floors point one way — nothing in stdlib/ or
 * compiler/ imports runtime/, core/ imports none of the others, nothing but
 * bin/ imports bin/, and the planner imports no checker rule.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FOLDERS = ["core", "stdlib", "compiler", "runtime", "bin"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports of each file, as repository paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of FOLDERS.flatMap((f) => sources(join(root, f)))) {
    const text = readFileSync(file, "utf8");
    const targets = new Set<string>();
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;"']*?from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g)) {
      const spec = (m[1] ?? m[2])!;
      targets.add(relative(root, resolve(dirname(file), spec.replace(/\.js$/, ".ts"))));
    }
    graph.set(relative(root, file), [...targets]);
  }
  return graph;
}

/** Every cycle found by a depth-first search, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const floor = (path: string) => path.split("/")[0]!;

/**
 * Cycles that exist and have an owner: the prediction-log thread shares its
 * message types with its parent (type imports only). Any other cycle fails; a
 * fixed one must leave this list.
 */
const KNOWN_CYCLES = new Set([
  "runtime/serve/prediction-log.ts → runtime/serve/prediction-log-thread.ts → runtime/serve/prediction-log.ts",
]);

describe("import graph", () => {
  const graph = importGraph();

  it("reads the whole tree", () => {
    expect(graph.size).toBeGreaterThan(250);
    expect(graph.get("runtime/train/fit.ts")).toContain("stdlib/arch/arch-module.ts");
  });

  it("has no import cycles", () => {
    const found = cycles(graph).map((c) => c.join(" → "));
    expect(found.filter((c) => !KNOWN_CYCLES.has(c))).toEqual([]);
    // the list shrinks as cycles go
    expect([...KNOWN_CYCLES].filter((c) => !found.includes(c))).toEqual([]);
  });

  it("points down: stdlib/ and compiler/ never import runtime/; core/ imports only core/", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = floor(file);
        const to = floor(target);
        if ((from === "stdlib" || from === "compiler") && to === "runtime") upward.push(`${file} → ${target}`);
        if (from === "core" && to !== "core") upward.push(`${file} → ${target}`);
        if (from === "stdlib" && to === "compiler") upward.push(`${file} → ${target}`);
        if (from !== "bin" && to === "bin") upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("the planner lowers what the checker made: no file in compiler/plan imports compiler/check/rules/", () => {
    const intoRules = [...graph].flatMap(([file, targets]) => (file.startsWith("compiler/plan/") ? targets.filter((t) => t.startsWith("compiler/check/rules/")).map((t) => `${file} → ${t}`) : []));
    expect(intoRules).toEqual([]);
  });

  it("CLI code lives in bin/: no command module under runtime/", () => {
    expect([...graph.keys()].filter((f) => f.startsWith("runtime/") && /-commands?\.ts$/.test(f))).toEqual([]);
  });
});
