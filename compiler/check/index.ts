/**
 * The checker: every rule, in one list (like graphql-js's specifiedRules).
 */
import { DiagnosticBag, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { makeContext, type Rule } from "./context.js";
import type { Program } from "./program.js";
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
import { searchSpace } from "./rules/search-space.js";
import { settingTypes } from "./rules/setting-types.js";
import { taskLabel } from "./rules/task-label.js";
import { transformArguments } from "./rules/transform-arguments.js";
import { uniqueDeclarations } from "./rules/unique-declarations.js";
import { unknownBuiltin } from "./rules/unknown-builtin.js";
import { unknownColumn } from "./rules/unknown-column.js";
import { unusedDeclarations } from "./rules/unused-declarations.js";

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
 * missing `}` lets a block swallow what follows it.
 */
function insideRecoveredBlock(program: Program, d: Diagnostic): boolean {
  if (d.code.startsWith("E000")) return false;
  const file = program.files.find((f) => f.source === d.source);
  if (!file) return false;
  return file.blocks.some((b, i) => b.recovered && d.span.start >= b.span.start && d.span.start < (file.blocks[i + 1]?.span.start ?? Infinity));
}

export function checkProgram(program: Program, rules: readonly Rule[] = specifiedRules): CheckResult {
  const bag = new DiagnosticBag();
  bag.items.push(...program.diagnostics.items);
  const sem = analyze(program);
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
  const diagnostics = sortDiagnostics(unique.filter((d) => !insideRecoveredBlock(program, d)));
  return { sem, diagnostics, hasErrors: diagnostics.some((d) => d.severity === "error") };
}
