/**
 * Regenerates the built-in tables of spec/language.md from the stdlib signatures
 * and the block settings, between marker comments:
 *
 *   <!-- BEGIN GENERATED builtins:transforms -->  …  <!-- END GENERATED builtins:transforms -->
 *
 *   npx tsx spec/gen-builtins.ts          rewrite spec/language.md
 *   npx tsx spec/gen-builtins.ts --check  exit 1 when the file is out of date
 *
 * test/plan/spec-docs.test.ts asserts that the committed file is current.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { builtins } from "../stdlib/index.js";
import type { CallSig, ParamSig, ParamType } from "../stdlib/signature.js";
import { blockSettings, servingMetrics, settingCalls } from "../compiler/check/settings-signatures.js";

const DURATION_UNITS: Array<[string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function typeText(t: ParamType): string {
  if (typeof t === "string") {
    return { model_ref: "model ref", symbol: "name" }[t as string] ?? t;
  }
  if ("list" in t) return `list of ${typeText(t.list)}`;
  return `one of ${t.oneOf.map((o) => `\`${o}\``).join(", ")}`;
}

/** A default as a spec would write it: 0.2 of a percent is 20%, 300000 ms is 5m. */
export function valueText(v: unknown, t: ParamType): string {
  if (typeof t === "object" && "list" in t && Array.isArray(v)) return `[${v.map((x) => valueText(x, t.list)).join(", ")}]`;
  if (t === "percent" && typeof v === "number") return `${+(v * 100).toPrecision(12)}%`;
  if (t === "duration" && typeof v === "number") {
    const unit = DURATION_UNITS.find(([, ms]) => v % ms === 0 && v >= ms) ?? ["ms", 1];
    return `${v / unit[1]}${unit[0]}`;
  }
  if (typeof v === "string") return t === "string" ? JSON.stringify(v) : v;
  return String(v);
}

function defaultText(p: ParamSig): string {
  if (p.default !== undefined) return `\`${valueText(p.default, p.type)}\``;
  return p.optional ? "optional" : "**required**";
}

function boundsText(p: ParamSig): string {
  const fmt = (v: number) => valueText(v, p.type === "percent" ? "percent" : "float");
  if (p.min !== undefined && p.max !== undefined) return `${fmt(p.min)}..${fmt(p.max)}`;
  if (p.min !== undefined) return `≥ ${fmt(p.min)}`;
  if (p.max !== undefined) return `≤ ${fmt(p.max)}`;
  return "";
}

function paramTable(params: ParamSig[], opts: { header?: string; typeOf?: (p: ParamSig) => string } = {}): string[] {
  if (params.length === 0) return ["No parameters.", ""];
  const out = [`| ${opts.header ?? "parameter"} | type | default | bounds | meaning |`, "|---|---|---|---|---|"];
  for (const p of params) out.push(`| \`${p.name}\` | ${cell(opts.typeOf?.(p) ?? typeText(p.type))} | ${defaultText(p)} | ${boundsText(p)} | ${cell(p.doc)} |`);
  out.push("");
  return out;
}

/** Settings whose value is a call of a built-in family (or an objective), not a plain value. */
const CALL_VALUED_SETTINGS: Record<string, string> = {
  source: "a source call",
  split: "a split call",
  task: "a task call",
  inputs: "a features block, a dataset, or columns(…)",
  arch: "an architecture call",
  import: "an import format call",
  optimizer: "an optimizer call",
  sampler: "a sampler call",
  objective: "maximize or minimize a metric",
  prune: "a pruner call",
};

function callEntries(items: Iterable<{ name: string; params: ParamSig[]; doc: string }>, extra: (name: string) => string = () => ""): string[] {
  const out: string[] = [];
  for (const s of items) {
    out.push(`**\`${s.name}(${s.params.map((p) => p.name).join(", ")})\`** — ${s.doc}${extra(s.name)}`, "");
    out.push(...paramTable(s.params));
  }
  return out;
}

