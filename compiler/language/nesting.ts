/**
 * How deep a spec may nest (spec/language.md#nesting). Both parsers, the checker
 * and the formatter walk the tree recursively, so nesting is bounded before any of
 * them runs: brackets (`(`, `[`, `{`) open at once, and prefix operators (`-`,
 * `not`) in a row. Past a bound the spec is refused with one diagnostic (E0006,
 * E0007) instead of overflowing the call stack on a few hundred bytes.
 */
import type { Expr, SpecFile, Stmt } from "./ast.js";

/** Brackets open at once: a spec's own nesting is a handful; 64 is far past any real one. */
export const MAX_NESTING = 64;
/** Prefix operators in a row (`- - x`, `not not x`). */
export const MAX_PREFIX_RUN = 64;

/** How the scan sees a token; other tokens are `undefined`. */
export type NestingRole = "open" | "close" | "prefix" | undefined;

export interface NestingProblem {
  code: "E0006" | "E0007";
  /** Index of the token past the bound. */
  token: number;
}

/** The first token past a nesting bound, if any; `role(i)` classifies token i of `count`. */
export function findNestingProblem(count: number, role: (i: number) => NestingRole): NestingProblem | undefined {
  let depth = 0;
  let run = 0;
  for (let i = 0; i < count; i++) {
    const r = role(i);
    if (r === "prefix") {
      if (++run > MAX_PREFIX_RUN) return { code: "E0007", token: i };
      continue;
    }
    run = 0;
    if (r === "open") {
      if (++depth > MAX_NESTING) return { code: "E0006", token: i };
    } else if (r === "close" && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Operators nest without brackets (`1 + 1 + … + 1` is a tree as deep as it is
 * long), so an expression's depth is bounded too; the parsers build chains in
 * loops, and this bound keeps every later walk of the tree shallow.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** The first expression (in statement order) deeper than MAX_EXPRESSION_DEPTH, found without recursion. */
export function findTooDeepExpression(file: SpecFile): Expr | undefined {
  const roots: Expr[] = [];
  const stmts: Stmt[] = file.blocks.flatMap((b) => b.body);
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    switch (s.kind) {
      case "assign":
        roots.push(s.value);
        break;
      case "sample":
        roots.push(s.dist);
        if (s.when) roots.push(s.when);
        break;
      case "column":
        // loops, not spreads: a spread of a huge list overflows the stack too
        for (const a of s.type.args) roots.push(a.value);
        for (const c of s.constraints) if (c.value) roots.push(c.value);
        break;
      case "call":
        roots.push(s.call);
        break;
      case "nested":
        for (const inner of s.body) stmts.push(inner);
        break;
      case "condition":
        roots.push(s.right);
        break;
      case "require":
        roots.push(s.expr);
        break;
      case "retrain":
        roots.push(s.when);
        for (const c of s.clauses) {
          if (c.kind === "at_most") roots.push(c.count, c.per);
          else if (c.kind === "using") roots.push(c.target);
        }
        break;
    }
  }
  // one stack of nodes and one of depths, reused: this runs on every parse
  const nodes: Expr[] = [];
  const depths: number[] = [];
  for (const root of roots) {
    if (root.kind === "number" || root.kind === "quantity" || root.kind === "string" || root.kind === "bool" || root.kind === "ref") continue;
    nodes.push(root);
    depths.push(1);
    while (nodes.length > 0) {
      const e = nodes.pop()!;
      const depth = depths.pop()!;
      if (depth > MAX_EXPRESSION_DEPTH) return root;
      const before = nodes.length;
      switch (e.kind) {
        case "list":
          for (const item of e.items) nodes.push(item);
          break;
        case "range":
          nodes.push(e.low, e.high);
          break;
        case "call":
          // the callee is a name: no deeper than the call
          for (const a of e.args) nodes.push(a.value);
          break;
        case "binary":
          nodes.push(e.left, e.right);
          break;
        case "unary":
          nodes.push(e.operand);
          break;
        case "pipe":
          nodes.push(e.input, e.stage);
          break;
      }
      for (let i = before; i < nodes.length; i++) depths.push(depth + 1);
    }
  }
  return undefined;
}
