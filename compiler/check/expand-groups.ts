/**
 * Column groups (spec/language.md#column-groups): `each SELECTOR [except NAMES] …`
 * is one statement for many columns. Before any rule runs, every group is
 * replaced by the statements it stands for — contract columns and their
 * constraints, features `name = column |> pipeline` — so the rules, the planner
 * and the plan see exactly what runs. The parsed files are left as they are
 * (`mlspec fmt` prints the groups); the expanded program is a copy.
 * Diagnostics E0901–E0912.
 */
import type * as A from "../language/ast.js";
import type { Source, Span } from "../language/source.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { Builtins } from "../../stdlib/index.js";
import type { TransformSig } from "../../stdlib/signature.js";
import { didYouMean } from "../../text/did-you-mean.js";
import type { Decl, Program } from "./program.js";

/** The kinds a selector may name, and the column types each matches. */
export const GROUP_KINDS: Readonly<Record<string, readonly string[] | "any">> = {
  numeric: ["int", "float"],
  int: ["int"],
  float: ["float"],
  bool: ["bool"],
  string: ["string"],
  enum: ["enum"],
  timestamp: ["timestamp"],
  column: "any",
};

/** Constraints that only int and float columns take (spec/language.md#contract). */
const NUMERIC_CONSTRAINTS = new Set(["range", "mean", "std"]);

export interface GroupColumn {
  name: string;
  /** The column's type name as declared (`float`, `enum`, …). */
  type: string;
}

/** Does a selector of `kind` match a column of type `type`? */
export function kindMatches(kind: string, type: string): boolean {
  const types = GROUP_KINDS[kind];
  return types === "any" || (types !== undefined && types.includes(type));
}

/**
 * The columns a group stands for, in contract order: those of its kind (or its
 * list), less its exceptions and `leaveOut` (a features block's label).
 */
export function groupColumns(columns: readonly GroupColumn[], selector: { kind: string } | { list: readonly string[] }, except: readonly string[], leaveOut: readonly string[] = []): GroupColumn[] {
  const out = new Set([...except, ...leaveOut]);
  const picked = "kind" in selector ? columns.filter((c) => kindMatches(selector.kind, c.type)) : selector.list.flatMap((n) => columns.filter((c) => c.name === n));
  const seen = new Set<string>();
  return picked.filter((c) => !out.has(c.name) && !seen.has(c.name) && (seen.add(c.name), true));
}

/** A feature's name from a template: `*` is the column's name. */
export function templateName(t: A.NameTemplate, column: string): string {
  return `${t.prefix?.name ?? ""}${column}${t.suffix?.name ?? ""}`;
}

function printTemplate(t: A.NameTemplate): string {
  return templateName(t, "*");
}

function selectorText(s: A.GroupStmt): string {
  return s.selector.kind === "kind" ? `each ${s.selector.name.name}` : "each [...]";
}

function listWords(names: string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  return names.length > max ? `${shown.join(", ")} and ${names.length - max} more` : shown.join(", ");
}

class Expander {
  /** Each dataset's columns after its contract's groups, and its label. */
  private readonly datasets = new Map<string, { columns: GroupColumn[]; label?: string }>();

  constructor(
    private readonly program: Program,
    private readonly builtins: Builtins,
    private readonly bag: DiagnosticBag,
  ) {}

  private error(source: Source, code: string, span: Span, message: string, help?: string, label?: string): void {
    this.bag.error(code, source, span, message, { ...(help ? { help } : {}), ...(label ? { label } : {}) });
  }

  /** A group where no group belongs (E0908), removed. */
  private misplaced(source: Source, body: A.Stmt[], where: string): A.Stmt[] {
    if (!body.some((s) => s.kind === "group" || s.kind === "nested")) return body;
    return body.flatMap((s): A.Stmt[] => {
      if (s.kind === "group") {
        this.error(source, "E0908", s.each.span, `a column group cannot appear in ${where}`, "`each … : constraints` belongs in a dataset's contract, `each … as NAME = pipeline` in a features block");
        return [];
      }
      if (s.kind === "nested") {
        const inner = this.misplaced(source, s.body, `the ${s.name.parts.map((p) => p.name).join(".")} block of ${where}`);
        return inner === s.body ? [s] : [{ ...s, body: inner }];
      }
      return [s];
    });
  }

