/**
 * AST → canonical text: the formatter behind `mlspec fmt`. Comments are kept in
 * place; `parse(print(ast))` gives the same AST (tested) and printing is idempotent.
 */
import type * as A from "./ast.js";

const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "==": 4,
  "!=": 4,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
};

function precedence(e: A.Expr): number {
  switch (e.kind) {
    case "pipe":
      return 0;
    case "binary":
      return PRECEDENCE[e.op]!;
    case "unary":
      return e.op === "not" ? 3 : 8;
    case "range":
      return 5;
    default:
      return 9;
  }
}

export function printExpr(e: A.Expr): string {
  const wrap = (child: A.Expr, min: number) => {
    const s = printExpr(child);
    return precedence(child) < min ? `(${s})` : s;
  };
  switch (e.kind) {
    case "number":
    case "quantity":
    case "string":
      return e.raw;
    case "bool":
      return String(e.value);
    case "list":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "range":
      return `${wrap(e.low, 6)}..${wrap(e.high, 6)}`;
    case "ref":
      return printRef(e);
    case "call":
      return `${printRef(e.callee)}(${e.args.map(printArg).join(", ")})`;
    case "binary": {
      const p = PRECEDENCE[e.op]!;
      // comparisons do not chain; the right operand of a left-assoc op needs parens at equal precedence
      const leftMin = p === 4 ? 5 : p;
      return `${wrap(e.left, leftMin)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "unary":
      return e.op === "not" ? `not ${wrap(e.operand, 3)}` : `-${wrap(e.operand, 8)}`;
    case "objective":
      return `${e.direction} ${printRef(e.target)}`;
    case "pipe":
      // left-associative: `a |> b |> c` needs no parentheses
      return `${wrap(e.input, 0)} |> ${printExpr(e.stage)}`;
    case "error":
      return "?";
  }
}

function printRef(r: A.RefExpr): string {
  return r.path.map((p) => p.name).join(".") + (r.alias ? `@${r.alias.name}` : "") + (r.member ?? []).map((m) => `.${m.name}`).join("");
}

function printArg(a: A.Arg): string {
  return a.name ? `${a.name.name} = ${printExpr(a.value)}` : printExpr(a.value);
}

function printPath(p: A.Path): string {
  return p.parts.map((x) => x.name).join(".");
}

function printColumnType(t: A.ColumnType): string {
  return t.args.length > 0 ? `${t.name.name}(${t.args.map(printArg).join(", ")})` : t.name.name;
}

function printConstraint(c: A.Constraint): string {
  return [c.word.name, c.op, c.value && printExpr(c.value)].filter(Boolean).join(" ");
}

/** Lines longer than this wrap a group's column list, a few names a line. */
const GROUP_WIDTH = 100;

function printNames(names: A.Ident[], bracketed: boolean): string {
  return bracketed || names.length !== 1 ? `[${names.map((n) => n.name).join(", ")}]` : names[0]!.name;
}

/**
 * A column group (spec/language.md#column-groups) on one line, or, when its
 * column list makes that line long, with the list wrapped inside its brackets
 * (newlines are not tokens, so the wrap changes nothing).
 */
function groupLines(s: A.GroupStmt, indent: string): string[] {
  const except = s.except.length > 0 ? ` except ${printNames(s.except, s.except.length > 1)}` : "";
  const rule =
    s.rule.kind === "constraints"
      ? [" :", ...(s.rule.type ? [printColumnType(s.rule.type)] : []), ...s.rule.constraints.map(printConstraint)].join(" ")
      : ` as ${s.rule.template.prefix?.name ?? ""}*${s.rule.template.suffix?.name ?? ""} = ${printExpr(s.rule.value)}`;
  const selector = s.selector.kind === "kind" ? s.selector.name.name : printNames(s.selector.columns, true);
  const one = `each ${selector}${except}${rule}`;
  if (s.selector.kind === "kind" || indent.length + one.length <= GROUP_WIDTH) return [one];
  const lines = ["each ["];
  let current = "";
  for (const c of s.selector.columns) {
    const piece = `${c.name},`;
    if (current && indent.length + 4 + current.length + 1 + piece.length > GROUP_WIDTH) {
      lines.push(`    ${current}`);
      current = piece;
    } else current = current ? `${current} ${piece}` : piece;
  }
  lines.push(`    ${current}`);
  lines.push(`]${except}${rule}`);
  return lines;
}

class Printer {
  private out: string[] = [];
  /** Lines that end in a trailing comment: the length of their code part. */
  private readonly commented = new Map<number, number>();
  private commentIndex = 0;

  constructor(private readonly file: A.SpecFile) {}

  private get text(): string {
    return this.file.source.text;
  }

  private lineOf(offset: number): number {
    return this.file.source.position(offset).line;
  }

  /** Comments that sit before `offset`, each on its own line. */
  private flushComments(offset: number, indent: string): void {
    const cs = this.file.comments;
    while (this.commentIndex < cs.length && cs[this.commentIndex]!.span.start < offset) {
      this.out.push(indent + cs[this.commentIndex]!.text.trimEnd());
      this.commentIndex++;
    }
  }

  /** A comment on the same line right after a statement stays there. */
  private trailingComment(endOffset: number): string {
    const c = this.file.comments[this.commentIndex];
    if (c && c.span.start >= endOffset && this.lineOf(c.span.start) === this.lineOf(endOffset)) {
      this.commentIndex++;
      return ` ${c.text.trimEnd()}`;
    }
    return "";
  }

  /**
   * Did the author leave an empty line between two statements? Lines holding only a
   * comment are not empty: removing their text must not make them count as blank.
   */
  private blankLineBetween(prevEnd: number, nextStart: number): boolean {
    const lines = this.text.slice(prevEnd, nextStart).split("\n");
    return lines.slice(1, -1).some((l) => l.trim() === "");
  }

  print(): string {
    const f = this.file;
    let first = true;
    const gap = () => {
      if (!first) this.out.push("");
      first = false;
    };
    if (f.version) {
      this.flushComments(f.version.span.start, "");
      this.out.push(`mlspec ${f.version.raw}${this.trailingComment(f.version.span.end)}`);
      first = false;
    }
    if (f.imports.length > 0) {
      gap();
      for (const imp of f.imports) {
        this.flushComments(imp.span.start, "");
        this.out.push(`import ${JSON.stringify(imp.path)}${this.trailingComment(imp.span.end)}`);
      }
    }
    for (const b of f.blocks) {
      gap();
      this.flushComments(b.span.start, "");
      const rel = b.relation ? ` ${b.relation.word} ${b.relation.target.name}` : "";
      this.out.push(`${b.kind} ${b.name.name}${rel} {${this.trailingComment(b.name.span.end)}`);
      this.body(b.body, "  ", b.span.end);
      this.out.push(`}${this.trailingComment(b.span.end)}`);
    }
    this.flushComments(Infinity, "");
    this.alignTrailingComments();
    return this.out.join("\n") + "\n";
  }

  private body(stmts: A.Stmt[], indent: string, end: number): void {
    const pads = this.alignment(stmts);
    let prevEnd = -1;
    stmts.forEach((s, i) => {
      if (prevEnd >= 0 && this.blankLineBetween(prevEnd, s.span.start)) this.out.push("");
      // comments inside a statement printed on one line go above it; a nested
      // block's inner comments stay inside it
      this.flushComments(s.kind === "nested" ? s.span.start : s.span.end, indent);
      this.stmt(s, indent, pads[i]!);
      prevEnd = s.span.end;
    });
    this.flushComments(end - 1, indent);
  }

  /** Trailing comments on consecutive lines start in one column. */
  private alignTrailingComments(): void {
    const lines = [...this.commented.keys()].sort((a, b) => a - b);
    let i = 0;
    while (i < lines.length) {
      let j = i + 1;
      while (j < lines.length && lines[j] === lines[j - 1]! + 1) j++;
      const run = lines.slice(i, j);
      // a loop, not Math.max(...): a spread of a long run overflows the stack
      let width = 0;
      for (const l of run) width = Math.max(width, this.commented.get(l)!);
      for (const l of run) {
        const code = this.commented.get(l)!;
        const text = this.out[l]!;
        this.out[l] = text.slice(0, code) + " ".repeat(width - code) + text.slice(code);
      }
      i = j;
    }
  }

  /**
   * gofmt-style alignment: in a run of consecutive settings, samples or contract
   * columns (no blank line between), the `=`, `~` or `:` line up.
   */
  private alignment(stmts: A.Stmt[]): number[] {
    const pads = stmts.map(() => 0);
    const nameOf = (s: A.Stmt) => (s.kind === "assign" || s.kind === "sample" ? printPath(s.target) : s.kind === "column" ? printPath(s.name) : undefined);
    let start = 0;
    while (start < stmts.length) {
      const kind = stmts[start]!.kind;
      let end = start + 1;
      if (nameOf(stmts[start]!) !== undefined) {
        while (end < stmts.length && stmts[end]!.kind === kind && !this.blankLineBetween(stmts[end - 1]!.span.end, stmts[end]!.span.start)) end++;
        let width = 0;
        for (let i = start; i < end; i++) width = Math.max(width, nameOf(stmts[i]!)!.length);
        for (let i = start; i < end; i++) pads[i] = width;
      }
      start = end;
    }
    return pads;
  }

  private stmt(s: A.Stmt, indent: string, pad = 0): void {
    let line: string;
    switch (s.kind) {
      case "assign":
        line = `${printPath(s.target).padEnd(pad)} = ${printExpr(s.value)}`;
        break;
      case "sample":
        line = `${printPath(s.target).padEnd(pad)} ~ ${printExpr(s.dist)}${s.when ? ` when ${printExpr(s.when)}` : ""}`;
        break;
      case "column":
        line = [`${printPath(s.name).padEnd(pad)} : ${printColumnType(s.type)}`, ...s.constraints.map(printConstraint)].join(" ");
        break;
      case "call":
        line = printExpr(s.call);
        break;
      case "condition":
        line = `${printPath(s.left)} ${s.op} ${printExpr(s.right)}`;
        break;
      case "require":
        line = `require ${printExpr(s.expr)}`;
        break;
      case "retrain": {
        const clauses = s.clauses.map((c) =>
          c.kind === "at_most"
            ? `at most ${printExpr(c.count)} per ${printExpr(c.per)}`
            : c.kind === "using"
              ? `using ${printExpr(c.target)}`
              : c.words.map((w) => w.name).join(" "),
        );
        line = [`retrain when ${printExpr(s.when)}`, ...clauses].join(", ");
        break;
      }
      case "group": {
        const lines = groupLines(s, indent);
        this.out.push(...lines.slice(0, -1).map((l) => indent + l));
        line = lines[lines.length - 1]!;
        break;
      }
      case "nested": {
        this.out.push(`${indent}${printPath(s.name)} {${this.trailingComment(s.name.span.end)}`);
        this.body(s.body, indent + "  ", s.span.end);
        this.out.push(`${indent}}${this.trailingComment(s.span.end)}`);
        return;
      }
    }
    const comment = this.trailingComment(s.span.end);
    if (comment) this.commented.set(this.out.length, indent.length + line.length);
    this.out.push(indent + line + comment);
  }
}

export function printFile(file: A.SpecFile): string {
  return new Printer(file).print();
}
