import type { Stmt } from "../../language/ast.js";
import type { Rule } from "../context.js";
import { blockSettings, blockShape } from "../settings-signatures.js";
import { pathName, settingsOf } from "../semantic.js";
import { didYouMean } from "../../../text/did-you-mean.js";
import { printExpr } from "../../language/printer.js";

const STMT_WORDS: Record<Stmt["kind"], string> = {
  assign: "a setting",
  sample: "a search distribution (`~`)",
  column: "a column declaration",
  call: "a call",
  nested: "a nested block",
  condition: "a condition",
  require: "a `require` gate",
  retrain: "a `retrain` rule",
  group: "a column group",
};

/**
 * Each block holds only the statements its section lists; settings are known names,
 * set once, and required ones are present (spec/language.md#blocks).
 */
export const knownStatements: Rule = {
  name: "known-statements",
  codes: ["E0104", "E0105", "E0106", "E0107"],
  section: "spec/language.md#blocks",
  check(ctx) {
    for (const decl of ctx.sem.program.decls.values()) {
      const kind = decl.block.kind;
      const shape = blockShape[kind]!;
      const calls = shape.callsFrom ? [...shape.calls, ...ctx.sem.builtins[shape.callsFrom].keys()] : shape.calls;
      const checkBody = (body: Stmt[], where: string, settings: Record<string, unknown> | undefined, allow: (s: Stmt) => boolean) => {
        for (const s of body) {
          if (s.kind === "assign") {
            if (shape.anyAssign && body === decl.block.body) continue;
            const key = pathName(s.target);
            if (settings && !(key in settings)) {
              ctx.report("E0105", decl, s.target.span, `unknown setting \`${key}\` in ${where}`, {
                help: didYouMean(key, Object.keys(settings), Object.keys(settings).length > 0 ? `its settings are {list}` : "it takes no settings"),
              });
            }
            continue;
          }
          if (!allow(s)) {
            const help =
              s.kind === "condition" && s.op === "=="
                ? `to set a value write \`${pathName(s.left)} = ${printExpr(s.right)}\`: \`=\` sets, \`==\` compares`
                : s.kind === "column"
                  ? `a column declaration belongs in a dataset's contract; a setting is \`${pathName(s.name)} = value\``
                  : `see spec/language.md#${kind} for what a ${kind} block holds`;
            ctx.report("E0104", decl, s.span, `${STMT_WORDS[s.kind]} cannot appear in ${where}`, { help });
          }
        }
      };
      checkBody(decl.block.body, `${kind} \`${decl.name}\``, blockSettings[kind], (s) => {
        switch (s.kind) {
          case "nested":
            return shape.nested.includes(pathName(s.name));
          case "call": {
            const name = s.call.callee.path.map((p) => p.name).join(".");
            if (calls.includes(name)) return true;
            if (calls.length > 0) {
              ctx.report("E0105", decl, s.call.callee.span, `unknown call \`${name}\` in ${kind}`, {
                help: didYouMean(name, calls, `a ${kind} block calls {list}`),
              });
              return true;
            }
            return false;
          }
          case "sample":
            return shape.samples;
          case "require":
            return shape.requires;
          case "retrain":
            return shape.retrain;
          case "condition":
            return shape.conditions;
          default:
            return false;
        }
      });
      // nested blocks: contract holds columns and row rules; train settings and early_stop; slo/guard conditions
      const settings = settingsOf(decl.block.body);
      for (const [name, nested] of settings.nested) {
        if (!shape.nested.includes(name)) continue;
        const where = `the ${name} block of ${kind} \`${decl.name}\``;
        if (name === "contract") checkBody(nested.body, where, {}, (s) => s.kind === "column" || s.kind === "condition");
        else if (name === "train") {
          checkBody(nested.body, where, blockSettings.train, (s) => {
            if (s.kind !== "call") return false;
            const n = s.call.callee.path.map((p) => p.name).join(".");
            if (n !== "early_stop") {
              ctx.report("E0105", decl, s.call.callee.span, `unknown call \`${n}\` in train`, { help: didYouMean(n, ["early_stop"], "train calls {list}") });
            }
            return true;
          });
        } else checkBody(nested.body, where, {}, (s) => s.kind === "condition");
      }
      for (const rep of settings.repeated) {
        if (shape.anyAssign) continue; // features: duplicate feature names are the features rule's
        ctx.report("E0107", decl, rep.target.span, `\`${pathName(rep.target)}\` is set twice in ${kind} \`${decl.name}\``, {
          help: "keep one of them",
        });
      }
      // a block cut short by a syntax error (reported already) may have lost its settings
      if (decl.block.recovered) continue;
      const required = Object.values(blockSettings[kind] ?? {}).filter((p) => !p.optional && p.default === undefined);
      const model = kind === "model" ? ctx.sem.models.get(decl.name) : undefined;
      for (const p of required) {
        if (settings.assigns.has(p.name)) continue;
        ctx.report("E0106", decl, decl.block.name.span, `${kind} \`${decl.name}\` has no \`${p.name}\``, {
          help: `add \`${p.name} = ...\`: ${p.doc}`,
        });
      }
      // an `arch` or `import` of the wrong form is setting-types' to report
      if (kind === "model" && model && !settings.assigns.has("arch") && !settings.assigns.has("import") && settings.assigns.has("task")) {
        ctx.report("E0106", decl, decl.block.name.span, `model \`${decl.name}\` has neither \`arch\` nor \`import\``, {
          help: "add `arch = mlp(hidden = [32])` to train one, or `import = onnx(\"model.onnx\")` to import one",
        });
      }
      if (kind === "search" && settings.samples.length === 0) {
        ctx.report("E0106", decl, decl.block.name.span, `search \`${decl.name}\` tunes nothing`, {
          help: "add a parameter and its distribution, e.g. `train.optimizer.lr ~ loguniform(1e-4, 1e-1)`",
        });
      }
    }
  },
};
