/**
 * The mlspec grammar (spec/language.md#grammar) as a chevrotain CST parser.
 * Syntax only: meaning is given by build-ast.ts. Error recovery is on so that one
 * mistake yields one diagnostic and parsing goes on with the next statement.
 *
 * parse() runs this parser only for input with a mistake: clean input takes the
 * fast path of clean-lexer.ts and clean-parser.ts, which read the same grammar by
 * hand. A grammar change here belongs there too; until it is made, input using
 * it only loses the fast path (it gives up on what it does not know), and
 * test/compiler/clean-parser.test.ts holds the two to the same ASTs.
 */
import { CstParser, EMPTY_ALT, EOF, tokenMatcher, type CstNode, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** Words that may follow a column type in a contract (spec/language.md#contract). */
export const CONSTRAINT_WORDS = new Set(["unique", "range", "nulls", "mean", "std", "in"]);

/** `each` starts a column group when a selector follows it (spec/language.md#column-groups); `each = 1` is a setting. */
export const GROUP_WORD = "each";

/** chevrotain's recovery hooks, which it declares only internally. */
interface RecoveryInternals {
  LA(k: number): IToken;
  SKIP_TOKEN(): IToken;
  flattenFollowSet(): TokenType[];
}

const CLOSERS: TokenType[] = [T.RCurly, T.RParen, T.RBracket];

/** A block's start: `model NAME {` or `features NAME from X {`. */
function startsBlock(la: (k: number) => IToken): boolean {
  const third = la(3).tokenType;
  return T.BlockKeywords.includes(la(1).tokenType) && tokenMatcher(la(2), T.Identifier) && (third === T.LCurly || third === T.FromKw || third === T.ForKw);
}

class MlspecParser extends CstParser {
  /** The token findReSyncTokenType chose, for reSyncTo. */
  private resyncToken: IToken | undefined;

  constructor() {
    // node locations let the AST builder read a node's span without walking it
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "onlyOffset" });
    this.performSelfAnalysis();
  }

  // Line-aware recovery. Newlines are not tokens, but statements end at them in
  // practice, so recovery treats a line end as a boundary: after a mistake it skips
  // the rest of the line (never a `}`), and it only patches in a missing token where
  // a line ends or before a closing bracket. Otherwise `label churned` resyncs at
  // `churned` and reports the next line too: one mistake, two messages.

  /**
   * Alternatives of each OR, built once: chevrotain's performance advice, since a
   * fresh array of closures per call is most of a parse's garbage.
   */
  private readonly altCache: unknown[] = [];
  private alts<T>(id: number, make: () => T): T {
    return (this.altCache[id] ??= make()) as T;
  }

  private get internals(): RecoveryInternals {
    return this as unknown as RecoveryInternals;
  }

  /** @internal chevrotain hook: where parsing resumes after an error. */
  findReSyncTokenType(): TokenType {
    const follows = this.internals.flattenFollowSet();
    const errorLine = this.internals.LA(0).startLine;
    for (let k = 1; ; k++) {
      const tok = this.internals.LA(k);
      if (tok.tokenType === EOF) {
        this.resyncToken = tok;
        return EOF;
      }
      if (tok.startLine === errorLine && tok.tokenType !== T.RCurly) continue;
      const match = follows.find((t) => tokenMatcher(tok, t));
      if (match) {
        this.resyncToken = tok;
        return match;
      }
    }
  }

  /** @internal chevrotain hook: skips to the token findReSyncTokenType chose. */
  reSyncTo(tokType: TokenType): IToken[] {
    const skipped: IToken[] = [];
    const target = this.resyncToken;
    let next = this.internals.LA(1);
    while (next.tokenType !== EOF && (target ? next !== target : !tokenMatcher(next, tokType))) {
      next = this.internals.SKIP_TOKEN();
      skipped.push(next);
    }
    return skipped.slice(0, -1);
  }

  /** @internal chevrotain hook: a missing token is patched in only at a line end or before a closer. */
  canRecoverWithSingleTokenInsertion(expected: TokenType, follows: TokenType[]): boolean {
    const next = this.internals.LA(1);
    const atLineEnd = next.tokenType === EOF || next.startLine !== this.internals.LA(0).startLine;
    // before `{`: a block missing its name (`serve {`) still gets its body
    if (!atLineEnd && !CLOSERS.includes(next.tokenType) && next.tokenType !== T.LCurly) return false;
    return recoverable.canRecoverWithSingleTokenInsertion.call(this, expected, follows);
  }

  /** @internal chevrotain hook: a stray token is dropped only from the middle of its line. */
  canRecoverWithSingleTokenDeletion(expected: TokenType): boolean {
    const stray = this.internals.LA(1);
    const after = this.internals.LA(2);
    if (stray.startLine !== this.internals.LA(0).startLine) return false;
    if (after.startLine !== stray.startLine && !CLOSERS.includes(after.tokenType)) return false;
    return recoverable.canRecoverWithSingleTokenDeletion.call(this, expected);
  }

  /** Is the next token on the line of the last one consumed? */
  private onSameLine(): boolean {
    const next = this.internals.LA(1);
    return next.tokenType !== EOF && next.startLine === this.internals.LA(0).startLine;
  }

  file = this.RULE("file", () => {
    this.OPTION(() => this.SUBRULE(this.header));
    this.MANY(() =>
      this.OR(this.alts(1, () => ({
        // `import` is a soft keyword, so a block with a misspelt kind could start with it
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => this.SUBRULE(this.importDecl) },
          { ALT: () => this.SUBRULE(this.block) },
        ],
      }))),
    );
  });

  header = this.RULE("header", () => {
    this.CONSUME(T.MlspecKw);
    this.CONSUME(T.NumberLit);
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.ImportKw);
    this.CONSUME(T.StringLit);
  });

  block = this.RULE("block", () => {
    this.OR(this.alts(2, () => ({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        ...T.BlockKeywords.map((kw) => ({ ALT: () => this.CONSUME(kw, { LABEL: "keyword" }) })),
        // a misspelt kind (`modle m {`): parsed as a block so that its body and its
        // name survive; the AST builder reports the kind (E0003)
        { GATE: () => tokenMatcher(this.LA(2), T.Identifier) && [T.LCurly, T.FromKw, T.ForKw].includes(this.LA(3).tokenType), ALT: () => this.CONSUME3(T.Identifier, { LABEL: "badKeyword" }) },
      ],
    })));
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.OR2(this.alts(3, () => [
        { ALT: () => this.CONSUME(T.FromKw, { LABEL: "relation" }) },
        { ALT: () => this.CONSUME(T.ForKw, { LABEL: "relation" }) },
      ]));
      this.CONSUME2(T.Identifier, { LABEL: "target" });
    });
    this.SUBRULE(this.body);
  });

  body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY({
      // `model m {` cannot be a statement: the block above lacks its `}`
      GATE: () => !startsBlock((k) => this.LA(k)),
      DEF: () => this.SUBRULE(this.statement),
    });
    this.CONSUME(T.RCurly);
  });

  statement = this.RULE("statement", () => {
    this.OR(this.alts(4, () => [
      { ALT: () => this.SUBRULE(this.requireStmt) },
      { ALT: () => this.SUBRULE(this.retrainStmt) },
      { ALT: () => this.SUBRULE(this.pathStmt) },
      { ALT: () => this.CONSUME(T.Semicolon) },
      { ALT: () => this.SUBRULE(this.stray) },
      // `{ ... }` with its name missing (`contract` deleted): parsed as a nested block
      // so that the braces still pair up; the AST builder reports it
      { ALT: () => this.SUBRULE2(this.body, { LABEL: "unnamedBody" }) },
    ]));
  });

  /** A token where a statement should start (`metrics = , auc` → `,`): see T.StrayTokens. */
  stray = this.RULE("stray", () => {
    this.OR(this.alts(5, () => T.StrayTokens.map((t) => ({ ALT: () => this.CONSUME(t, { LABEL: "token" }) }))));
  });

  requireStmt = this.RULE("requireStmt", () => {
    this.CONSUME(T.RequireKw);
    this.SUBRULE(this.expression);
  });

  retrainStmt = this.RULE("retrainStmt", () => {
    this.CONSUME(T.RetrainKw);
    this.CONSUME(T.WhenKw);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.retrainClause);
    });
  });

  /** `at most N per D` or `using NAME` */
  retrainClause = this.RULE("retrainClause", () => {
    this.CONSUME(T.Identifier, { LABEL: "word" });
    // Newlines are not tokens, so a clause must not run into the next statement:
    // `using s` followed by `schedule = 5m` is a name, then a new statement.
    // A second word (`at most`) and `per` are each followed by a number.
    this.OPTION({
      GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.NumberLit,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: "word" }),
    });
    this.SUBRULE(this.expression, { LABEL: "value" });
    this.OPTION2({
      GATE: () => this.LA(2).tokenType === T.NumberLit,
      DEF: () => {
        this.CONSUME3(T.Identifier, { LABEL: "perWord" });
        this.SUBRULE2(this.expression, { LABEL: "per" });
      },
    });
  });

  pathStmt = this.RULE("pathStmt", () => {
    this.SUBRULE(this.path);
    this.OR(this.alts(6, () => [
      // A value starts on the line of its `=` or `~`: `timeout =` with nothing after it
      // must not take the next line's `slo` as its value. The AST builder reports it.
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.OR4(this.alts(15, () => ({
            IGNORE_AMBIGUITIES: true,
            DEF: [
              { GATE: () => this.onSameLine(), ALT: () => this.SUBRULE(this.expression, { LABEL: "assign" }) },
              { GATE: () => !this.onSameLine(), ALT: EMPTY_ALT() },
            ],
          })));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Tilde);
          this.OR5(this.alts(16, () => ({
            IGNORE_AMBIGUITIES: true,
            DEF: [
              { GATE: () => this.onSameLine(), ALT: () => this.SUBRULE2(this.expression, { LABEL: "sample" }) },
              { GATE: () => !this.onSameLine(), ALT: EMPTY_ALT() },
            ],
          })));
          this.OPTION3(() => {
            this.CONSUME(T.WhenKw);
            this.SUBRULE4(this.expression, { LABEL: "when" });
          });
        },
      },
      { ALT: () => { this.CONSUME(T.Colon);
          this.SUBRULE(this.typeExpr);
          this.MANY({
            // `unique` / `range 0..9` follow a type; a word followed by `:` starts the next column
            GATE: () => CONSTRAINT_WORDS.has(this.LA(1).image) && this.LA(2).tokenType !== T.Colon,
            DEF: () => this.SUBRULE(this.constraint),
          });
        } },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.args); this.CONSUME(T.RParen); } },
      { ALT: () => this.SUBRULE(this.body) },
      { ALT: () => { this.SUBRULE(this.compareOp); this.SUBRULE3(this.expression, { LABEL: "compare" }); } },
      // `each numeric …`: a column group; any other name followed by a name stays a syntax error here
      { GATE: () => this.LA(0).image === GROUP_WORD, ALT: () => this.SUBRULE(this.groupRest) },
    ]));
  });

  /** After `each`: `numeric except [id] : nulls <= 1%`, `[a, b] : float`, `numeric as *_z = standardize` */
  groupRest = this.RULE("groupRest", () => {
    this.SUBRULE(this.nameList, { LABEL: "selector" });
    this.OPTION({
      GATE: () => this.LA(1).image === "except" && tokenMatcher(this.LA(1), T.Identifier),
      DEF: () => {
        this.CONSUME2(T.Identifier, { LABEL: "except" });
        this.SUBRULE2(this.nameList, { LABEL: "exceptList" });
      },
    });
    this.OR(this.alts(17, () => [
      {
        ALT: () => {
          this.CONSUME(T.Colon);
          this.OPTION2({
            // a type, unless a constraint word starts the constraints or a name followed by `:` the next column
            GATE: () => !CONSTRAINT_WORDS.has(this.LA(1).image) && this.LA(2).tokenType !== T.Colon,
            DEF: () => this.SUBRULE(this.typeExpr),
          });
          this.MANY({
            GATE: () => CONSTRAINT_WORDS.has(this.LA(1).image) && this.LA(2).tokenType !== T.Colon,
            DEF: () => this.SUBRULE(this.constraint),
          });
        },
      },
      {
        GATE: () => this.LA(1).image === "as",
        ALT: () => {
          this.CONSUME3(T.Identifier, { LABEL: "as" });
          this.OPTION3(() => this.CONSUME4(T.Identifier, { LABEL: "prefix" }));
          this.CONSUME(T.Star);
          this.OPTION4({
            GATE: () => this.LA(2).tokenType === T.Equals,
            DEF: () => this.CONSUME5(T.Identifier, { LABEL: "suffix" }),
          });
          this.CONSUME(T.Equals);
          // a value starts on the line of its `=`, as a setting's does
          this.OR2(this.alts(19, () => ({
            IGNORE_AMBIGUITIES: true,
            DEF: [
              { GATE: () => this.onSameLine(), ALT: () => this.SUBRULE(this.expression, { LABEL: "value" }) },
              { GATE: () => !this.onSameLine(), ALT: EMPTY_ALT() },
            ],
          })));
        },
      },
    ]));
  });

  /** `name` or `[name, name, …]` */
  nameList = this.RULE("nameList", () => {
    this.OR(this.alts(18, () => [
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "name" }) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.CONSUME2(T.Identifier, { LABEL: "name" });
          this.MANY({
            GATE: () => this.LA(2).tokenType !== T.RBracket,
            DEF: () => {
              this.CONSUME(T.Comma);
              this.CONSUME3(T.Identifier, { LABEL: "name" });
            },
          });
          this.OPTION(() => this.CONSUME2(T.Comma));
          this.CONSUME(T.RBracket);
        },
      },
    ]));
  });

  typeExpr = this.RULE("typeExpr", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.args);
      this.CONSUME(T.RParen);
    });
  });

  constraint = this.RULE("constraint", () => {
    this.CONSUME(T.Identifier, { LABEL: "word" });
    this.OPTION({
      GATE: () => this.LA(1).tokenType !== T.Identifier && !T.BlockKeywords.includes(this.LA(1).tokenType) && this.LA(1).tokenType !== T.RCurly,
      DEF: () => {
        this.OPTION2(() => this.SUBRULE(this.compareOp));
        this.SUBRULE(this.rangeExpr);
      },
    });
  });

  compareOp = this.RULE("compareOp", () => {
    this.OR(this.alts(7, () => T.CompareOps.map((op) => ({ ALT: () => this.CONSUME(op) }))));
  });

  path = this.RULE("path", () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
  });

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.orExpr);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE(this.reference, { LABEL: "stage" });
    });
  });

  orExpr = this.RULE("orExpr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.OrKw);
      this.SUBRULE2(this.andExpr);
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.AndKw);
      this.SUBRULE2(this.notExpr);
    });
  });

  notExpr = this.RULE("notExpr", () => {
    this.OR(this.alts(8, () => [
      { ALT: () => { this.CONSUME(T.NotKw); this.SUBRULE(this.notExpr); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]));
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.rangeExpr);
    this.OPTION(() => {
      this.SUBRULE(this.compareOp);
      this.SUBRULE2(this.rangeExpr);
    });
  });

  rangeExpr = this.RULE("rangeExpr", () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.SUBRULE2(this.additive);
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR(this.alts(9, () => [{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]));
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR(this.alts(10, () => [{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]));
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR(this.alts(11, () => [
      { ALT: () => { this.CONSUME(T.Minus); this.SUBRULE(this.unary); } },
      { ALT: () => this.SUBRULE(this.primary) },
    ]));
  });

  primary = this.RULE("primary", () => {
    this.OR(this.alts(12, () => [
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.TrueKw) },
      { ALT: () => this.CONSUME(T.FalseKw) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.expression); this.CONSUME(T.RParen); } },
      { ALT: () => this.SUBRULE(this.objective) },
      { ALT: () => this.SUBRULE(this.reference) },
    ]));
  });

  objective = this.RULE("objective", () => {
    this.OR(this.alts(13, () => [{ ALT: () => this.CONSUME(T.MaximizeKw) }, { ALT: () => this.CONSUME(T.MinimizeKw) }]));
    this.SUBRULE(this.reference);
  });

  /** `name`, `a.b.c`, `model@alias`, `ndcg@10`, `model@alias.metric`, and any of these called: `f(x, k = 1)` */
  reference = this.RULE("reference", () => {
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.OR(this.alts(14, () => [
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "alias" }) },
        { ALT: () => this.CONSUME(T.NumberLit, { LABEL: "alias" }) },
      ]));
      this.MANY(() => {
        this.CONSUME(T.Dot);
        this.CONSUME3(T.Identifier, { LABEL: "member" });
      });
    });
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.args);
      this.CONSUME(T.RParen);
    });
  });

  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.expression);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  args = this.RULE("args", () => {
    this.OPTION(() => {
      this.SUBRULE(this.arg);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.arg);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
  });

  arg = this.RULE("arg", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "name" });
        this.CONSUME(T.Equals);
      },
    });
    this.SUBRULE(this.expression);
  });
}

const recoverable = CstParser.prototype as unknown as {
  canRecoverWithSingleTokenInsertion(expected: TokenType, follows: TokenType[]): boolean;
  canRecoverWithSingleTokenDeletion(expected: TokenType): boolean;
};

let instance: MlspecParser | undefined;

/**
 * The parser, built on first use: chevrotain's grammar analysis is a third of a
 * CLI run's start-up, and clean input never needs it (parse() takes the fast
 * path of clean-parser.ts first).
 */
export function mlspecParser(): MlspecParser {
  return (instance ??= new MlspecParser());
}

export interface CstResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

export function parseTokens(tokens: import("chevrotain").IToken[]): CstResult {
  const parser = mlspecParser();
  parser.input = tokens;
  const cst = parser.file();
  return { cst, errors: parser.errors };
}
