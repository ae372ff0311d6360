/**
 * The mlspec abstract syntax tree (spec/language.md#grammar). Every node carries
 * the span of source text it came from, for diagnostics and the formatter.
 */
import type { Source, Span } from "./source.js";

export interface Ident {
  name: string;
  span: Span;
}

export type Unit = "%" | "ms" | "s" | "m" | "h" | "d";

export type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";
export type BinaryOp = CompareOp | "and" | "or" | "+" | "-" | "*" | "/";

export type Expr =
  | { kind: "number"; value: number; raw: string; span: Span }
  | { kind: "quantity"; value: number; unit: Unit; raw: string; span: Span }
  | { kind: "string"; value: string; raw: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "list"; items: Expr[]; span: Span }
  | { kind: "range"; low: Expr; high: Expr; span: Span }
  | RefExpr
  | CallExpr
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: "unary"; op: "-" | "not"; operand: Expr; span: Span }
  | { kind: "objective"; direction: "maximize" | "minimize"; target: RefExpr; span: Span }
  /** `input |> stage`: the stage is called with the input as its first argument */
  | { kind: "pipe"; input: Expr; stage: RefExpr | CallExpr; span: Span }
  /** left where the parser recovered from an error; already reported */
  | { kind: "error"; span: Span };

/** `a.b.c` optionally with `@alias` (`churn_mlp@champion`, `ndcg@10`), and a member of the alias's version (`legacy@champion.auc`) */
export interface RefExpr {
  kind: "ref";
  path: Ident[];
  alias?: Ident;
  /** The names after `@alias`: `auc` in `legacy@champion.auc`. */
  member?: Ident[];
  span: Span;
}

export interface CallExpr {
  kind: "call";
  callee: RefExpr;
  args: Arg[];
  span: Span;
}

export interface Arg {
  name?: Ident;
  value: Expr;
  span: Span;
}

export interface Path {
  parts: Ident[];
  span: Span;
}

export interface Constraint {
  word: Ident;
  op?: CompareOp;
  value?: Expr;
  span: Span;
}

export type Stmt =
  | { kind: "assign"; target: Path; value: Expr; span: Span }
  /** `arch.dropout ~ uniform(0, 0.5)`, optionally `when train.optimizer == sgd` */
  | { kind: "sample"; target: Path; dist: Expr; when?: Expr; span: Span }
  | { kind: "column"; name: Path; type: ColumnType; constraints: Constraint[]; span: Span }
  | { kind: "call"; call: CallExpr; span: Span }
  | { kind: "nested"; name: Path; body: Stmt[]; span: Span }
  /** `p99_latency < 50ms`, `rows >= 500` */
  | { kind: "condition"; left: Path; op: CompareOp; right: Expr; span: Span }
  | { kind: "require"; expr: Expr; span: Span }
  | { kind: "retrain"; when: Expr; clauses: RetrainClause[]; span: Span }
  | GroupStmt;

/**
 * A column group (spec/language.md#column-groups): `each SELECTOR [except NAMES]`
 * then one rule for every column it matches: `: [type] constraints` in a contract,
 * `as NAME_TEMPLATE = pipeline` in a features block. The checker expands it.
 */
export interface GroupStmt {
  kind: "group";
  /** The word `each`. */
  each: Ident;
  selector: GroupSelector;
  /** The names after `except` (one, or a list); empty without `except`. */
  except: Ident[];
  rule: GroupRule;
  span: Span;
}

/** `numeric`, `float`, `column`, …: the columns of a kind; `[a, b]`: those columns. */
export type GroupSelector = { kind: "kind"; name: Ident } | { kind: "list"; columns: Ident[]; span: Span };

export type GroupRule =
  /** Contract: `: float range 0..1` (a list declares its columns) or `: nulls <= 1%` (adds to declared ones). */
  | { kind: "constraints"; type?: ColumnType; constraints: Constraint[] }
  /** Features: `as *_z = standardize`, each feature named by the template with `*` the column's name. */
  | { kind: "feature"; template: NameTemplate; value: Expr };

export interface ColumnType {
  name: Ident;
  args: Arg[];
  span: Span;
}

/** `*_z`, `log_*`: a name with `*` for the column's name. */
export interface NameTemplate {
  prefix?: Ident;
  /** Where the `*` is (a node of its own, so that positions stay out of the tree's meaning). */
  star: { span: Span };
  suffix?: Ident;
  span: Span;
}

export type RetrainClause =
  | { kind: "at_most"; count: Expr; per: Expr; span: Span }
  | { kind: "using"; target: Expr; span: Span }
  | { kind: "unknown"; words: Ident[]; span: Span };

export type BlockKind = "dataset" | "features" | "model" | "search" | "serve" | "rollout" | "monitor";

export interface Block {
  kind: BlockKind;
  keywordSpan: Span;
  name: Ident;
  relation?: { word: "from" | "for"; target: Ident; span: Span };
  body: Stmt[];
  span: Span;
  /**
   * The parser recovered from a syntax error inside this block (already reported):
   * its body may be cut short, so "missing setting" checks skip it.
   */
  recovered?: boolean;
}

export interface Import {
  path: string;
  span: Span;
}

export interface Comment {
  text: string;
  span: Span;
}

export interface SpecFile {
  source: Source;
  /** `raw`: the number as written (`1`, or `1y` that is no version), which the formatter keeps. */
  version?: { value: number; raw: string; span: Span };
  imports: Import[];
  blocks: Block[];
  comments: Comment[];
  /**
   * A syntax error (already reported) hit a block's header, so that block's name or
   * kind may be lost: an unknown block name elsewhere may be that block's, and is
   * not reported until the syntax error is fixed. Set only by the recovering parser.
   */
  lostNames?: true;
}
