/**
 * The fast path of parse(): a hand-written recursive-descent parser for the
 * grammar of parser.ts (spec/language.md#grammar) that builds the AST directly,
 * with no CST and no error recovery.
 *
 * It makes the decisions the chevrotain parser makes (the same look-ahead and the
 * same gates) and builds what build-ast.ts would build from that parser's CST,
 * spans included. At the first thing that is not clean (a syntax error, an
 * unknown unit, a bad escape, an unterminated string) it gives up and returns
 * undefined: parse() then runs the recovering parser and the AST builder, which
 * word the diagnostics. So it only ever answers for input that has none, and a
 * case it does not know is never wrong, only slower.
 * test/compiler/clean-parser.test.ts holds the two paths to the same ASTs.
 */
import type { TokenType } from "chevrotain";
import type * as A from "./ast.js";
import { K, KIND_TYPES, kindOf, lexClean, type CleanTokens, type Kind } from "./clean-lexer.js";
import { findNestingProblem, type NestingRole } from "./nesting.js";
import { CONSTRAINT_WORDS, GROUP_WORD } from "./parser.js";
import type { Source, Span } from "./source.js";
import * as T from "./tokens.js";

const UNITS = new Set<string>(["%", "ms", "s", "m", "h", "d"]);

const BLOCK_KINDS: ReadonlyMap<Kind, A.BlockKind> = new Map([
  [kindOf(T.DatasetKw), "dataset"],
  [kindOf(T.FeaturesKw), "features"],
  [kindOf(T.ModelKw), "model"],
  [kindOf(T.SearchKw), "search"],
  [kindOf(T.ServeKw), "serve"],
  [kindOf(T.RolloutKw), "rollout"],
  [kindOf(T.MonitorKw), "monitor"],
]);

/** Kinds as flags, indexed by kind (the end kind included). */
function kindSet(types: Iterable<TokenType>): Uint8Array {
  const set = new Uint8Array(K.End + 1);
  for (const t of types) set[kindOf(t)] = 1;
  return set;
}
/** Tokens that match `Identifier` in the grammar: names and the soft keywords. */
const NAMES = kindSet(KIND_TYPES.filter((t) => t === T.Identifier || (t.CATEGORIES ?? []).includes(T.Identifier)));
const COMPARE_OPS = kindSet(T.CompareOps);
/** What a range expression (and so a constraint's value) can start with. */
const RANGE_STARTS = kindSet([T.Minus, T.NumberLit, T.StringLit, T.TrueKw, T.FalseKw, T.LBracket, T.LParen, T.MaximizeKw, T.MinimizeKw, ...KIND_TYPES.filter((_, k) => NAMES[k] === 1)]);
const BLOCK_FOLLOWERS = kindSet([T.LCurly, T.FromKw, T.ForKw]);
const IS_BLOCK_KEYWORD = kindSet(T.BlockKeywords);

/** Thrown at the first thing that is not clean; caught by parseClean. */
class NotClean {}
const NOT_CLEAN = new NotClean();

function cover(a: Span, b: Span): Span {
  return { start: a.start, end: Math.max(a.end, b.end) };
}

class CleanParser {
  private pos = 0;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly lines: Int32Array;
  /** Index of the end: kinds there and past it read as the end kind. */
  private readonly count: number;

  constructor(
    private readonly text: string,
    tokens: CleanTokens,
  ) {
    this.count = tokens.count;
    // `kinds[count]` is the end, so `kinds[pos]` needs no bounds check
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.lines = tokens.lines;
  }

  /** The kind of the token k ahead (0: the next one). */
  private ahead(k: number): Kind {
    const i = this.pos + k;
    return i < this.count ? this.kinds[i]! : K.End;
  }

  private next(): Kind {
    return this.kinds[this.pos]!;
  }

