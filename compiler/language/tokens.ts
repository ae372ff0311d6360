/**
 * Tokens of the mlspec language (spec/language.md#lexical-structure).
 * The order of `allTokens` is the lexer's priority.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** Soft keywords: they open blocks at the top level but stay usable as names inside blocks. */
function soft(word: string): TokenType {
  return createToken({ name: `${word[0]!.toUpperCase()}${word.slice(1)}Kw`, pattern: word, longer_alt: Identifier, categories: [Identifier] });
}
function reserved(word: string, name: string): TokenType {
  return createToken({ name, pattern: word, longer_alt: Identifier });
}

export const MlspecKw = soft("mlspec");
export const ImportKw = soft("import");
export const DatasetKw = soft("dataset");
export const FeaturesKw = soft("features");
export const ModelKw = soft("model");
export const SearchKw = soft("search");
export const ServeKw = soft("serve");
export const RolloutKw = soft("rollout");
export const MonitorKw = soft("monitor");
export const BlockKeywords = [DatasetKw, FeaturesKw, ModelKw, SearchKw, ServeKw, RolloutKw, MonitorKw];

export const FromKw = reserved("from", "FromKw");
export const ForKw = reserved("for", "ForKw");
export const AndKw = reserved("and", "AndKw");
export const OrKw = reserved("or", "OrKw");
export const NotKw = reserved("not", "NotKw");
export const TrueKw = reserved("true", "TrueKw");
export const FalseKw = reserved("false", "FalseKw");
export const RequireKw = reserved("require", "RequireKw");
export const RetrainKw = reserved("retrain", "RetrainKw");
export const WhenKw = reserved("when", "WhenKw");
export const MaximizeKw = reserved("maximize", "MaximizeKw");
export const MinimizeKw = reserved("minimize", "MinimizeKw");

/**
 * A number with an optional suffix: `3`, `1e-3`, `5%`, `250ms`, `1d`. Any letters
 * glued to the number are taken as its suffix so that a wrong unit (`10min`) is one
 * diagnostic, not two tokens and a parse error.
 */
const numberPattern = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?:%|[A-Za-z_][A-Za-z0-9_]*)?/y;
export const NumberLit = createToken({
  name: "NumberLit",
  pattern: {
    exec(text: string, offset: number) {
      numberPattern.lastIndex = offset;
      return numberPattern.exec(text) as RegExpExecArray | null;
    },
  },
  line_breaks: false,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."],
});
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n]|\\.)*"/ });
/**
 * A string with no closing quote, up to the end of its line. Lexed as a string (its
 * category) so that parsing goes on: the missing quote is one diagnostic (E0002),
 * not a cascade over the rest of the line.
 */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"[^\r\n]*/, categories: [StringLit] });

export const Pipe = createToken({ name: "Pipe", pattern: /\|>/ });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/ });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: /(?:>=)/ });
export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/ });
export const Less = createToken({ name: "Less", pattern: /</ });
export const Greater = createToken({ name: "Greater", pattern: />/ });
export const CompareOps = [LessEq, GreaterEq, EqEq, NotEq, Less, Greater];

export const DotDot = createToken({ name: "DotDot", pattern: /\.\./ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const At = createToken({ name: "At", pattern: /@/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Tilde = createToken({ name: "Tilde", pattern: /~/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  NumberLit,
  StringLit,
  UnterminatedString,
  MlspecKw,
  ImportKw,
  ...BlockKeywords,
  FromKw,
  ForKw,
  AndKw,
  OrKw,
  NotKw,
  TrueKw,
  FalseKw,
  RequireKw,
  RetrainKw,
  WhenKw,
  MaximizeKw,
  MinimizeKw,
  Identifier,
  Pipe,
  ...CompareOps,
  DotDot,
  Dot,
  At,
  Colon,
  Semicolon,
  Comma,
  Equals,
  Tilde,
  Plus,
  Minus,
  Star,
  Slash,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
];

/**
 * Tokens that cannot start a statement nor close a block. Met where a statement
 * should start, one is a stray: skipped with one diagnostic, and parsing goes on.
 * (`{` is left out: a stray `{` is better handled as a block missing its name.)
 */
export const StrayTokens: TokenType[] = [
  NumberLit,
  StringLit,
  FromKw,
  ForKw,
  AndKw,
  OrKw,
  NotKw,
  TrueKw,
  FalseKw,
  WhenKw,
  MaximizeKw,
  MinimizeKw,
  Pipe,
  ...CompareOps,
  DotDot,
  Dot,
  At,
  Colon,
  Comma,
  Equals,
  Tilde,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  LBracket,
  RBracket,
];

let lexer: Lexer | undefined;

/** The lexer, built on first use: like the parser, only input with a mistake needs it (see clean-lexer.ts). */
export const MlspecLexer: Pick<Lexer, "tokenize"> = {
  tokenize: (text, mode) => (lexer ??= new Lexer(allTokens, { ensureOptimizations: false, positionTracking: "full" })).tokenize(text, mode),
};