  expand(): Program {
    const p = this.program;
    const blocks = new Map<A.Block, A.Block>();
    const all = [...p.decls.values(), ...p.duplicates.map((d) => d.decl)];
    // datasets first: a features block's groups match its dataset's expanded columns
    for (const decl of all) if (decl.kind === "dataset") blocks.set(decl.block, this.dataset(decl));
    for (const decl of all) {
      if (decl.kind === "dataset") continue;
      const source = decl.file.source;
      const where = `${decl.kind} \`${decl.name}\``;
      const body = decl.kind === "features" ? this.features(decl) : this.misplaced(source, decl.block.body, where);
      blocks.set(decl.block, body === decl.block.body ? decl.block : { ...decl.block, body });
    }
    if ([...blocks].every(([a, b]) => a === b)) return p;
    const files = new Map<A.SpecFile, A.SpecFile>();
    const fileOf = (f: A.SpecFile): A.SpecFile => {
      let out = files.get(f);
      if (!out) {
        out = { ...f, blocks: f.blocks.map((b) => blocks.get(b) ?? b) };
        files.set(f, out);
      }
      return out;
    };
    const declOf = (d: Decl): Decl => ({ ...d, block: blocks.get(d.block) ?? d.block, file: fileOf(d.file) });
    const paths = new Map([...p.paths].map(([f, abs]) => [fileOf(f), abs]));
    return {
      ...p,
      main: fileOf(p.main),
      files: p.files.map(fileOf),
      paths,
      decls: new Map([...p.decls].map(([n, d]) => [n, declOf(d)])),
      duplicates: p.duplicates.map((d) => ({ decl: declOf(d.decl), first: declOf(d.first) })),
    };
  }

  private dataset(decl: Decl): A.Block {
    const source = decl.file.source;
    const where = `dataset \`${decl.name}\``;
    let label: string | undefined;
    let columns: GroupColumn[] = [];
    const body = decl.block.body.flatMap((s): A.Stmt[] => {
      if (s.kind === "assign" && s.target.parts.length === 1 && s.target.parts[0]!.name === "label" && s.value.kind === "ref" && s.value.path.length === 1) {
        label = s.value.path[0]!.name;
      }
      if (s.kind === "group") return this.misplaced(source, [s], where);
      if (s.kind !== "nested" || s.name.parts.length !== 1 || s.name.parts[0]!.name !== "contract") {
        return s.kind === "nested" ? this.misplaced(source, [s], where) : [s];
      }
      const contract = this.contract(source, s.body, `the contract of ${where}`);
      columns = contract.columns;
      return contract.body === s.body ? [s] : [{ ...s, body: contract.body }];
    });
    this.datasets.set(decl.name, { columns, ...(label !== undefined ? { label } : {}) });
    return body.length === decl.block.body.length && body.every((s, i) => s === decl.block.body[i]) ? decl.block : { ...decl.block, body };
  }

