/**
 * The mlspec grammar (spec/language.md#grammar) as a chevrotain CST parser.
 * Syntax only: meaning is given by build-ast.ts. Error recovery is on so that one
 * mistake yields one diagnostic and parsing goes on with the next statement.
 */
import { CstParser, type CstNode, type IRecognitionException } from "chevrotain";
import * as T from "./tokens.js";

/** Words that may follow a column type in a contract (spec/language.md#contract). */
export const CONSTRAINT_WORDS = new Set(["unique", "range", "nulls", "mean", "std", "in"]);

class MlspecParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.OPTION(() => this.SUBRULE(this.header));
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.block) },
      ]),
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
    this.OR(T.BlockKeywords.map((kw) => ({ ALT: () => this.CONSUME(kw, { LABEL: "keyword" }) })));
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.FromKw, { LABEL: "relation" }) },
        { ALT: () => this.CONSUME(T.ForKw, { LABEL: "relation" }) },
      ]);
      this.CONSUME2(T.Identifier, { LABEL: "target" });
    });
    this.SUBRULE(this.body);
  });

  body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RCurly);
  });

  statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.requireStmt) },
      { ALT: () => this.SUBRULE(this.retrainStmt) },
      { ALT: () => this.SUBRULE(this.pathStmt) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]);
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
    this.OPTION({
      // `at most 1`: a second word only when a value follows it (`using s` has none)
      GATE: () => this.LA(2).tokenType !== T.RCurly && this.LA(2).tokenType !== T.Comma,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: "word" }),
    });
    this.SUBRULE(this.expression, { LABEL: "value" });
    this.OPTION2(() => {
      this.CONSUME3(T.Identifier, { LABEL: "perWord" });
      this.SUBRULE2(this.expression, { LABEL: "per" });
    });
  });

  pathStmt = this.RULE("pathStmt", () => {
    this.SUBRULE(this.path);
    this.OR([
      { ALT: () => { this.CONSUME(T.Equals); this.SUBRULE(this.expression, { LABEL: "assign" }); } },
      {
        ALT: () => {
          this.CONSUME(T.Tilde);
          this.SUBRULE2(this.expression, { LABEL: "sample" });
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
    ]);
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
    this.OR(T.CompareOps.map((op) => ({ ALT: () => this.CONSUME(op) })));
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
    this.OR([
      { ALT: () => { this.CONSUME(T.NotKw); this.SUBRULE(this.notExpr); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
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
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Minus); this.SUBRULE(this.unary); } },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.TrueKw) },
      { ALT: () => this.CONSUME(T.FalseKw) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.expression); this.CONSUME(T.RParen); } },
      { ALT: () => this.SUBRULE(this.objective) },
      { ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  objective = this.RULE("objective", () => {
    this.OR([{ ALT: () => this.CONSUME(T.MaximizeKw) }, { ALT: () => this.CONSUME(T.MinimizeKw) }]);
    this.SUBRULE(this.reference);
  });

  /** `name`, `a.b.c`, `model@alias`, `ndcg@10`, and any of these called: `f(x, k = 1)` */
  reference = this.RULE("reference", () => {
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.OR([
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "alias" }) },
        { ALT: () => this.CONSUME(T.NumberLit, { LABEL: "alias" }) },
      ]);
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

export const parser = new MlspecParser();

export interface CstResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

export function parseTokens(tokens: import("chevrotain").IToken[]): CstResult {
  parser.input = tokens;
  const cst = parser.file();
  return { cst, errors: parser.errors };
}
