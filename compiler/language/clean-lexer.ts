/**
 * The lexer of parse()'s fast path (clean-parser.ts): the tokens of tokens.ts,
 * read by hand into flat arrays (no object per token). It reads what the
 * chevrotain lexer reads, with the same kinds, offsets and line numbers, and
 * gives up (undefined) at anything that lexer would report or read as an
 * unterminated string; parse() then takes its recovering path.
 * test/compiler/clean-parser.test.ts holds the two lexers to the same tokens.
 */
import type { TokenType } from "chevrotain";
import type { Comment } from "./ast.js";
import * as T from "./tokens.js";

/** A token kind: its index in tokens.ts's allTokens. */
export type Kind = number;

export const KIND_TYPES: readonly TokenType[] = T.allTokens;
export function kindOf(t: TokenType): Kind {
  const k = KIND_TYPES.indexOf(t);
  if (k < 0) throw new Error(`token ${t.name} is not in allTokens`);
  return k;
}

export const K = {
  Identifier: kindOf(T.Identifier),
  NumberLit: kindOf(T.NumberLit),
  StringLit: kindOf(T.StringLit),
  Pipe: kindOf(T.Pipe),
  LessEq: kindOf(T.LessEq),
  GreaterEq: kindOf(T.GreaterEq),
  EqEq: kindOf(T.EqEq),
  NotEq: kindOf(T.NotEq),
  Less: kindOf(T.Less),
  Greater: kindOf(T.Greater),
  DotDot: kindOf(T.DotDot),
  Dot: kindOf(T.Dot),
  At: kindOf(T.At),
  Colon: kindOf(T.Colon),
  Semicolon: kindOf(T.Semicolon),
  Comma: kindOf(T.Comma),
  Equals: kindOf(T.Equals),
  Tilde: kindOf(T.Tilde),
  Plus: kindOf(T.Plus),
  Minus: kindOf(T.Minus),
  Star: kindOf(T.Star),
  Slash: kindOf(T.Slash),
  LCurly: kindOf(T.LCurly),
  RCurly: kindOf(T.RCurly),
  LParen: kindOf(T.LParen),
  RParen: kindOf(T.RParen),
  LBracket: kindOf(T.LBracket),
  RBracket: kindOf(T.RBracket),
  MlspecKw: kindOf(T.MlspecKw),
  ImportKw: kindOf(T.ImportKw),
  FromKw: kindOf(T.FromKw),
  ForKw: kindOf(T.ForKw),
  AndKw: kindOf(T.AndKw),
  OrKw: kindOf(T.OrKw),
  NotKw: kindOf(T.NotKw),
  TrueKw: kindOf(T.TrueKw),
  FalseKw: kindOf(T.FalseKw),
  RequireKw: kindOf(T.RequireKw),
  RetrainKw: kindOf(T.RetrainKw),
  WhenKw: kindOf(T.WhenKw),
  MaximizeKw: kindOf(T.MaximizeKw),
  MinimizeKw: kindOf(T.MinimizeKw),
  /** Past the last token. */
  End: KIND_TYPES.length,
} as const;

/** Keywords by their word; any other word is an Identifier (keywords have Identifier as longer_alt). */
const KEYWORDS = new Map<string, Kind>(T.allTokens.filter((t) => t.name.endsWith("Kw")).map((t) => [String(t.PATTERN), kindOf(t)]));

/** Single-character tokens, by char code. */
const SINGLE = new Int16Array(128).fill(-1);
for (const [ch, t] of [
  ["@", T.At],
  [":", T.Colon],
  [";", T.Semicolon],
  [",", T.Comma],
  ["~", T.Tilde],
  ["+", T.Plus],
  ["-", T.Minus],
  ["*", T.Star],
  ["/", T.Slash],
  ["{", T.LCurly],
  ["}", T.RCurly],
  ["(", T.LParen],
  [")", T.RParen],
  ["[", T.LBracket],
  ["]", T.RBracket],
] as const) {
  SINGLE[ch.charCodeAt(0)] = kindOf(t);
}

