/**
 * The checker: every rule, in one list (like graphql-js's specifiedRules).
 */
import { DiagnosticBag, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { makeContext, type Rule } from "./context.js";
import type { Program } from "./program.js";
import { builtins as defaultBuiltins, type Builtins } from "../../stdlib/index.js";
import { expandGroups } from "./expand-groups.js";
import { analyze, type Semantic } from "./semantic.js";
import { archTask } from "./rules/arch-task.js";
import { argumentCombinations } from "./rules/argument-combinations.js";
import { blockRelation } from "./rules/block-relation.js";
import { callArguments } from "./rules/call-arguments.js";
import { canarySteps } from "./rules/canary-steps.js";
import { contractTypes } from "./rules/contract-types.js";
import { dataPaths } from "./rules/data-paths.js";
import { features } from "./rules/features.js";
import { gates } from "./rules/gates.js";
import { guards } from "./rules/guards.js";
import { headerVersion } from "./rules/header-version.js";
import { knownReferences } from "./rules/known-references.js";
import { knownStatements } from "./rules/known-statements.js";
import { labelLeakage } from "./rules/label-leakage.js";
import { modelFiles } from "./rules/model-files.js";
import { modelMetrics } from "./rules/model-metrics.js";
import { monitor } from "./rules/monitor.js";
import { rolloutStrategy } from "./rules/rollout-strategy.js";
import { rolloutArguments } from "./rules/rollout-arguments.js";
import { searchSpace } from "./rules/search-space.js";
import { settingTypes } from "./rules/setting-types.js";
import { taskLabel } from "./rules/task-label.js";
import { transformArguments } from "./rules/transform-arguments.js";
import { uniqueDeclarations } from "./rules/unique-declarations.js";
import { unknownBuiltin } from "./rules/unknown-builtin.js";
import { unknownColumn } from "./rules/unknown-column.js";
import { unusedDeclarations } from "./rules/unused-declarations.js";
import { valueBounds } from "./rules/value-bounds.js";

export const specifiedRules: readonly Rule[] = [
  headerVersion,
  blockRelation,
  uniqueDeclarations,
  knownStatements,
  knownReferences,
  unknownBuiltin,
  callArguments,
  transformArguments,
  argumentCombinations,
  settingTypes,
  valueBounds,
  contractTypes,
  unknownColumn,
  dataPaths,
  features,
  labelLeakage,
  taskLabel,
  archTask,
  modelMetrics,
  modelFiles,
  gates,
  searchSpace,
  rolloutStrategy,
  rolloutArguments,
  canarySteps,
  guards,
  monitor,
  unusedDeclarations,
];

export interface CheckResult {
  sem: Semantic;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
}

/**
 * A block with a syntax error was parsed only in part (the error is reported):
 * what else seems wrong inside it is likely a consequence, so it waits until the
 * syntax error is fixed. The block's region runs to the next block, since a
 * missing `}` lets a block swallow what follows it. Returns the test for one
 * diagnostic: a binary search over each file's recovered regions, so that many
 * diagnostics in many blocks cost n log n, not n².
 */
function insideRecoveredBlock(program: Program): (d: Diagnostic) => boolean {
  const regions = new Map<Diagnostic["source"], Array<{ start: number; end: number }>>();
  for (const file of program.files) {
    const list: Array<{ start: number; end: number }> = [];
    file.blocks.forEach((b, i) => {
      if (b.recovered) list.push({ start: b.span.start, end: file.blocks[i + 1]?.span.start ?? Infinity });
    });
    if (list.length > 0) regions.set(file.source, list);
  }
  return (d) => {
    if (d.code.startsWith("E000")) return false;
    const list = regions.get(d.source);
    if (!list) return false;
    // the last region starting at or before the diagnostic
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start <= d.span.start) lo = mid + 1;
      else hi = mid;
    }
    const r = list[lo - 1];
    return r !== undefined && d.span.start < r.end;
  };
}

/**
 * One error a line: a second error that starts on a line where an earlier one
 * starts follows from it. Newlines are not tokens, so a word typed twice
 * (`x = standardize standardize(t)`) reads as two statements, and each would be
 * wrong in its own way; the first message names the mistake. Warnings stay.
 */
function onePerLine(sorted: Diagnostic[]): Diagnostic[] {
  const lines = new Set<string>();
  return sorted.filter((d) => {
    if (d.severity !== "error") return true;
    const key = `${d.source.name}:${d.source.position(d.span.start).line}`;
    if (lines.has(key)) return false;
    lines.add(key);
    return true;
  });
}

export function checkProgram(program: Program, rules: readonly Rule[] = specifiedRules, builtins?: Builtins): CheckResult {
  const bag = new DiagnosticBag();
  bag.items.push(...program.diagnostics.items);
  // column groups become the statements they stand for before any rule reads the program
  const sem = analyze(expandGroups(program, builtins ?? defaultBuiltins, bag), builtins);
  const ctx = makeContext(sem, bag);
  for (const rule of rules) rule.check(ctx);
  // one mistake, one message: several rules can reach the same span
  const seen = new Set<string>();
  const unique = bag.items.filter((d) => {
    const key = `${d.source.name}:${d.span.start}:${d.span.end}:${d.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const recovered = insideRecoveredBlock(program);
  const diagnostics = onePerLine(sortDiagnostics(unique.filter((d) => !recovered(d))));
  return { sem, diagnostics, hasErrors: diagnostics.some((d) => d.severity === "error") };
}
