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
import { EOF, type IToken, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import { CONSTRAINT_WORDS } from "./parser.js";
import type { Source, Span } from "./source.js";
import * as T from "./tokens.js";

const UNITS = new Set<string>(["%", "ms", "s", "m", "h", "d"]);
const NUMBER_PARTS = /^((?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/;

const BLOCK_KINDS = new Map<TokenType, A.BlockKind>([
  [T.DatasetKw, "dataset"],
  [T.FeaturesKw, "features"],
  [T.ModelKw, "model"],
  [T.SearchKw, "search"],
  [T.ServeKw, "serve"],
  [T.RolloutKw, "rollout"],
  [T.MonitorKw, "monitor"],
]);

/** Tokens that match `Identifier` in the grammar: names and the soft keywords. */
const NAMES = new Set<TokenType>(T.allTokens.filter((t) => t === T.Identifier || (t.CATEGORIES ?? []).includes(T.Identifier)));
const COMPARE_OPS = new Set<TokenType>(T.CompareOps);
/** What a range expression (and so a constraint's value) can start with. */
const RANGE_STARTS = new Set<TokenType>([T.Minus, T.NumberLit, T.StringLit, T.TrueKw, T.FalseKw, T.LBracket, T.LParen, T.MaximizeKw, T.MinimizeKw, ...NAMES]);
const BLOCK_FOLLOWERS = new Set<TokenType>([T.LCurly, T.FromKw, T.ForKw]);

/** Thrown at the first thing that is not clean; caught by parseClean. */
class NotClean {}
const NOT_CLEAN = new NotClean();

const END_TOKEN = { tokenType: EOF, image: "", startOffset: NaN, startLine: NaN } as unknown as IToken;

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

function cover(a: Span, b: Span): Span {
  return { start: a.start, end: Math.max(a.end, b.end) };
}

class CleanParser {
  private pos = 0;

  constructor(private readonly tokens: IToken[]) {}

  private la(k: number): IToken {
    return this.tokens[this.pos + k - 1] ?? END_TOKEN;
  }

  private next(): TokenType {
    return (this.tokens[this.pos] ?? END_TOKEN).tokenType;
  }

  private consume(type: TokenType): IToken {
    const t = this.tokens[this.pos];
    if (t === undefined || t.tokenType !== type) throw NOT_CLEAN;
    this.pos++;
    return t;
  }

  private consumeName(): IToken {
    const t = this.tokens[this.pos];
    if (t === undefined || !NAMES.has(t.tokenType)) throw NOT_CLEAN;
    this.pos++;
    return t;
  }

  /** From token `first` to the last token consumed: a CST node's span. */
  private spanFrom(first: number): Span {
    const last = this.tokens[this.pos - 1]!;
    return { start: this.tokens[first]!.startOffset, end: last.startOffset + last.image.length };
  }

  /** The next token starts on the line of the last one consumed. */
  private onSameLine(): boolean {
    const next = this.tokens[this.pos];
    return next !== undefined && next.startLine === this.tokens[this.pos - 1]!.startLine;
  }

  private ident(t: IToken): A.Ident {
    return { name: t.image, span: tokenSpan(t) };
  }

  file(source: Source, comments: A.Comment[]): A.SpecFile {
    const file: A.SpecFile = { source, imports: [], blocks: [], comments };
    let version: SpecFileVersion | undefined;
    if (this.next() === T.MlspecKw && this.la(2).tokenType === T.NumberLit) {
      this.pos += 2;
      version = { value: Number(this.tokens[1]!.image), span: this.spanFrom(0) };
    }
    if (version) file.version = version;
    for (;;) {
      const type = this.next();
      if (type === EOF) break;
      if (type === T.ImportKw && this.la(2).tokenType === T.StringLit) {
        const first = this.pos;
        this.pos++;
        const path = unquote(this.consume(T.StringLit));
        file.imports.push({ path, span: this.spanFrom(first) });
      } else if (BLOCK_KINDS.has(type)) {
        file.blocks.push(this.block());
      } else throw NOT_CLEAN;
    }
    return file;
  }

  /** Inside a body, `model NAME {` starts a block: the body above lacks its `}`. */
  private startsBlock(): boolean {
    return BLOCK_KINDS.has(this.next()) && NAMES.has(this.la(2).tokenType) && BLOCK_FOLLOWERS.has(this.la(3).tokenType);
  }

  private block(): A.Block {
    const first = this.pos;
    if (!this.startsBlock()) throw NOT_CLEAN;
    const kw = this.tokens[this.pos++]!;
    const name = this.ident(this.consumeName());
    let relation: A.Block["relation"];
    const relType = this.next();
    if (relType === T.FromKw || relType === T.ForKw) {
      const rel = this.tokens[this.pos++]!;
      const target = this.consumeName();
      relation = { word: rel.image as "from" | "for", target: this.ident(target), span: { start: rel.startOffset, end: tokenSpan(target).end } };
    }
    const body = this.body();
    return { kind: BLOCK_KINDS.get(kw.tokenType)!, keywordSpan: tokenSpan(kw), name, relation, body, span: this.spanFrom(first) };
  }

  private body(): A.Stmt[] {
    this.consume(T.LCurly);
    const out: A.Stmt[] = [];
    for (;;) {
      const type = this.next();
      if (type === T.RCurly) break;
      if (this.startsBlock()) throw NOT_CLEAN;
      if (NAMES.has(type)) out.push(this.pathStmt());
      else if (type === T.RequireKw) out.push(this.requireStmt());
      else if (type === T.RetrainKw) out.push(this.retrainStmt());
      else if (type === T.Semicolon) this.pos++;
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
    this.consume(T.WhenKw);
    const when = this.expression();
    const clauses: A.RetrainClause[] = [];
    while (this.next() === T.Comma) {
      this.pos++;
      clauses.push(this.retrainClause());
    }
    return { kind: "retrain", when, clauses, span: this.spanFrom(first) };
  }

  /** `at most N per D` or `using NAME`; other words are left for the checker. */
  private retrainClause(): A.RetrainClause {
    const first = this.pos;
    const words = [this.ident(this.consumeName())];
    if (this.next() === T.Identifier && this.la(2).tokenType === T.NumberLit) words.push(this.ident(this.tokens[this.pos++]!));
    const value = this.expression();
    let perWord: IToken | undefined;
    let per: A.Expr | undefined;
    if (NAMES.has(this.next()) && this.la(2).tokenType === T.NumberLit) {
      perWord = this.tokens[this.pos++]!;
      per = this.expression();
    }
    const span = this.spanFrom(first);
    const text = words.map((w) => w.name).join(" ");
    if (text === "at most" && per && perWord!.image === "per") return { kind: "at_most", count: value, per, span };
    if (text === "using" && !per) return { kind: "using", target: value, span };
    return { kind: "unknown", words, span };
  }

  private path(): A.Path {
    const first = this.pos;
    const parts = [this.ident(this.consumeName())];
    while (this.next() === T.Dot) {
      this.pos++;
      parts.push(this.ident(this.consumeName()));
    }
    return { parts, span: this.spanFrom(first) };
  }

  private pathStmt(): A.Stmt {
    const first = this.pos;
    const target = this.path();
    const type = this.next();
    if (type === T.Equals) {
      this.pos++;
      // a value starts on the line of its `=`
      if (!this.onSameLine()) throw NOT_CLEAN;
      const value = this.expression();
      return { kind: "assign", target, value, span: this.spanFrom(first) };
    }
    if (type === T.Tilde) {
      this.pos++;
      if (!this.onSameLine()) throw NOT_CLEAN;
      const dist = this.expression();
      let when: A.Expr | undefined;
      if (this.next() === T.WhenKw) {
        this.pos++;
        when = this.expression();
      }
      return { kind: "sample", target, dist, when, span: this.spanFrom(first) };
    }
    if (type === T.Colon) {
      this.pos++;
      const typeFirst = this.pos;
      const typeName = this.ident(this.consumeName());
      const args = this.next() === T.LParen ? this.parenArgs() : [];
      const columnType = { name: typeName, args, span: this.spanFrom(typeFirst) };
      const constraints: A.Constraint[] = [];
      // `unique` / `range 0..9` follow a type; a word followed by `:` starts the next column
      while (NAMES.has(this.next()) && CONSTRAINT_WORDS.has(this.la(1).image) && this.la(2).tokenType !== T.Colon) constraints.push(this.constraint());
      return { kind: "column", name: target, type: columnType, constraints, span: this.spanFrom(first) };
    }
    if (type === T.LParen) {
      const args = this.parenArgs();
      const span = this.spanFrom(first);
      const callee: A.RefExpr = { kind: "ref", path: target.parts, span: target.span };
      return { kind: "call", call: { kind: "call", callee, args, span }, span };
    }
    if (type === T.LCurly) {
      const body = this.body();
      return { kind: "nested", name: target, body, span: this.spanFrom(first) };
    }
    if (COMPARE_OPS.has(type)) {
      const op = this.tokens[this.pos++]!.image as A.CompareOp;
      const right = this.expression();
      return { kind: "condition", left: target, op, right, span: this.spanFrom(first) };
    }
    throw NOT_CLEAN;
  }

  private constraint(): A.Constraint {
    const first = this.pos;
    const word = this.ident(this.tokens[this.pos++]!);
    let op: A.CompareOp | undefined;
    let value: A.Expr | undefined;
    // a value only when no name (the next column) and no `}` follows
    const type = this.next();
    if (type !== T.Identifier && !BLOCK_KINDS.has(type) && type !== T.RCurly && (COMPARE_OPS.has(type) || RANGE_STARTS.has(type))) {
      if (COMPARE_OPS.has(type)) op = this.tokens[this.pos++]!.image as A.CompareOp;
      value = this.rangeExpr();
    }
    return { word, op, value, span: this.spanFrom(first) };
  }

  /** `( args )` */
  private parenArgs(): A.Arg[] {
    this.pos++;
    const args: A.Arg[] = [];
    if (this.next() !== T.RParen) {
      args.push(this.arg());
      while (this.next() === T.Comma) {
        this.pos++;
        if (this.next() === T.RParen) break; // trailing comma
        args.push(this.arg());
      }
    }
    this.consume(T.RParen);
    return args;
  }

  private arg(): A.Arg {
    const first = this.pos;
    let name: A.Ident | undefined;
    if (NAMES.has(this.next()) && this.la(2).tokenType === T.Equals) {
      name = this.ident(this.tokens[this.pos]!);
      this.pos += 2;
    }
    const value = this.expression();
    return { name, value, span: this.spanFrom(first) };
  }

  expression(): A.Expr {
    let result = this.orExpr();
    while (this.next() === T.Pipe) {
      this.pos++;
      const stage = this.reference();
      result = { kind: "pipe", input: result, stage, span: cover(result.span, stage.span) };
    }
    return result;
  }

  private orExpr(): A.Expr {
    let acc = this.andExpr();
    while (this.next() === T.OrKw) {
      this.pos++;
      const right = this.andExpr();
      acc = { kind: "binary", op: "or", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private andExpr(): A.Expr {
    let acc = this.notExpr();
    while (this.next() === T.AndKw) {
      this.pos++;
      const right = this.notExpr();
      acc = { kind: "binary", op: "and", left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private notExpr(): A.Expr {
    if (this.next() !== T.NotKw) return this.comparison();
    const first = this.pos++;
    const operand = this.notExpr();
    return { kind: "unary", op: "not", operand, span: this.spanFrom(first) };
  }

  private comparison(): A.Expr {
    const first = this.pos;
    const left = this.rangeExpr();
    if (!COMPARE_OPS.has(this.next())) return left;
    const op = this.tokens[this.pos++]!.image as A.CompareOp;
    const right = this.rangeExpr();
    return { kind: "binary", op, left, right, span: this.spanFrom(first) };
  }

  private rangeExpr(): A.Expr {
    const first = this.pos;
    const low = this.additive();
    if (this.next() !== T.DotDot) return low;
    this.pos++;
    const high = this.additive();
    return { kind: "range", low, high, span: this.spanFrom(first) };
  }

  private additive(): A.Expr {
    let acc = this.multiplicative();
    for (let type = this.next(); type === T.Plus || type === T.Minus; type = this.next()) {
      const op = this.tokens[this.pos++]!.image as A.BinaryOp;
      const right = this.multiplicative();
      acc = { kind: "binary", op, left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private multiplicative(): A.Expr {
    let acc = this.unary();
    for (let type = this.next(); type === T.Star || type === T.Slash; type = this.next()) {
      const op = this.tokens[this.pos++]!.image as A.BinaryOp;
      const right = this.unary();
      acc = { kind: "binary", op, left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private unary(): A.Expr {
    if (this.next() !== T.Minus) return this.primary();
    const first = this.pos++;
    const operand = this.unary();
    return { kind: "unary", op: "-", operand, span: this.spanFrom(first) };
  }

  private primary(): A.Expr {
    const t = this.tokens[this.pos] ?? END_TOKEN;
    const type = t.tokenType;
    if (NAMES.has(type)) return this.reference();
    if (type === T.NumberLit) {
      this.pos++;
      return number(t);
    }
    if (type === T.StringLit) {
      this.pos++;
      return { kind: "string", value: unquote(t), raw: t.image, span: tokenSpan(t) };
    }
    if (type === T.TrueKw || type === T.FalseKw) {
      this.pos++;
      return { kind: "bool", value: type === T.TrueKw, span: tokenSpan(t) };
    }
    const first = this.pos;
    if (type === T.LBracket) {
      this.pos++;
      const items: A.Expr[] = [];
      if (this.next() !== T.RBracket) {
        items.push(this.expression());
        while (this.next() === T.Comma) {
          this.pos++;
          if (this.next() === T.RBracket) break; // trailing comma
          items.push(this.expression());
        }
      }
      this.consume(T.RBracket);
      return { kind: "list", items, span: this.spanFrom(first) };
    }
    if (type === T.LParen) {
      this.pos++;
      const inner = this.expression();
      this.consume(T.RParen);
      return inner;
    }
    if (type === T.MaximizeKw || type === T.MinimizeKw) {
      this.pos++;
      const target = this.reference();
      // `maximize f(x)`: the AST builder makes that an error expression; left to it
      if (target.kind !== "ref") throw NOT_CLEAN;
      return { kind: "objective", direction: type === T.MaximizeKw ? "maximize" : "minimize", target, span: this.spanFrom(first) };
    }
    throw NOT_CLEAN;
  }

  /** `name`, `a.b.c`, `model@alias`, `ndcg@10`, and any of these called: `f(x, k = 1)` */
  private reference(): A.RefExpr | A.CallExpr {
    const first = this.pos;
    const path = this.path();
    let alias: A.Ident | undefined;
    if (this.next() === T.At) {
      this.pos++;
      const t = this.tokens[this.pos] ?? END_TOKEN;
      if (!NAMES.has(t.tokenType) && t.tokenType !== T.NumberLit) throw NOT_CLEAN;
      this.pos++;
      alias = this.ident(t);
    }
    const ref: A.RefExpr = { kind: "ref", path: path.parts, alias, span: { start: path.span.start, end: alias ? alias.span.end : path.span.end } };
    if (this.next() !== T.LParen) return ref;
    const args = this.parenArgs();
    return { kind: "call", callee: ref, args, span: this.spanFrom(first) };
  }
}

type SpecFileVersion = NonNullable<A.SpecFile["version"]>;

function number(t: IToken): A.Expr {
  const m = NUMBER_PARTS.exec(t.image)!;
  const value = Number(m[1]);
  const suffix = m[2]!;
  if (suffix === "") return { kind: "number", value, raw: t.image, span: tokenSpan(t) };
  // an unknown unit is a diagnostic (E0004): the AST builder's
  if (!UNITS.has(suffix)) throw NOT_CLEAN;
  return { kind: "quantity", value, unit: suffix as A.Unit, raw: t.image, span: tokenSpan(t) };
}

function unquote(t: IToken): string {
  // a bad escape (E0005) is the AST builder's to report
  try {
    return JSON.parse(t.image) as string;
  } catch {
    throw NOT_CLEAN;
  }
}

/**
 * The AST of a clean token stream (no lexer errors), or undefined at the first
 * thing that would need a diagnostic.
 */
export function parseClean(tokens: IToken[], source: Source, comments: IToken[]): A.SpecFile | undefined {
  try {
    return new CleanParser(tokens).file(
      source,
      comments.map((c) => ({ text: c.image, span: tokenSpan(c) })),
    );
  } catch (e) {
    if (e === NOT_CLEAN) return undefined;
    throw e;
  }
}