export interface CleanTokens {
  count: number;
  /** Per token: kind, start offset, end offset (exclusive), 1-based line; `kinds[count]` is K.End. */
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  lines: Int32Array;
  comments: Comment[];
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isWordPart = (c: number) => isWordStart(c) || isDigit(c);

/** The tokens of `text`, or undefined where the chevrotain lexer would report an error or an unterminated string. */
export function lexClean(text: string): CleanTokens | undefined {
  const n = text.length;
  // at most one token per character, plus the end; grown when a text holds more
  const cap = Math.min(n, 1 << 16) + 2;
  let kinds = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let lines = new Int32Array(cap);
  const comments: Comment[] = [];
  let count = 0;
  let line = 1;
  let i = 0;
  const push = (kind: Kind, start: number, end: number) => {
    // always room for one more: the end marker after the last token
    if (count + 1 === kinds.length) {
      const grow = <A extends Uint8Array | Int32Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(a.length * 2);
        b.set(a);
        return b;
      };
      kinds = grow(kinds);
      starts = grow(starts);
      ends = grow(ends);
      lines = grow(lines);
    }
    kinds[count] = kind;
    starts[count] = start;
    ends[count] = end;
    lines[count] = line;
    count++;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace: the only token whose line breaks chevrotain counts (\n, \r\n or \r)
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      do {
        const w = text.charCodeAt(i);
        if (w === 10) line++;
        else if (w === 13) {
          line++;
          if (text.charCodeAt(i + 1) === 10) i++;
        } else if (w !== 32 && w !== 9) break;
        i++;
      } while (i < n);
      continue;
    }
    const start = i;
    if (c === 35) {
      // # comment, to the end of the line
      while (i < n && text.charCodeAt(i) !== 10) i++;
      comments.push({ text: text.slice(start, i), span: { start, end: i } });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      // /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?(?:%|[A-Za-z_][A-Za-z0-9_]*)?/
      if (c === 46) i++;
      else {
        while (isDigit(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) i++;
      }
      while (isDigit(text.charCodeAt(i))) i++;
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        const sign = text.charCodeAt(i + 1);
        const digitAt = sign === 43 || sign === 45 ? i + 2 : i + 1;
        if (isDigit(text.charCodeAt(digitAt))) {
          i = digitAt;
          while (isDigit(text.charCodeAt(i))) i++;
        }
      }
      const s = text.charCodeAt(i);
      if (s === 37) i++;
      else if (isWordStart(s)) {
        i++;
        while (isWordPart(text.charCodeAt(i))) i++;
      }
      push(K.NumberLit, start, i);
      continue;
    }
    if (c === 34) {
      // /"(?:[^"\\\n]|\\.)*"/; anything else is an unterminated string
      i++;
      for (;;) {
        if (i >= n) return undefined;
        const s = text.charCodeAt(i);
        if (s === 34) break;
        if (s === 10) return undefined;
        if (s === 92) {
          const esc = text.charCodeAt(i + 1);
          // `.` matches no line terminator
          if (i + 1 >= n || esc === 10 || esc === 13 || esc === 0x2028 || esc === 0x2029) return undefined;
          i += 2;
        } else i++;
      }
      i++;
      push(K.StringLit, start, i);
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (isWordPart(text.charCodeAt(i))) i++;
      push(KEYWORDS.get(text.slice(start, i)) ?? K.Identifier, start, i);
      continue;
    }
    const next = text.charCodeAt(i + 1);
    let kind: Kind;
    switch (c) {
      case 124: // |>
        if (next !== 62) return undefined;
        kind = K.Pipe;
        break;
      case 60: // < <=
        kind = next === 61 ? K.LessEq : K.Less;
        break;
      case 62: // > >=
        kind = next === 61 ? K.GreaterEq : K.Greater;
        break;
      case 61: // = ==
        kind = next === 61 ? K.EqEq : K.Equals;
        break;
      case 33: // !=
        if (next !== 61) return undefined;
        kind = K.NotEq;
        break;
      case 46: // . ..
        kind = next === 46 ? K.DotDot : K.Dot;
        break;
      default:
        kind = c < 128 ? SINGLE[c]! : -1;
        if (kind < 0) return undefined;
    }
    // two-character operators: |> <= >= == != ..
    i += kind === K.Pipe || kind === K.LessEq || kind === K.GreaterEq || kind === K.EqEq || kind === K.NotEq || kind === K.DotDot ? 2 : 1;
    push(kind, start, i);
  }
  kinds[count] = K.End;
  return { count, kinds, starts, ends, lines, comments };
}