  /** A contract's body with its groups expanded, and its columns. */
  private contract(source: Source, body: A.Stmt[], where: string): { body: A.Stmt[]; columns: GroupColumn[] } {
    type Entry = { stmt: Extract<A.Stmt, { kind: "column" }>; own: Set<string>; given: Map<string, A.GroupStmt> };
    const entries: Entry[] = [];
    const byName = new Map<string, Entry>();
    const out: Array<A.Stmt | Entry> = [];
    const appliers: A.GroupStmt[] = [];
    const add = (stmt: Extract<A.Stmt, { kind: "column" }>) => {
      const e: Entry = { stmt, own: new Set(stmt.constraints.map((c) => c.word.name)), given: new Map() };
      entries.push(e);
      const name = stmt.name.parts.map((x) => x.name).join(".");
      if (!byName.has(name)) byName.set(name, e);
      out.push(e);
    };
    for (const s of body) {
      if (s.kind === "column") add(s);
      else if (s.kind !== "group") out.push(s);
      else if (s.rule.kind !== "constraints") {
        this.error(source, "E0908", s.rule.template.span, `a feature group cannot appear in ${where}`, "a contract's group gives constraints: `each float : nulls <= 1%`; features are made in a features block");
      } else if (s.selector.kind === "list" && s.rule.type) {
        if (s.except.length > 0) this.exceptWithList(source, s);
        for (const c of s.selector.columns) {
          add({ kind: "column", name: { parts: [c], span: c.span }, type: s.rule.type, constraints: s.rule.constraints, span: s.span });
        }
      } else appliers.push(s);
    }
    const columns = (): GroupColumn[] => entries.map((e) => ({ name: e.stmt.name.parts.map((x) => x.name).join("."), type: e.stmt.type.name.name }));
    for (const g of appliers) {
      if (g.rule.kind !== "constraints") continue;
      const rule = g.rule;
      if (g.selector.kind === "kind" && rule.type) {
        this.error(source, "E0909", rule.type.span, `a group by kind cannot give its columns a type`, `\`${selectorText(g)}\` adds constraints to the ${g.selector.name.name} columns declared in this contract; to declare columns, list them: \`each [a, b] : ${rule.type.name.name}\``);
        continue;
      }
      if (rule.constraints.length === 0) {
        this.error(source, "E0911", g.span, `\`${selectorText(g)} :\` gives no constraints`, "add one, e.g. `nulls <= 1%` or `range 0..100`, or remove the line");
        continue;
      }
      const matched = this.select(source, g, columns(), [], "contract");
      if (!matched) continue;
      const misfit = rule.constraints.filter((c) => NUMERIC_CONSTRAINTS.has(c.word.name)).flatMap((c) => matched.filter((m) => m.type !== "int" && m.type !== "float").map((m) => ({ c, m })));
      if (misfit.length > 0) {
        const { c } = misfit[0]!;
        const names = [...new Set(misfit.map((x) => x.m.name))];
        this.error(source, "E0904", c.word.span, `\`${c.word.name}\` applies to int and float columns; this group matches ${listWords(names)}, which ${names.length === 1 ? "is" : "are"} not`, g.selector.kind === "kind" ? "select `numeric` (or `int`, `float`) for range, mean and std" : "leave those columns out of the list");
        continue;
      }
      for (const m of matched) {
        const e = byName.get(m.name)!;
        for (const c of rule.constraints) {
          if (e.own.has(c.word.name)) continue; // the column's own constraint wins
          const earlier = e.given.get(c.word.name);
          if (earlier) {
            const at = source.position(earlier.span.start);
            this.error(source, "E0912", c.word.span, `\`${m.name}\` gets \`${c.word.name}\` from two groups (the other at line ${at.line})`, `give \`${c.word.name}\` to \`${m.name}\` on its own line, which wins over every group, or leave it out of one group with \`except\``);
            continue;
          }
          e.given.set(c.word.name, g);
          e.stmt = { ...e.stmt, constraints: [...e.stmt.constraints, c] };
        }
      }
    }
    return { body: out.map((x) => ("stmt" in x ? x.stmt : x)), columns: columns() };
  }

  private exceptWithList(source: Source, g: A.GroupStmt): void {
    this.error(source, "E0910", g.except[0]!.span, "`except` follows a kind, not a list of columns", "leave the columns out of the list instead");
  }

