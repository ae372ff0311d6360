/**
 * CST → AST. The parser recovers from errors, so any child may be missing here:
 * missing pieces become `error` expressions or dropped statements, never exceptions.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type * as A from "./ast.js";
import type { Source, Span } from "./source.js";
import { UnterminatedString } from "./tokens.js";
import { suggest } from "../check/suggest.js";

const UNITS = new Set<A.Unit>(["%", "ms", "s", "m", "h", "d"]);
const BLOCK_KINDS: Record<string, A.BlockKind> = {
  DatasetKw: "dataset",
  FeaturesKw: "features",
  ModelKw: "model",
  SearchKw: "search",
  ServeKw: "serve",
  RolloutKw: "rollout",
  MonitorKw: "monitor",
};

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}

/**
 * From the start of `a` to the end of `b`. A node that recovery left without any
 * token has the empty span 0..0; it must not pull the end back to the file's start.
 */
function cover(a: Span, b: Span): Span {
  return { start: a.start, end: Math.max(a.end, b.end) };
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

export class AstBuilder {
  /** Set when a statement was dropped as debris, so its block counts as recovered. */
  private droppedDebris = false;
  /** Set when a syntax error hit a block's header (see SpecFile.lostNames). */
  private lostNames = false;

  constructor(
    private readonly source: Source,
    private readonly diagnostics: DiagnosticBag,
    /** Offsets of characters the lexer could not read (E0001); stray tokens join them. */
    private readonly unreadable: number[] = [],
    /** Offsets of the syntax errors the parser met (E0003), to mark blocks as recovered. */
    private readonly syntaxErrors: number[] = [],
  ) {}

  /** A statement that starts after an unreadable character or a stray token on its line is that mistake's debris. */
  private isDebris(span: Span): boolean {
    if (this.unreadable.length === 0) return false;
    const line = this.source.position(span.start).line;
    return this.unreadable.some((o) => o < span.start && this.source.position(o).line === line);
  }

  /** Tokens the parser skipped where a statement should start (`metrics = , auc`), for parse() to report. */
  readonly strays: IToken[] = [];

  private stray(n: CstNode): void {
    const tok = this.token(n, "token");
    if (!tok) return;
    this.strays.push(tok);
    this.unreadable.push(tok.startOffset);
    this.droppedDebris = true;
  }

  private nodes(n: CstNode, key: string): CstNode[] {
    return (n.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
  }
  // node/token are the hot path of building: they look up without allocating
  private node(n: CstNode, key: string, i = 0): CstNode | undefined {
    const list = n.children[key];
    if (!list) return undefined;
    for (const e of list) if (!isToken(e) && i-- === 0) return e;
    return undefined;
  }
  private tokens(n: CstNode, key: string): IToken[] {
    return (n.children[key] ?? []).filter(isToken).filter((t) => !Number.isNaN(t.startOffset));
  }
  private token(n: CstNode, key: string, i = 0): IToken | undefined {
    const list = n.children[key];
    if (!list) return undefined;
    for (const e of list) if (isToken(e) && !Number.isNaN(e.startOffset) && i-- === 0) return e;
    return undefined;
  }

  /** The span of everything a CST node covers. */
  private span(n: CstNode): Span {
    const loc = n.location;
    // tracked by the parser, except around tokens that recovery inserted (NaN)
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset) && loc.endOffset! >= loc.startOffset && !n.recoveredNode) {
      return { start: loc.startOffset, end: loc.endOffset! + 1 };
    }
    let start = Infinity;
    let end = -Infinity;
    const walk = (node: CstNode) => {
      for (const list of Object.values(node.children)) {
        for (const e of list) {
          if (isToken(e)) {
            if (Number.isNaN(e.startOffset)) continue;
            start = Math.min(start, e.startOffset);
            end = Math.max(end, e.startOffset + e.image.length);
          } else walk(e);
        }
      }
    };
    walk(n);
    return Number.isFinite(start) ? { start, end } : { start: 0, end: 0 };
  }

  private ident(t: IToken): A.Ident {
    return { name: t.image, span: tokenSpan(t) };
  }

  file(cst: CstNode, comments: IToken[]): A.SpecFile {
    const file: A.SpecFile = {
      source: this.source,
      imports: [],
      blocks: [],
      comments: comments.map((c) => ({ text: c.image, span: tokenSpan(c) })),
    };
    const header = this.node(cst, "header");
    const versionTok = header && this.token(header, "NumberLit");
    if (header && versionTok) {
      file.version = { value: Number(versionTok.image), raw: versionTok.image, span: this.span(header) };
    }
    for (const imp of this.nodes(cst, "importDecl")) {
      const str = this.token(imp, "StringLit");
      if (str) file.imports.push({ path: this.unquote(str), span: this.span(imp) });
    }
    for (const b of this.nodes(cst, "block")) {
      const block = this.block(b);
      if (block) file.blocks.push(block);
    }
    file.blocks.sort((a, b) => a.span.start - b.span.start);
    if (this.lostNames) file.lostNames = true;
    // a syntax error between a block's start and the next block's start was recovered
    // from inside that block (a missing `}` is met at the next block or the end)
    const errors = [...this.syntaxErrors, ...this.unreadable];
    file.blocks.forEach((b, i) => {
      const end = file.blocks[i + 1]?.span.start ?? Infinity;
      // `<= end`: a missing `}` is met at the next block's keyword
      if (errors.some((o) => o >= b.span.start && o <= end)) b.recovered = true;
    });
    return file;
  }

  private block(n: CstNode): A.Block | undefined {
    const kw = this.token(n, "keyword") ?? this.token(n, "badKeyword");
    const name = this.token(n, "name");
    const open = this.node(n, "body") && this.token(this.node(n, "body")!, "LCurly");
    const headerEnd = open ? open.startOffset : this.span(n).end;
    const headerStart = kw?.startOffset ?? this.span(n).start;
    // (`> headerStart`: a `}` missing above is reported at this block's keyword, and loses no name)
    if (!kw || !name || [...this.syntaxErrors, ...this.unreadable].some((o) => o > headerStart && o <= headerEnd)) this.lostNames = true;
    if (!kw || !name) return undefined;
    let kind = BLOCK_KINDS[kw.tokenType.name];
    if (!kind) {
      // `modle m {`: one message, and the block is kept as the kind meant
      const kinds = Object.values(BLOCK_KINDS);
      const meant = suggest(kw.image, kinds) as A.BlockKind | undefined;
      this.diagnostics.error("E0003", this.source, tokenSpan(kw), `unknown block kind \`${kw.image}\``, {
        label: "not a block kind",
        help: meant ? `did you mean \`${meant}\`?` : `blocks are ${kinds.map((k) => `\`${k}\``).join(", ")}`,
      });
      if (!meant) {
        this.lostNames = true;
        return undefined;
      }
      kind = meant;
    }
    const rel = this.token(n, "relation");
    const target = this.token(n, "target");
    const bodyNode = this.node(n, "body");
    this.droppedDebris = false;
    const body = bodyNode ? this.body(bodyNode) : [];
    return {
      kind,
      keywordSpan: tokenSpan(kw),
      name: this.ident(name),
      relation:
        rel && target
          ? { word: rel.image as "from" | "for", target: this.ident(target), span: { start: rel.startOffset, end: tokenSpan(target).end } }
          : undefined,
      body,
      span: this.span(n),
      ...(kw.tokenType.name in BLOCK_KINDS && !this.droppedDebris ? {} : { recovered: true }),
    };
  }

  private body(n: CstNode): A.Stmt[] {
    const out: A.Stmt[] = [];
    for (const s of this.nodes(n, "statement")) {
      const stmt = this.statement(s);
      if (stmt && this.isDebris(stmt.span)) this.droppedDebris = true;
      else if (stmt) out.push(stmt);
    }
    return out;
  }

  private statement(n: CstNode): A.Stmt | undefined {
    const req = this.node(n, "requireStmt");
    if (req) {
      const e = this.node(req, "expression");
      return { kind: "require", expr: e ? this.expression(e) : { kind: "error", span: this.span(req) }, span: this.span(req) };
    }
    const rt = this.node(n, "retrainStmt");
    if (rt) return this.retrain(rt);
    const ps = this.node(n, "pathStmt");
    if (ps) return this.pathStmt(ps);
    const stray = this.node(n, "stray");
    if (stray) this.stray(stray);
    const unnamed = this.node(n, "unnamedBody");
    const open = unnamed && this.token(unnamed, "LCurly");
    if (open) {
      this.diagnostics.error("E0003", this.source, tokenSpan(open), "a nested block needs its name", {
        label: "no name before this `{`",
        help: "write the block's name first, e.g. `contract { ... }`, `train { ... }`, `slo { ... }` or `guard { ... }`",
      });
      this.droppedDebris = true;
    }
    return undefined;
  }

  private retrain(n: CstNode): A.Stmt {
    const cond = this.node(n, "condition");
    const clauses: A.RetrainClause[] = this.nodes(n, "retrainClause").map((c) => {
      const words = this.tokens(c, "word").map((t) => this.ident(t));
      const value = this.node(c, "value");
      const per = this.node(c, "per");
      const perWord = this.token(c, "perWord");
      const span = this.span(c);
      const text = words.map((w) => w.name).join(" ");
      if (text === "at most" && value && per && perWord?.image === "per") {
        return { kind: "at_most", count: this.expression(value), per: this.expression(per), span };
      }
      if (text === "using" && value && !per) return { kind: "using", target: this.expression(value), span };
      return { kind: "unknown", words, span };
    });
    return {
      kind: "retrain",
      when: cond ? this.expression(cond) : { kind: "error", span: this.span(n) },
      clauses,
      span: this.span(n),
    };
  }

  private path(n: CstNode): A.Path {
    return { parts: this.tokens(n, "Identifier").map((t) => this.ident(t)), span: this.span(n) };
  }

  private pathStmt(n: CstNode): A.Stmt | undefined {
    const pathNode = this.node(n, "path");
    if (!pathNode) return undefined;
    const target = this.path(pathNode);
    if (target.parts.length === 0) return undefined;
    const span = this.span(n);
    const group = this.node(n, "groupRest");
    if (group) {
      if (target.parts.length === 1) return this.groupStmt(group, target.parts[0]!, span);
      this.diagnostics.error("E0003", this.source, target.span, "a column group starts with `each` alone", { help: "write `each numeric …` or `each [a, b] …`" });
      this.droppedDebris = true;
      return undefined;
    }
    const expr = (key: string): A.Expr => {
      const e = this.node(n, key);
      return e ? this.expression(e) : { kind: "error", span };
    };
    // `timeout =` at a line end: the parser left the value out (see pathStmt)
    const opTok = this.token(n, "Equals") ?? this.token(n, "Tilde");
    if (opTok && !this.node(n, "assign") && !this.node(n, "sample") && !n.recoveredNode) {
      const at = { start: opTok.startOffset + 1, end: opTok.startOffset + 1 };
      this.droppedDebris = true;
      this.diagnostics.error("E0003", this.source, at, `expected a value after \`${opTok.image}\``, {
        label: "expected here",
        help: "a value starts on the line of its `=` or `~`",
      });
    }
    if (this.token(n, "Equals")) return { kind: "assign", target, value: expr("assign"), span };
    if (this.token(n, "Tilde")) {
      const when = this.node(n, "when");
      return { kind: "sample", target, dist: expr("sample"), when: when ? this.expression(when) : undefined, span };
    }
    if (this.token(n, "Colon")) {
      const t = this.node(n, "typeExpr");
      const typeName = t && this.token(t, "Identifier");
      if (!t || !typeName) return undefined;
      const args = this.node(t, "args");
      return {
        kind: "column",
        name: target,
        type: { name: this.ident(typeName), args: args ? this.args(args) : [], span: this.span(t) },
        constraints: this.nodes(n, "constraint").map((c) => this.constraint(c)),
        span,
      };
    }
    if (this.token(n, "LParen")) {
      const args = this.node(n, "args");
      const callee: A.RefExpr = { kind: "ref", path: target.parts, span: target.span };
      return { kind: "call", call: { kind: "call", callee, args: args ? this.args(args) : [], span }, span };
    }
    const body = this.node(n, "body");
    if (body) return { kind: "nested", name: target, body: this.body(body), span };
    const op = this.node(n, "compareOp");
    if (op) return { kind: "condition", left: target, op: this.compareOp(op), right: expr("compare"), span };
    return undefined;
  }

  private groupStmt(n: CstNode, each: A.Ident, span: Span): A.Stmt | undefined {
    const selectorNode = this.node(n, "selector");
    if (!selectorNode) return undefined;
    const selectorNames = this.tokens(selectorNode, "name").map((t) => this.ident(t));
    const selector: A.GroupSelector =
      this.token(selectorNode, "LBracket") || selectorNames.length !== 1
        ? { kind: "list", columns: selectorNames, span: this.span(selectorNode) }
        : { kind: "kind", name: selectorNames[0]! };
    const exceptNode = this.node(n, "exceptList");
    const except = exceptNode ? this.tokens(exceptNode, "name").map((t) => this.ident(t)) : [];
    if (this.token(n, "Colon")) {
      const t = this.node(n, "typeExpr");
      const typeName = t && this.token(t, "Identifier");
      const args = t && this.node(t, "args");
      const type = t && typeName ? { name: this.ident(typeName), args: args ? this.args(args) : [], span: this.span(t) } : undefined;
      return { kind: "group", each, selector, except, rule: { kind: "constraints", type, constraints: this.nodes(n, "constraint").map((c) => this.constraint(c)) }, span };
    }
    const star = this.token(n, "Star");
    if (!star) return undefined;
    const prefix = this.token(n, "prefix");
    const suffix = this.token(n, "suffix");
    const starSpan = tokenSpan(star);
    const template: A.NameTemplate = {
      prefix: prefix ? this.ident(prefix) : undefined,
      star: { span: starSpan },
      suffix: suffix ? this.ident(suffix) : undefined,
      span: { start: prefix ? prefix.startOffset : starSpan.start, end: suffix ? suffix.startOffset + suffix.image.length : starSpan.end },
    };
    const value = this.node(n, "value");
    const equals = this.token(n, "Equals");
    if (equals && !value && !n.recoveredNode) {
      this.droppedDebris = true;
      this.diagnostics.error("E0003", this.source, { start: equals.startOffset + 1, end: equals.startOffset + 1 }, "expected a value after `=`", {
        label: "expected here",
        help: "a value starts on the line of its `=` or `~`",
      });
    }
    return { kind: "group", each, selector, except, rule: { kind: "feature", template, value: value ? this.expression(value) : { kind: "error", span } }, span };
  }

  private constraint(n: CstNode): A.Constraint {
    const word = this.ident(this.token(n, "word")!);
    const op = this.node(n, "compareOp");
    const value = this.node(n, "rangeExpr");
    return { word, op: op ? this.compareOp(op) : undefined, value: value ? this.rangeExpr(value) : undefined, span: this.span(n) };
  }

  private compareOp(n: CstNode): A.CompareOp {
    for (const list of Object.values(n.children)) {
      const t = list[0];
      if (isToken(t)) return t.image as A.CompareOp;
    }
    return "==";
  }

  private args(n: CstNode): A.Arg[] {
    return this.nodes(n, "arg").map((a) => {
      const name = this.token(a, "name");
      const e = this.node(a, "expression");
      const span = this.span(a);
      return { name: name ? this.ident(name) : undefined, value: e ? this.expression(e) : { kind: "error", span }, span };
    });
  }

  expression(n: CstNode): A.Expr {
    const first = this.node(n, "orExpr");
    let result: A.Expr = first ? this.binaryChain(first, "andExpr", "OrKw") : { kind: "error", span: this.span(n) };
    for (const stageNode of this.nodes(n, "stage")) {
      const stage = this.reference(stageNode);
      if (stage.kind !== "ref" && stage.kind !== "call") continue;
      result = { kind: "pipe", input: result, stage, span: cover(result.span, stage.span) };
    }
    return result;
  }

  /** Left-associative chains: or/and/additive/multiplicative share this shape. */
  private binaryChain(n: CstNode, childKey: string, ...opKeys: string[]): A.Expr {
    const list = n.children[childKey];
    // most chains hold one operand and no operator: a literal or a name
    if (list?.length === 1 && !isToken(list[0])) return this.dispatch(list[0]);
    const operands = this.nodes(n, childKey).map((c) => this.dispatch(c));
    const ops = opKeys
      .flatMap((k) => this.tokens(n, k))
      .sort((a, b) => a.startOffset - b.startOffset);
    if (operands.length === 0) return { kind: "error", span: this.span(n) };
    let acc = operands[0]!;
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i]!;
      const op = (ops[i - 1]?.image ?? "+") as A.BinaryOp;
      acc = { kind: "binary", op, left: acc, right, span: cover(acc.span, right.span) };
    }
    return acc;
  }

  private dispatch(n: CstNode): A.Expr {
    switch (n.name) {
      case "andExpr":
        return this.binaryChain(n, "notExpr", "AndKw");
      case "notExpr": {
        const inner = this.node(n, "notExpr");
        if (inner) return { kind: "unary", op: "not", operand: this.dispatch(inner), span: this.span(n) };
        const c = this.node(n, "comparison");
        return c ? this.dispatch(c) : { kind: "error", span: this.span(n) };
      }
      case "comparison": {
        const sides = this.nodes(n, "rangeExpr").map((r) => this.rangeExpr(r));
        const op = this.node(n, "compareOp");
        if (sides.length === 2 && op) {
          return { kind: "binary", op: this.compareOp(op), left: sides[0]!, right: sides[1]!, span: this.span(n) };
        }
        return sides[0] ?? { kind: "error", span: this.span(n) };
      }
      case "additive":
        return this.binaryChain(n, "multiplicative", "Plus", "Minus");
      case "multiplicative":
        return this.binaryChain(n, "unary", "Star", "Slash");
      case "unary": {
        const inner = this.node(n, "unary");
        if (inner) return { kind: "unary", op: "-", operand: this.dispatch(inner), span: this.span(n) };
        const p = this.node(n, "primary");
        return p ? this.primary(p) : { kind: "error", span: this.span(n) };
      }
      default:
        return { kind: "error", span: this.span(n) };
    }
  }

  private rangeExpr(n: CstNode): A.Expr {
    const sides = this.nodes(n, "additive").map((a) => this.dispatch(a));
    if (this.token(n, "DotDot")) {
      const low = sides[0] ?? { kind: "error" as const, span: this.span(n) };
      const high = sides[1] ?? { kind: "error" as const, span: this.span(n) };
      return { kind: "range", low, high, span: this.span(n) };
    }
    return sides[0] ?? { kind: "error", span: this.span(n) };
  }

  private primary(n: CstNode): A.Expr {
    const span = this.span(n);
    const num = this.token(n, "NumberLit");
    if (num) return this.number(num);
    const str = this.token(n, "StringLit");
    if (str) return { kind: "string", value: this.unquote(str), raw: str.image, span };
    if (this.token(n, "TrueKw")) return { kind: "bool", value: true, span };
    if (this.token(n, "FalseKw")) return { kind: "bool", value: false, span };
    const list = this.node(n, "list");
    if (list) return { kind: "list", items: this.nodes(list, "expression").map((e) => this.expression(e)), span };
    const paren = this.node(n, "expression");
    if (paren) return this.expression(paren);
    const obj = this.node(n, "objective");
    if (obj) {
      const ref = this.node(obj, "reference");
      const target = ref ? this.reference(ref) : undefined;
      if (!target || target.kind === "error") return { kind: "error", span };
      if (target.kind !== "ref") {
        // `maximize val(x)`: a silent error node here would check clean and format to `?`
        this.diagnostics.error("E0003", this.source, target.span, `\`${obj.children["MaximizeKw"] ? "maximize" : "minimize"}\` takes a metric, not a call`, {
          label: "a call",
          help: "write the metric to optimize, e.g. `maximize val.auc`",
        });
        return { kind: "error", span };
      }
      return { kind: "objective", direction: this.token(obj, "MaximizeKw") ? "maximize" : "minimize", target, span };
    }
    const ref = this.node(n, "reference");
    if (ref) return this.reference(ref);
    return { kind: "error", span };
  }

  private reference(n: CstNode): A.Expr {
    const p = this.node(n, "path");
    if (!p) return { kind: "error", span: this.span(n) };
    const path = this.path(p);
    // a path whose name recovery had to invent is no reference
    if (path.parts.length === 0) return { kind: "error", span: this.span(n) };
    const aliasTok = this.token(n, "alias");
    const memberToks = this.tokens(n, "member");
    const lastTok = memberToks[memberToks.length - 1] ?? aliasTok;
    const refEnd = lastTok ? tokenSpan(lastTok).end : path.span.end;
    const ref: A.RefExpr = {
      kind: "ref",
      path: path.parts,
      alias: aliasTok ? this.ident(aliasTok) : undefined,
      ...(memberToks.length > 0 ? { member: memberToks.map((t) => this.ident(t)) } : {}),
      span: { start: path.span.start, end: refEnd },
    };
    if (!this.token(n, "LParen")) return ref;
    const args = this.node(n, "args");
    return { kind: "call", callee: ref, args: args ? this.args(args) : [], span: this.span(n) };
  }

  private number(t: IToken): A.Expr {
    const span = tokenSpan(t);
    const m = /^((?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/.exec(t.image)!;
    const value = Number(m[1]);
    const suffix = m[2]!;
    if (suffix === "") return { kind: "number", value, raw: t.image, span };
    if (UNITS.has(suffix as A.Unit)) return { kind: "quantity", value, unit: suffix as A.Unit, raw: t.image, span };
    this.diagnostics.error("E0004", this.source, { start: span.start + m[1]!.length, end: span.end }, `unknown unit \`${suffix}\``, {
      label: "not a unit",
      help: "units are % (percent), ms, s, m, h, d (durations); write 10m for ten minutes",
    });
    return { kind: "error", span };
  }

  private unquote(t: IToken): string {
    // already reported as E0002 by parse()
    if (t.tokenType === UnterminatedString) return t.image.slice(1);
    try {
      return JSON.parse(t.image) as string;
    } catch {
      this.diagnostics.error("E0005", this.source, tokenSpan(t), "invalid escape in string", {
        help: 'strings use JSON escapes: \\" \\\\ \\n \\t \\uXXXX',
      });
      return t.image.slice(1, -1);
    }
  }
}