const sections: Record<string, () => string[]> = {
  sources: () => callEntries(builtins.sources.values()),
  splits: () => callEntries(builtins.splits.values()),
  transforms: () => {
    const out = ["| transform | accepts | inputs | output | meaning |", "|---|---|---|---|---|"];
    for (const t of builtins.transforms.values()) {
      const output = t.output.kind === "numeric" ? `numbers, width ${t.output.width === "fit" ? "known after fitting" : t.output.width}` : t.output.kind === "index" ? "an id index (for embeddings)" : "same as its input";
      out.push(`| \`${t.name}\` | ${t.accepts.join(", ")} | ${t.arity === 1 ? "one column" : "two or more columns"} | ${output} | ${cell(t.doc)} |`);
    }
    out.push("");
    for (const t of builtins.transforms.values()) {
      if (t.params.length === 0) continue;
      out.push(`**\`${t.name}\`** parameters:`, "", ...paramTable(t.params));
    }
    return out;
  },
  tasks: () => {
    const out = ["| task | kind | target column types | parameters | meaning |", "|---|---|---|---|---|"];
    for (const t of builtins.tasks.values()) {
      const kinds = t.targetKinds.map((k) => (k === "two_valued_enum" ? "enum of two values" : k)).join(", ");
      out.push(`| \`${t.name}\` | ${t.task} | ${kinds} | ${t.params.map((p) => `\`${p.name}\``).join(", ")} | ${cell(t.doc)} |`);
    }
    out.push("");
    return out;
  },
  archs: () => callEntries(builtins.archs.values(), (n) => ` Tasks: ${builtins.archs.get(n)!.tasks.join(", ")}.`),
  optimizers: () => callEntries(builtins.optimizers.values()),
  metrics: () => {
    const out = ["| metric | tasks | better | cut-off | meaning |", "|---|---|---|---|---|"];
    for (const m of builtins.metrics.values()) {
      out.push(`| \`${m.name}\` | ${m.tasks.join(", ")} | ${m.direction === "maximize" ? "higher" : "lower"} | ${m.takesK ? `\`${m.name}@k\`` : ""} | ${cell(m.doc)} |`);
    }
    out.push("| `loss` | all | lower | | The training loss of the task (always computed). |", "");
    return out;
  },
  importFormats: () => callEntries(builtins.importFormats.values()),
  distributions: () => {
    const out = ["| distribution | produces | meaning |", "|---|---|---|"];
    for (const d of builtins.distributions.values()) out.push(`| \`${d.name}\` | ${d.produces.join(", ")} | ${cell(d.doc)} |`);
    out.push("");
    for (const d of builtins.distributions.values()) {
      if (d.params.length > 0) out.push(`**\`${d.name}(${d.params.map((p) => p.name).join(", ")})\`**`, "", ...paramTable(d.params));
    }
    return out;
  },
  samplers: () => callEntries(builtins.samplers.values()),
  pruners: () => callEntries(builtins.pruners.values()),
  rolloutStrategies: () => callEntries(builtins.rolloutStrategies.values()),
  driftTests: () => {
    const out = ["| test | compares | yields | meaning |", "|---|---|---|---|"];
    for (const d of builtins.driftTests.values()) {
      out.push(`| \`${d.name}\` | ${d.accepts.join(", ")} columns | ${d.yields === "distance" ? "a distance: `threshold = x`" : d.yields === "p_value" ? "a p-value: `p_value < x`" : "per column: `threshold = x` for a distance, `p_value < x` for a p-value"} | ${cell(d.doc)} |`);
    }
    out.push("");
    return out;
  },
  settingCalls: () => callEntries(Object.entries(settingCalls).map(([name, params]): Pick<CallSig, "name" | "params" | "doc"> => ({ name, params, doc: SETTING_CALL_DOCS[name] ?? "" }))),
  blockSettings: () => {
    const out: string[] = [];
    for (const [block, settings] of Object.entries(blockSettings)) {
      const typeOf = (p: ParamSig) => CALL_VALUED_SETTINGS[p.name] ?? typeText(p.type);
      out.push(`**${block === "train" ? "`train { }` in a model" : `\`${block}\``}**`, "", ...paramTable(Object.values(settings), { header: "setting", typeOf }));
    }
    return out;
  },
  servingMetrics: () => {
    const out = ["| measurement | unit |", "|---|---|"];
    for (const [name, unit] of Object.entries(servingMetrics)) out.push(`| \`${name}\` | ${unit} |`);
    out.push("");
    return out;
  },
};

/** Where each setting call may appear; their signatures carry no doc of their own. */
const SETTING_CALL_DOCS: Record<string, string> = {
  http: "In `serve`: the HTTP listener.",
  batching: "In `serve`: merges concurrent requests into one model run.",
  early_stop: "In a model's `train { }`: stops when a validation metric stops improving and keeps the best epoch.",
  columns: "As a model's `inputs`: the dataset's columns as features, without a features block.",
  alert: "In `monitor`: where alerts about drift, performance and retraining go.",
};

export const SECTION_NAMES = Object.keys(sections);

/** The document with every generated region replaced by its current content. */
export function renderBuiltins(doc: string): string {
  const re = /(<!-- BEGIN GENERATED builtins:([A-Za-z]+) -->\n)[\s\S]*?(<!-- END GENERATED builtins:\2 -->)/g;
  const seen = new Set<string>();
  const out = doc.replace(re, (_m, begin: string, name: string, end: string) => {
    const gen = sections[name];
    if (!gen) throw new Error(`spec/language.md: unknown generated section \`${name}\``);
    seen.add(name);
    return `${begin}<!-- generated by spec/gen-builtins.ts from the stdlib signatures; do not edit -->\n\n${gen().join("\n")}${end}`;
  });
  const missing = SECTION_NAMES.filter((n) => !seen.has(n));
  if (missing.length > 0) throw new Error(`spec/language.md: no generated region for ${missing.join(", ")}`);
  return out;
}

export const languageDocPath = path.join(path.dirname(fileURLToPath(import.meta.url)), "language.md");

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const current = fs.readFileSync(languageDocPath, "utf8");
  const next = renderBuiltins(current);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      process.stderr.write("spec/language.md: built-in tables are out of date; run `npx tsx spec/gen-builtins.ts`\n");
      process.exit(1);
    }
  } else if (next !== current) {
    fs.writeFileSync(languageDocPath, next);
    process.stderr.write("spec/language.md: built-in tables regenerated\n");
  }
}