  /**
   * The columns a group matches, or undefined after a diagnostic: an unknown kind
   * (E0901), an unknown column (E0903), an exception it does not match (E0905),
   * nothing left (E0902).
   */
  private select(source: Source, g: A.GroupStmt, columns: GroupColumn[], leaveOut: string[], where: "contract" | "features"): GroupColumn[] | undefined {
    const names = columns.map((c) => c.name);
    const known = new Set(names);
    let ok = true;
    const unknown = (id: A.Ident) => {
      this.error(source, "E0903", id.span, `unknown column \`${id.name}\` in a column group`, didYouMean(id.name, names, where === "contract" ? "this contract declares {list}" : "the dataset's columns are {list}"));
      ok = false;
    };
    if (g.selector.kind === "kind") {
      if (!(g.selector.name.name in GROUP_KINDS)) {
        this.error(source, "E0901", g.selector.name.span, `unknown column kind \`${g.selector.name.name}\``, didYouMean(g.selector.name.name, Object.keys(GROUP_KINDS), "a group selects {list}, or a list of columns: `each [a, b]`"));
        return undefined;
      }
    } else {
      for (const c of g.selector.columns) if (!known.has(c.name)) unknown(c);
      if (g.except.length > 0) {
        this.exceptWithList(source, g);
        ok = false;
      }
    }
    if (!ok) return undefined;
    const selector = g.selector.kind === "kind" ? { kind: g.selector.name.name } : { list: g.selector.columns.map((c) => c.name) };
    const before = groupColumns(columns, selector, [], leaveOut);
    for (const id of g.except) {
      if (!known.has(id.name)) unknown(id);
      else if (!leaveOut.includes(id.name) && !before.some((c) => c.name === id.name)) {
        const type = columns.find((c) => c.name === id.name)!.type;
        this.error(source, "E0905", id.span, `\`${id.name}\` is ${/^[aeiou]/.test(type) ? "an" : "a"} ${type} column: \`${selectorText(g)}\` does not match it, so \`except\` leaves nothing out`, "remove it from `except`");
        ok = false;
      }
    }
    if (!ok) return undefined;
    const matched = groupColumns(columns, selector, g.except.map((e) => e.name), leaveOut);
    if (matched.length === 0) {
      const kinds = [...new Set(columns.map((c) => c.type))];
      this.error(source, "E0902", g.selector.kind === "kind" ? g.selector.name.span : g.selector.span, `\`${selectorText(g)}\` matches no column`, kinds.length > 0 ? `the ${where === "contract" ? "contract" : "dataset"} has ${kinds.join(", ")} columns${leaveOut.length > 0 ? ` (the label \`${leaveOut[0]}\` is never in a feature group)` : ""}` : "the contract declares no columns", "matches nothing");
      return undefined;
    }
    return matched;
  }

  private features(decl: Decl): A.Stmt[] {
    const source = decl.file.source;
    const where = `features \`${decl.name}\``;
    const body = decl.block.body;
    if (!body.some((s) => s.kind === "group" || s.kind === "nested")) return body;
    const dataset = decl.block.relation ? this.datasets.get(decl.block.relation.target.name) : undefined;
    const taken = new Set(body.flatMap((s) => (s.kind === "assign" ? [s.target.parts.map((p) => p.name).join(".")] : [])));
    return body.flatMap((s): A.Stmt[] => {
      if (s.kind === "nested") return this.misplaced(source, [s], where);
      if (s.kind !== "group") return [s];
      if (s.rule.kind !== "feature") {
        this.error(source, "E0908", s.each.span, `a constraint group cannot appear in ${where}`, "constraints belong in the dataset's contract; a features block's group makes features: `each numeric as *_z = standardize`");
        return [];
      }
      // no dataset (or an unknown one): the relation's rule reports it
      if (!dataset) return [];
      const { template, value } = s.rule;
      if ((template.prefix && template.prefix.span.end !== template.star.span.start) || (template.suffix && template.suffix.span.start !== template.star.span.end)) {
        this.error(source, "E0906", template.span, "a name template is written without spaces", `write \`${printTemplate(template)}\`: \`*\` stands for each column's name`);
        return [];
      }
      const matched = this.select(source, s, dataset.columns, dataset.label !== undefined ? [dataset.label] : [], "features");
      if (!matched) return [];
      const first = firstStage(value);
      const sig = first && this.builtins.transforms.get(first.path.map((p) => p.name).join("."));
      if (sig) {
        const misfit = matched.filter((m) => !acceptsType(sig, m.type));
        if (misfit.length > 0) {
          this.error(source, "E0904", first.span, `${sig.name} does not accept ${listWords(misfit.map((m) => `${m.name}: ${m.type}`))}, matched by \`${selectorText(s)}\``, `${sig.name} accepts ${sig.accepts.join(", ")} columns; narrow the group (\`each numeric\`) or leave them out with \`except\``);
          return [];
        }
      }
      const out: A.Stmt[] = [];
      for (const m of matched) {
        const name = templateName(template, m.name);
        if (taken.has(name)) {
          this.error(source, "E0907", template.span, `\`${printTemplate(template)}\` names a feature \`${name}\` (for column \`${m.name}\`), and the block already has a feature \`${name}\``, "change the template, or leave the column out with `except`");
          continue;
        }
        taken.add(name);
        const columnSpan = s.selector.kind === "list" ? s.selector.columns.find((c) => c.name === m.name)!.span : s.selector.name.span;
        out.push({ kind: "assign", target: { parts: [{ name, span: template.span }], span: template.span }, value: withInput(value, { kind: "ref", path: [{ name: m.name, span: columnSpan }], span: columnSpan }), span: s.span });
      }
      return out;
    });
  }
}

function acceptsType(sig: TransformSig, type: string): boolean {
  if (sig.accepts.includes("any")) return true;
  if ((type === "int" || type === "float") && sig.accepts.includes("numeric")) return true;
  return (sig.accepts as string[]).includes(type);
}

/** The first stage of a pipeline: the leftmost transform, named or called. */
function firstStage(e: A.Expr): A.RefExpr | undefined {
  if (e.kind === "pipe") return firstStage(e.input);
  if (e.kind === "ref") return e;
  if (e.kind === "call") return e.callee;
  return undefined;
}

/** `standardize |> clip(0, 1)` with `x` as its input: `x |> standardize |> clip(0, 1)`. */
export function withInput(e: A.Expr, input: A.RefExpr): A.Expr {
  if (e.kind === "pipe") return { ...e, input: withInput(e.input, input) };
  if (e.kind === "ref" || e.kind === "call") return { kind: "pipe", input, stage: e, span: e.span };
  return e;
}

/** The program with every column group expanded (a copy when there are any), its diagnostics in `bag`. */
export function expandGroups(program: Program, builtins: Builtins, bag: DiagnosticBag): Program {
  return new Expander(program, builtins, bag).expand();
}