  private image(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  private tokenSpan(i: number): Span {
    return { start: this.starts[i]!, end: this.ends[i]! };
  }

  private ident(i: number): A.Ident {
    return { name: this.image(i), span: this.tokenSpan(i) };
  }

  private expect(kind: Kind): number {
    if (this.kinds[this.pos] !== kind) throw NOT_CLEAN;
    return this.pos++;
  }

  private expectName(): number {
    if (NAMES[this.kinds[this.pos]!] !== 1) throw NOT_CLEAN;
    return this.pos++;
  }

  /** From token `first` to the last token consumed: a CST node's span. */
  private spanFrom(first: number): Span {
    return { start: this.starts[first]!, end: this.ends[this.pos - 1]! };
  }

  /** The next token starts on the line of the last one consumed. */
  private onSameLine(): boolean {
    return this.pos < this.count && this.lines[this.pos] === this.lines[this.pos - 1];
  }

  file(source: Source, comments: A.Comment[]): A.SpecFile {
    const file: A.SpecFile = { source, imports: [], blocks: [], comments };
    if (this.next() === K.MlspecKw && this.ahead(1) === K.NumberLit) {
      this.pos += 2;
      file.version = { value: Number(this.image(1)), raw: this.image(1), span: this.spanFrom(0) };
    }
    for (;;) {
      const kind = this.next();
      if (kind === K.End) break;
      if (kind === K.ImportKw && this.ahead(1) === K.StringLit) {
        const first = this.pos;
        this.pos += 2;
        file.imports.push({ path: this.unquote(first + 1), span: this.spanFrom(first) });
      } else if (IS_BLOCK_KEYWORD[kind] === 1) {
        file.blocks.push(this.block());
      } else throw NOT_CLEAN;
    }
    return file;
  }

  /** Inside a body, `model NAME {` starts a block: the body above lacks its `}`. */
  private startsBlock(): boolean {
    return IS_BLOCK_KEYWORD[this.next()] === 1 && NAMES[this.ahead(1)] === 1 && BLOCK_FOLLOWERS[this.ahead(2)] === 1;
  }

  private block(): A.Block {
    const first = this.pos;
    if (!this.startsBlock()) throw NOT_CLEAN;
    const kw = this.pos++;
    const name = this.ident(this.expectName());
    let relation: A.Block["relation"];
    const rel = this.next();
    if (rel === K.FromKw || rel === K.ForKw) {
      const relTok = this.pos++;
      const target = this.expectName();
      relation = { word: rel === K.FromKw ? "from" : "for", target: this.ident(target), span: { start: this.starts[relTok]!, end: this.ends[target]! } };
    }
    const body = this.body();
    return { kind: BLOCK_KINDS.get(this.kinds[kw]!)!, keywordSpan: this.tokenSpan(kw), name, relation, body, span: this.spanFrom(first) };
  }

  private body(): A.Stmt[] {
    this.expect(K.LCurly);
    const out: A.Stmt[] = [];
    for (;;) {
      const kind = this.next();
      if (kind === K.RCurly) break;
      if (this.startsBlock()) throw NOT_CLEAN;
      if (NAMES[kind] === 1 && this.startsGroup()) out.push(this.groupStmt());
      else if (NAMES[kind] === 1) out.push(this.pathStmt());
      else if (kind === K.RequireKw) out.push(this.requireStmt());
      else if (kind === K.RetrainKw) out.push(this.retrainStmt());
      else if (kind === K.Semicolon) this.pos++;
      else throw NOT_CLEAN;
    }
    this.pos++;
    return out;
  }

  private requireStmt(): A.Stmt {
    const first = this.pos++;
    const expr = this.expression();
    return { kind: "require", expr, span: this.spanFrom(first) };
  }

  private retrainStmt(): A.Stmt {
    const first = this.pos++;
    this.expect(K.WhenKw);
    const when = this.expression();
    const clauses: A.RetrainClause[] = [];
    while (this.next() === K.Comma) {
      this.pos++;
      clauses.push(this.retrainClause());
    }
    return { kind: "retrain", when, clauses, span: this.spanFrom(first) };
  }

  /** `at most N per D` or `using NAME`; other words are left for the checker. */
  private retrainClause(): A.RetrainClause {
    const first = this.pos;
    const words = [this.ident(this.expectName())];
    if (this.next() === K.Identifier && this.ahead(1) === K.NumberLit) words.push(this.ident(this.pos++));
    const value = this.expression();
    let perWord = "";
    let per: A.Expr | undefined;
    if (NAMES[this.next()] === 1 && this.ahead(1) === K.NumberLit) {
      perWord = this.image(this.pos++);
      per = this.expression();
    }
    const span = this.spanFrom(first);
    const text = words.map((w) => w.name).join(" ");
    if (text === "at most" && per && perWord === "per") return { kind: "at_most", count: value, per, span };
    if (text === "using" && !per) return { kind: "using", target: value, span };
    return { kind: "unknown", words, span };
  }

  // Spans are never changed once made, so a node whose span is its only child's
  // shares that span object: one allocation less for most names.

  private path(): A.Path {
    const first = this.pos;
    const parts = [this.ident(this.expectName())];
    if (this.next() !== K.Dot) return { parts, span: parts[0]!.span };
    while (this.next() === K.Dot) {
      this.pos++;
      parts.push(this.ident(this.expectName()));
    }
    return { parts, span: this.spanFrom(first) };
  }

  private pathStmt(): A.Stmt {
    const first = this.pos;
    const target = this.path();
    const kind = this.next();
    if (kind === K.Equals) {
      this.pos++;
      // a value starts on the line of its `=`
      if (!this.onSameLine()) throw NOT_CLEAN;
      const value = this.expression();
      return { kind: "assign", target, value, span: this.spanFrom(first) };
    }
    if (kind === K.Tilde) {
      this.pos++;
      if (!this.onSameLine()) throw NOT_CLEAN;
      const dist = this.expression();
      let when: A.Expr | undefined;
      if (this.next() === K.WhenKw) {
        this.pos++;
        when = this.expression();
      }
      return { kind: "sample", target, dist, when, span: this.spanFrom(first) };
    }
    if (kind === K.Colon) {
      this.pos++;
      const typeFirst = this.pos;
      const typeName = this.ident(this.expectName());
      const args = this.next() === K.LParen ? this.parenArgs() : [];
      const columnType = { name: typeName, args, span: this.spanFrom(typeFirst) };
      const constraints: A.Constraint[] = [];
      // `unique` / `range 0..9` follow a type; a word followed by `:` starts the next column
      while (NAMES[this.next()] === 1 && this.ahead(1) !== K.Colon && CONSTRAINT_WORDS.has(this.image(this.pos))) constraints.push(this.constraint());
      return { kind: "column", name: target, type: columnType, constraints, span: this.spanFrom(first) };
    }
    if (kind === K.LParen) {
      const args = this.parenArgs();
      const span = this.spanFrom(first);
      const callee: A.RefExpr = { kind: "ref", path: target.parts, span: target.span };
      return { kind: "call", call: { kind: "call", callee, args, span }, span };
    }
    if (kind === K.LCurly) {
      const body = this.body();
      return { kind: "nested", name: target, body, span: this.spanFrom(first) };
    }
    if (COMPARE_OPS[kind] === 1) {
      const op = this.image(this.pos++) as A.CompareOp;
      const right = this.expression();
      return { kind: "condition", left: target, op, right, span: this.spanFrom(first) };
    }
    throw NOT_CLEAN;
  }

  private startsGroup(): boolean {
    return this.image(this.pos) === GROUP_WORD && (NAMES[this.ahead(1)] === 1 || this.ahead(1) === K.LBracket);
  }

  /** `each SELECTOR [except NAMES] ( : [type] constraints | as TEMPLATE = pipeline )`, as parser.ts's groupStmt. */
  private groupStmt(): A.Stmt {
    const first = this.pos;
    const each = this.ident(this.pos++);
    const selectorFirst = this.pos;
    const bracketed = this.next() === K.LBracket;
    const names = this.nameList();
    const selector: A.GroupSelector = bracketed ? { kind: "list", columns: names, span: this.spanFrom(selectorFirst) } : { kind: "kind", name: names[0]! };
    let except: A.Ident[] = [];
    if (this.next() === K.Identifier && this.image(this.pos) === "except") {
      this.pos++;
      except = this.nameList();
    }
    if (this.next() === K.Colon) {
      this.pos++;
      let type: A.ColumnType | undefined;
      if (NAMES[this.next()] === 1 && !CONSTRAINT_WORDS.has(this.image(this.pos)) && this.ahead(1) !== K.Colon) {
        const typeFirst = this.pos;
        const name = this.ident(this.pos++);
        const args = this.next() === K.LParen ? this.parenArgs() : [];
        type = { name, args, span: this.spanFrom(typeFirst) };
      }
      const constraints: A.Constraint[] = [];
      while (NAMES[this.next()] === 1 && this.ahead(1) !== K.Colon && CONSTRAINT_WORDS.has(this.image(this.pos))) constraints.push(this.constraint());
      return { kind: "group", each, selector, except, rule: { kind: "constraints", type, constraints }, span: this.spanFrom(first) };
    }
    if (NAMES[this.next()] !== 1 || this.image(this.pos) !== "as") throw NOT_CLEAN;
    this.pos++;
    const prefix = NAMES[this.next()] === 1 ? this.ident(this.pos++) : undefined;
    const star = this.tokenSpan(this.expect(K.Star));
    const suffix = NAMES[this.next()] === 1 && this.ahead(1) === K.Equals ? this.ident(this.pos++) : undefined;
    const template: A.NameTemplate = { prefix, star: { span: star }, suffix, span: { start: prefix ? prefix.span.start : star.start, end: suffix ? suffix.span.end : star.end } };
    this.expect(K.Equals);
    // a value starts on the line of its `=`
    if (!this.onSameLine()) throw NOT_CLEAN;
    const value = this.expression();
    return { kind: "group", each, selector, except, rule: { kind: "feature", template, value }, span: this.spanFrom(first) };
  }

  /** `name` or `[name, name, …]` */
  private nameList(): A.Ident[] {
    if (this.next() !== K.LBracket) return [this.ident(this.expectName())];
    this.pos++;
    const names = [this.ident(this.expectName())];
    while (this.next() === K.Comma) {
      this.pos++;
      if (this.next() === K.RBracket) break; // trailing comma
      names.push(this.ident(this.expectName()));
    }
    this.expect(K.RBracket);
    return names;
  }

  private constraint(): A.Constraint {
    const first = this.pos;
    const word = this.ident(this.pos++);
    let op: A.CompareOp | undefined;
    let value: A.Expr | undefined;
    // a value only when no name (the next column) and no `}` follows
    const kind = this.next();
    if (kind !== K.Identifier && IS_BLOCK_KEYWORD[kind] !== 1 && kind !== K.RCurly && (COMPARE_OPS[kind] === 1 || RANGE_STARTS[kind] === 1)) {
      if (COMPARE_OPS[kind] === 1) op = this.image(this.pos++) as A.CompareOp;
      value = this.rangeExpr();
    }
    return { word, op, value, span: this.spanFrom(first) };
  }

  /** `( args )` */
  private parenArgs(): A.Arg[] {
    this.pos++;
    const args: A.Arg[] = [];
    if (this.next() !== K.RParen) {
      args.push(this.arg());
      while (this.next() === K.Comma) {
        this.pos++;
        if (this.next() === K.RParen) break; // trailing comma
        args.push(this.arg());
      }
    }
    this.expect(K.RParen);
    return args;
  }

  private arg(): A.Arg {
    const first = this.pos;
    let name: A.Ident | undefined;
    if (NAMES[this.next()] === 1 && this.ahead(1) === K.Equals) {
      name = this.ident(this.pos);
      this.pos += 2;
    }
    const value = this.expression();
    // a positional argument not in parentheses spans what its value spans
    const span = name === undefined && value.span.start === this.starts[first] && value.span.end === this.ends[this.pos - 1] ? value.span : this.spanFrom(first);
    return { name, value, span };
  }

  expression(): A.Expr {
    let result = this.orExpr();
    while (this.next() === K.Pipe) {
      this.pos++;
      const stage = this.reference();
      result = { kind: "pipe", input: result, stage, span: cover(result.span, stage.span) };
    }
    return result;
  }

  private orExpr(): A.Expr {
    let acc = this.andExpr();
    while (this.next() === K.OrKw) {
      this.pos++;
      const right = this.andExpr();
      acc = { kind: "binary", op: "or", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private andExpr(): A.Expr {
    let acc = this.notExpr();
    while (this.next() === K.AndKw) {
      this.pos++;
      const right = this.notExpr();
      acc = { kind: "binary", op: "and", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private notExpr(): A.Expr {
    if (this.next() !== K.NotKw) return this.comparison();
    const first = this.pos++;
    const operand = this.notExpr();
    return { kind: "unary", op: "not", operand, span: this.spanFrom(first) };
  }

  private comparison(): A.Expr {
    const first = this.pos;
    const left = this.rangeExpr();
    if (COMPARE_OPS[this.next()] !== 1) return left;
    const op = this.image(this.pos++) as A.CompareOp;
    const right = this.rangeExpr();
    return { kind: "binary", op, left, right, span: this.spanFrom(first) };
  }

  private rangeExpr(): A.Expr {
    const first = this.pos;
    const low = this.additive();
    if (this.next() !== K.DotDot) return low;
    this.pos++;
    const high = this.additive();
    return { kind: "range", low, high, span: this.spanFrom(first) };
  }

  private additive(): A.Expr {
    let acc = this.multiplicative();
    for (let kind = this.next(); kind === K.Plus || kind === K.Minus; kind = this.next()) {
      this.pos++;
      const right = this.multiplicative();
      acc = { kind: "binary", op: kind === K.Plus ? "+" : "-", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private multiplicative(): A.Expr {
    let acc = this.unary();
    for (let kind = this.next(); kind === K.Star || kind === K.Slash; kind = this.next()) {
      this.pos++;
      const right = this.unary();
      acc = { kind: "binary", op: kind === K.Star ? "*" : "/", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private unary(): A.Expr {
    if (this.next() !== K.Minus) return this.primary();
    const first = this.pos++;
    const operand = this.unary();
    return { kind: "unary", op: "-", operand, span: this.spanFrom(first) };
  }

  private primary(): A.Expr {
    const kind = this.next();
    if (NAMES[kind] === 1) return this.reference();
    const first = this.pos;
    if (kind === K.NumberLit) {
      this.pos++;
      return this.number(first);
    }
    if (kind === K.StringLit) {
      this.pos++;
      return { kind: "string", value: this.unquote(first), raw: this.image(first), span: this.tokenSpan(first) };
    }
    if (kind === K.TrueKw || kind === K.FalseKw) {
      this.pos++;
      return { kind: "bool", value: kind === K.TrueKw, span: this.tokenSpan(first) };
    }
    if (kind === K.LBracket) {
      this.pos++;
      const items: A.Expr[] = [];
      if (this.next() !== K.RBracket) {
        items.push(this.expression());
        while (this.next() === K.Comma) {
          this.pos++;
          if (this.next() === K.RBracket) break; // trailing comma
          items.push(this.expression());
        }
      }
      this.expect(K.RBracket);
      return { kind: "list", items, span: this.spanFrom(first) };
    }
    if (kind === K.LParen) {
      this.pos++;
      const inner = this.expression();
      this.expect(K.RParen);
      return inner;
    }
    if (kind === K.MaximizeKw || kind === K.MinimizeKw) {
      this.pos++;
      const target = this.reference();
      // `maximize f(x)`: the AST builder makes that an error expression; left to it
      if (target.kind !== "ref") throw NOT_CLEAN;
      return { kind: "objective", direction: kind === K.MaximizeKw ? "maximize" : "minimize", target, span: this.spanFrom(first) };
    }
    throw NOT_CLEAN;
  }

  /** `name`, `a.b.c`, `model@alias`, `ndcg@10`, `model@alias.metric`, and any of these called: `f(x, k = 1)` */
  private reference(): A.RefExpr | A.CallExpr {
    const first = this.pos;
    const path = this.path();
    let alias: A.Ident | undefined;
    let member: A.Ident[] | undefined;
    if (this.next() === K.At) {
      this.pos++;
      const kind = this.next();
      if (NAMES[kind] !== 1 && kind !== K.NumberLit) throw NOT_CLEAN;
      alias = this.ident(this.pos++);
      while (this.next() === K.Dot) {
        this.pos++;
        (member ??= []).push(this.ident(this.expectName()));
      }
    }
    const end = member ? member[member.length - 1]!.span.end : alias?.span.end;
    const ref: A.RefExpr = { kind: "ref", path: path.parts, alias, ...(member ? { member } : {}), span: end !== undefined ? { start: path.span.start, end } : path.span };
    if (this.next() !== K.LParen) return ref;
    const args = this.parenArgs();
    return { kind: "call", callee: ref, args, span: this.spanFrom(first) };
  }

  private number(i: number): A.Expr {
    const raw = this.image(i);
    // the digits, then a unit, as build-ast.ts's number() splits them
    const digits = numberLength(raw);
    if (digits === raw.length) return { kind: "number", value: Number(raw), raw, span: this.tokenSpan(i) };
    const value = Number(raw.slice(0, digits));
    const suffix = raw.slice(digits);
    // an unknown unit is a diagnostic (E0004): the AST builder's
    if (!UNITS.has(suffix)) throw NOT_CLEAN;
    return { kind: "quantity", value, unit: suffix as A.Unit, raw, span: this.tokenSpan(i) };
  }

  private unquote(i: number): string {
    const raw = this.image(i);
    // without a backslash or a control character, the text between the quotes is the value
    if (!/[\\\u0000-\u001f]/.test(raw)) return raw.slice(1, -1);
    // a bad escape (E0005) is the AST builder's to report
    try {
      return JSON.parse(raw) as string;
    } catch {
      throw NOT_CLEAN;
    }
  }
}

const NESTING_ROLES: NestingRole[] = [];
NESTING_ROLES[K.LParen] = NESTING_ROLES[K.LBracket] = NESTING_ROLES[K.LCurly] = "open";
NESTING_ROLES[K.RParen] = NESTING_ROLES[K.RBracket] = NESTING_ROLES[K.RCurly] = "close";
NESTING_ROLES[K.Minus] = NESTING_ROLES[K.NotKw] = "prefix";

/** The AST of `source`, or undefined at the first thing that would need a diagnostic. */
export function parseClean(source: Source): A.SpecFile | undefined {
  const tokens = lexClean(source.text);
  if (!tokens) return undefined;
  // nested past the bounds of nesting.ts: E0006 or E0007, the recovering path's to report
  if (findNestingProblem(tokens.count, (i) => NESTING_ROLES[tokens.kinds[i]!])) return undefined;
  try {
    return new CleanParser(source.text, tokens).file(source, tokens.comments);
  } catch (e) {
    if (e === NOT_CLEAN) return undefined;
    throw e;
  }
}

/** Length of a number token's numeric part, `(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`; the rest is its unit. */
function numberLength(raw: string): number {
  const digit = (i: number) => {
    const c = raw.charCodeAt(i);
    return c >= 48 && c <= 57;
  };
  let i = 0;
  while (digit(i)) i++;
  if (raw.charCodeAt(i) === 46 && digit(i + 1)) {
    i++;
    while (digit(i)) i++;
  }
  const e = raw.charCodeAt(i);
  if (e === 101 || e === 69) {
    const sign = raw.charCodeAt(i + 1);
    const first = sign === 43 || sign === 45 ? i + 2 : i + 1;
    if (digit(first)) {
      i = first;
      while (digit(i)) i++;
    }
  }
  return i;
}
