import type * as A from "../../language/ast.js";
import type { CheckContext, Rule } from "../context.js";
import { numericValue } from "../values.js";

/** Every expression of a statement, in source order (constraints, arguments and clauses included). */
function* statementExprs(st: A.Stmt): Generator<A.Expr> {
  switch (st.kind) {
    case "assign":
      yield st.value;
      return;
    case "sample":
      yield st.dist;
      if (st.when) yield st.when;
      return;
    case "column":
      for (const a of st.type.args) yield a.value;
      for (const c of st.constraints) if (c.value) yield c.value;
      return;
    case "call":
      yield st.call;
      return;
    case "nested":
      for (const s of st.body) yield* statementExprs(s);
      return;
    case "condition":
      yield st.right;
      return;
    case "require":
      yield st.expr;
      return;
    case "retrain":
      yield st.when;
      for (const c of st.clauses) {
        if (c.kind === "at_most") {
          yield c.count;
          yield c.per;
        } else if (c.kind === "using") yield c.target;
      }
      return;
  }
}

/** The literal a sign applies to, when `e` is a negated number, percentage or duration. */
function negatedQuantity(e: A.Expr): Extract<A.Expr, { kind: "quantity" }> | undefined {
  return e.kind === "unary" && e.op === "-" && e.operand.kind === "quantity" ? e.operand : undefined;
}

function checkLiteral(ctx: CheckContext, source: A.SpecFile, e: A.Expr): void {
  if (e.kind === "number" || e.kind === "quantity") {
    const v = numericValue(e)!;
    if (!Number.isFinite(v)) {
      ctx.report("E0330", source.source, e.span, `\`${e.raw}\` is too large to be a number`, {
        help: e.kind === "quantity" && e.unit !== "%" ? "a duration is at most about 2.8 million centuries; write a smaller one" : "a number is at most about 1.8e308; write a smaller one",
      });
      return;
    }
    if (e.kind === "number" && !/[.eE]/.test(e.raw) && !Number.isSafeInteger(v)) {
      ctx.report("E0330", source.source, e.span, `whole number \`${e.raw}\` is beyond 9007199254740991, the largest held exactly`, {
        help: "a whole number (a count, a seed, a bound) is at most 9007199254740991 (2^53 - 1)",
      });
      return;
    }
    if (e.kind === "quantity" && e.unit === "%" && e.value > 100) {
      ctx.report("E0331", source.source, e.span, `\`${e.raw}\` is more than 100%`, { help: "a percentage is a share of a whole, from 0% to 100%" });
    }
    return;
  }
  const neg = negatedQuantity(e);
  if (neg?.unit === "%") {
    ctx.report("E0331", source.source, e.span, `\`-${neg.raw}\` is below 0%`, { help: "a percentage is a share of a whole, from 0% to 100%" });
  } else if (neg) {
    ctx.report("E0332", source.source, e.span, `duration \`-${neg.raw}\` is negative`, { help: "a duration is longer than zero: write 250ms, 30s, 10m, 4h or 1d" });
  }
}

function visit(ctx: CheckContext, file: A.SpecFile, root: A.Expr): void {
  // an explicit stack: a deeply nested expression must not exhaust the call stack
  const stack: A.Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    checkLiteral(ctx, file, e);
    switch (e.kind) {
      case "list":
        for (let i = e.items.length - 1; i >= 0; i--) stack.push(e.items[i]!);
        break;
      case "range":
        stack.push(e.high, e.low);
        break;
      case "call":
        for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]!.value);
        break;
      case "binary":
        stack.push(e.right, e.left);
        break;
      case "unary":
        // `-250ms` is reported whole; its literal is still checked for size
        stack.push(e.operand);
        break;
      case "pipe":
        stack.push(e.stage, e.input);
        break;
    }
  }
}

/**
 * Every number a spec writes is one a plan can hold: finite, a whole number no
 * larger than 2^53 - 1, a percentage from 0% to 100%, a duration not negative
 * (spec/language.md#types-and-units). Zero durations where a positive one is
 * needed are the setting's and argument's rules' (E0332 there too).
 */
export const valueBounds: Rule = {
  name: "value-bounds",
  codes: ["E0330", "E0331", "E0332"],
  section: "spec/language.md#types-and-units",
  check(ctx) {
    for (const file of ctx.sem.program.files) {
      for (const block of file.blocks) for (const st of block.body) for (const e of statementExprs(st)) visit(ctx, file, e);
    }
  },
};
