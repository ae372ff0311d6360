import type { Rule } from "../context.js";
import { fits, nonPositiveDuration, outOfBounds } from "../arg-types.js";
import { blockSettings } from "../settings-signatures.js";
import type { Settings } from "../semantic.js";
import { hasError, KIND_WORDS, literalKind } from "../values.js";

/** Settings whose value is a call of a built-in family; their names are checked elsewhere. */
const CALL_SETTINGS = new Set(["source", "split", "task", "arch", "import", "optimizer", "sampler", "prune", "objective", "inputs"]);

const EXAMPLE_CALLS: Record<string, string> = {
  source: 'source = csv("data/customers.csv")',
  split: "split = holdout(test = 20%)",
  task: "task = binary_classification(target = churned)",
  inputs: "inputs = churn_features",
  arch: "arch = mlp(hidden = [32])",
  import: 'import = onnx("models/churn.onnx")',
  optimizer: "optimizer = adam(lr = 1e-3)",
  sampler: "sampler = tpe(trials = 20)",
  prune: "prune = median(warmup = 3)",
};

/**
 * Plain settings (`epochs = 30`, `timeout = 250ms`, `model = m@champion`) have the
 * declared type and unit (spec/language.md#types-and-units).
 */
export const settingTypes: Rule = {
  name: "setting-types",
  codes: ["E0301", "E0401", "E0302", "E0332"],
  section: "spec/language.md#types-and-units",
  check(ctx) {
    const checkAll = (decl: Parameters<typeof ctx.report>[1], settings: Settings | undefined, table: string) => {
      if (!settings) return;
      for (const [key, stmt] of settings.assigns) {
        const sig = blockSettings[table]?.[key];
        if (!sig) continue;
        if (CALL_SETTINGS.has(key)) {
          // what the call is, is checked elsewhere; here only that it is one (not `source = "d.csv"`)
          const v = stmt.value;
          if (key !== "objective" && v.kind !== "call" && v.kind !== "ref" && !hasError(v)) {
            ctx.report("E0301", decl, v.span, `\`${key}\`: expected ${sig.doc}, found ${KIND_WORDS[literalKind(v)]}`, {
              help: `write a call, e.g. ${EXAMPLE_CALLS[key] ?? sig.doc}`,
            });
          }
          continue;
        }
        const f = fits(stmt.value, sig.type);
        if (!f.ok) {
          ctx.report(f.code, decl, f.span, `\`${key}\`: ${f.message}`, { help: f.help });
          continue;
        }
        const empty = nonPositiveDuration(stmt.value, sig.type, sig.min);
        if (empty) {
          ctx.report("E0332", decl, stmt.value.span, `\`${key}\` ${empty}`, { help: `\`${key}\`: ${sig.doc}; write e.g. 250ms, 30s or 10m` });
          continue;
        }
        const bounds = outOfBounds(stmt.value, sig.min, sig.max);
        if (bounds) ctx.report("E0302", decl, stmt.value.span, `\`${key}\` ${bounds}`, { help: `\`${key}\`: ${sig.doc}` });
      }
    };
    for (const d of ctx.sem.datasets.values()) checkAll(d.decl, d.settings, "dataset");
    for (const m of ctx.sem.models.values()) {
      checkAll(m.decl, m.settings, "model");
      checkAll(m.decl, m.train, "train");
    }
    for (const s of ctx.sem.searches.values()) checkAll(s.decl, s.settings, "search");
    for (const s of ctx.sem.serves.values()) checkAll(s.decl, s.settings, "serve");
    for (const r of ctx.sem.rollouts.values()) checkAll(r.decl, r.settings, "rollout");
    for (const m of ctx.sem.monitors.values()) checkAll(m.decl, m.settings, "monitor");
  },
};
