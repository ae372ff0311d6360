/**
 * Text → AST with syntax diagnostics (E0001–E0005, spec/diagnostics.md#syntax).
 */
import type { ILexingResult, IRecognitionException, IToken, TokenType } from "chevrotain";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { SpecFile } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import { parseClean } from "./clean-parser.js";
import { parseTokens } from "./parser.js";
import { Source, type Span } from "./source.js";
import { findNestingProblem, findTooDeepExpression, MAX_EXPRESSION_DEPTH, MAX_NESTING, MAX_PREFIX_RUN, type NestingRole } from "./nesting.js";
import { LCurly, LBracket, LParen, MlspecKw, Minus, MlspecLexer, NotKw, NumberLit, RBracket, RCurly, RParen, UnterminatedString } from "./tokens.js";

const TOKEN_DISPLAY: Record<string, string> = {
  Identifier: "a name",
  NumberLit: "a number",
  StringLit: "a string",
  Pipe: "`|>`",
  LessEq: "`<=`",
  GreaterEq: "`>=`",
  EqEq: "`==`",
  NotEq: "`!=`",
  Less: "`<`",
  Greater: "`>`",
  DotDot: "`..`",
  Dot: "`.`",
  At: "`@`",
  Colon: "`:`",
  Semicolon: "`;`",
  Comma: "`,`",
  Equals: "`=`",
  Tilde: "`~`",
  Plus: "`+`",
  Minus: "`-`",
  Star: "`*`",
  Slash: "`/`",
  LCurly: "`{`",
  RCurly: "`}`",
  LParen: "`(`",
  RParen: "`)`",
  LBracket: "`[`",
  RBracket: "`]`",
};

function display(t: TokenType): string {
  return TOKEN_DISPLAY[t.name] ?? `\`${t.name.replace(/Kw$/, "").toLowerCase()}\``;
}

function found(t: IToken): string {
  return t.tokenType.name === "EOF" ? "the end of the file" : `\`${t.image}\``;
}

/** Characters from other languages, and what to write instead. */
const CHARACTER_HELP: Record<string, string> = {
  "&&": "write `and`",
  "||": "write `or`",
  "!": "write `not`",
  "&": "write `and`",
  "|": "write `or`",
  "'": 'strings use double quotes: "..."',
  "%": "write a percentage without a space: 20%",
};

/** Words that cannot be names (spec/language.md#lexical-structure). */
const RESERVED = new Set(["from", "for", "and", "or", "not", "true", "false", "require", "retrain", "when", "maximize", "minimize"]);

const CLOSER_NAMES = new Set(["RParen", "RBracket", "RCurly"]);
const BLOCK_KINDS = new Set(["dataset", "features", "model", "search", "serve", "rollout", "monitor"]);

function valid(t: IToken | undefined): t is IToken {
  return t !== undefined && t.tokenType.name !== "EOF" && !Number.isNaN(t.startOffset);
}

/**
 * chevrotain words its messages for grammar authors; say what a user needs, and
 * where: a token missing at the end of a line is reported there, not at the start
 * of the next line.
 */
function describe(e: IRecognitionException, source: Source): { message: string; help?: string; span: Span } {
  const tok = e.token;
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const expectedNames = new Set<string>();
  const re = /\[([A-Za-z]+)\]|--> ([A-Za-z]+) <--/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(e.message)) !== null) expectedNames.add(m[1] ?? m[2]!);
  const list = [...new Set([...expectedNames].map((n) => TOKEN_DISPLAY[n] ?? `\`${n.replace(/Kw$/, "").toLowerCase()}\``))];
  const what =
    list.length === 0
      ? "something else"
      : list.length <= 4
        ? list.join(", ").replace(/, ([^,]*)$/, " or $1")
        : list.includes("a number")
          ? "a value"
          : "a statement";
  const atToken: Span = valid(tok) ? { start: tok.startOffset, end: tok.startOffset + tok.image.length } : { start: source.text.length, end: source.text.length };
  const ruleStack = (e.context?.ruleStack ?? []) as string[];
  // input left over after the last block is met outside any rule
  const rule = e.name === "NotAllInputParsedException" ? "file" : ruleStack.at(-1);
  const isEof = !valid(tok);
  const prevLine = valid(prev) ? source.position(prev.startOffset).line : undefined;
  const lineEnded = isEof || (prevLine !== undefined && source.position(tok.startOffset).line > prevLine);
  const afterPrev: Span | undefined = valid(prev) ? { start: prev.startOffset + prev.image.length, end: prev.startOffset + prev.image.length } : undefined;

  if (tok.image === "/" && (source.text[tok.startOffset - 1] === "/" || source.text[tok.startOffset + 1] === "/")) {
    const start = source.text[tok.startOffset - 1] === "/" ? tok.startOffset - 1 : tok.startOffset;
    return { message: "`//` does not start a comment", help: "comments start with `#`", span: { start, end: start + 2 } };
  }
  if (expectedNames.has("RCurly") && !isEof && BLOCK_KINDS.has(tok.image) && lineEnded) {
    return { message: `expected \`}\` before \`${tok.image}\``, help: "the block above is not closed: add `}` at its end", span: atToken };
  }
  if (isEof) {
    return { message: `unexpected end of file, expected ${what}`, help: expectedNames.has("RCurly") ? "a `{` is missing its `}`" : undefined, span: afterPrev ?? atToken };
  }
  if (CLOSER_NAMES.has(tok.tokenType.name) && !expectedNames.has(tok.tokenType.name)) {
    return { message: `unexpected ${found(tok)}`, help: "nothing is open here for it to close: remove it", span: atToken };
  }
  if (tok.tokenType.name === "MlspecKw" && (rule === "file" || rule === "block")) {
    const after = { start: tok.startOffset + tok.image.length, end: tok.startOffset + tok.image.length };
    return { message: "expected the language version after `mlspec`", help: "write `mlspec 1`", span: after };
  }
  if (rule === "header") {
    return { message: "expected the language version after `mlspec`", help: "write `mlspec 1`", span: afterPrev ?? atToken };
  }
  if (rule === "file" && tok.tokenType.name === "NumberLit") {
    return { message: `unexpected ${found(tok)} at the top level`, help: "a spec starts with its version header: `mlspec 1`", span: atToken };
  }
  // (a name followed by a name looks like a block with a misspelt kind: `block` fails at its kind)
  if (rule === "file" || (rule === "block" && e.name === "NoViableAltException")) {
    return {
      message: `unexpected ${found(tok)} at the top level`,
      help: 'the top level holds `import "file.mlspec"` and blocks: dataset, features, model, search, serve, rollout, monitor',
      span: atToken,
    };
  }
  if (rule === "pathStmt" && e.name === "NoViableAltException" && valid(prev) && (prev.image === "=" || prev.image === "~")) {
    return { message: `expected a value after \`${prev.image}\`, found ${found(tok)}`, span: atToken };
  }
  if (rule === "pathStmt" && e.name === "NoViableAltException") {
    return {
      message: `unexpected ${found(tok)} after \`${valid(prev) ? prev.image : "a name"}\``,
      help: "a statement is `name = value`, `name ~ distribution`, `name : type`, `name(args)`, `name { ... }` or a comparison such as `rows >= 500`",
      span: atToken,
    };
  }
  if (rule === "groupRest" && e.name === "NoViableAltException") {
    return {
      message: `expected \`:\` or \`as\` after the group's columns, found ${found(tok)}`,
      help: "a contract's group is `each float : nulls <= 1%`, a features block's `each numeric as *_z = standardize`",
      span: atToken,
    };
  }
  if (rule === "typeExpr") {
    return {
      message: `expected a column type after \`:\`, found ${found(tok)}`,
      help: "`name : type` declares a column of a contract; a setting is `name = value`",
      span: atToken,
    };
  }
  if (!lineEnded && expectedNames.size === 1 && (expectedNames.has("RParen") || expectedNames.has("RBracket"))) {
    const closer = expectedNames.has("RParen") ? "`)`" : "`]`";
    return {
      message: `expected \`,\` or ${closer}, found ${found(tok)}`,
      help: closer === "`)`" ? "separate arguments with `,`" : "separate list items with `,`",
      span: atToken,
    };
  }
  if (list.length === 1 && list[0] === "a name" && RESERVED.has(tok.image)) {
    return { message: `expected a name, found \`${tok.image}\``, help: `\`${tok.image}\` is a reserved word; choose another name`, span: atToken };
  }
  if (lineEnded && afterPrev && list.length > 0 && list.length <= 4) {
    const closing: Record<string, string> = { RParen: "every `(` needs its `)`", RBracket: "every `[` needs its `]`", RCurly: "every `{` needs its `}`" };
    const help = expectedNames.size === 1 ? closing[[...expectedNames][0]!] : undefined;
    return { message: `expected ${what} after \`${prev!.image}\``, help, span: afterPrev };
  }
  return { message: `expected ${what}, found ${found(tok)}`, span: atToken };
}

export interface ParseResult {
  file: SpecFile;
  diagnostics: DiagnosticBag;
}

/**
 * A UTF-8 byte order mark, which some editors write at a file's start: it is no
 * part of the text (spec/language.md#lexical-structure), so spans count from after it.
 */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parse(input: string, fileName = "<input>"): ParseResult {
  const text = withoutBom(input);
  const source = new Source(fileName, text);
  // Clean input takes the fast path (no token objects, no CST, no recovery); at the
  // first mistake it gives up and the recovering parser words the diagnostics.
  const file = parseClean(source);
  if (file) return boundDepth({ file, diagnostics: new DiagnosticBag() });
  return boundDepth(recoveringParse(source, MlspecLexer.tokenize(text)));
}

/** parse() without its fast path, for the tests that hold both paths to the same ASTs. */
export function parseRecovering(input: string, fileName = "<input>"): ParseResult {
  const text = withoutBom(input);
  return boundDepth(recoveringParse(new Source(fileName, text), MlspecLexer.tokenize(text)));
}

/** An expression deeper than nesting.ts allows is refused (E0008) like too many brackets: nothing else is reported about the file. */
function boundDepth(result: ParseResult): ParseResult {
  const deep = findTooDeepExpression(result.file);
  if (!deep) return result;
  const { file } = result;
  const diagnostics = new DiagnosticBag();
  diagnostics.items.push(...result.diagnostics.items.filter((d) => d.code === "E0001" || d.code === "E0002"));
  diagnostics.error("E0008", file.source, deep.span, `expression more than ${MAX_EXPRESSION_DEPTH} operators deep`, {
    help: "a value is a few operators long; write it shorter",
  });
  return { file: { source: file.source, version: file.version, imports: [], blocks: [], comments: file.comments }, diagnostics };
}

function recoveringParse(source: Source, lexed: ILexingResult): ParseResult {
  const text = source.text;
  const diagnostics = new DiagnosticBag();
  // Tokens that follow an unreadable character on its line fail to parse only
  // because of it: that line's mistake is reported once, as E0001.
  const seenLines = new Set<number>();
  for (const err of lexed.errors) {
    const chars = text.slice(err.offset, err.offset + err.length);
    const line = source.position(err.offset).line;
    if (seenLines.has(line)) continue; // `'a.csv'`: one mistake, two quotes
    seenLines.add(line);
    diagnostics.error("E0001", source, { start: err.offset, end: err.offset + err.length }, `unexpected character${chars.length > 1 ? "s" : ""} \`${chars}\``, {
      help: CHARACTER_HELP[chars] ?? "comments start with `#`; names are letters, digits and `_`",
    });
  }
  // The token after an unterminated string is out of place only because of the
  // missing quote: that mistake is reported once, as E0002.
  const afterUnterminated = new Set<number>();
  lexed.tokens.forEach((tok, i) => {
    if (tok.tokenType !== UnterminatedString) return;
    diagnostics.error("E0002", source, { start: tok.startOffset, end: tok.startOffset + tok.image.length }, "unterminated string", {
      label: "this string has no closing quote on its line",
      help: 'close the string with `"` before the end of the line',
    });
    const next = lexed.tokens[i + 1];
    afterUnterminated.add(next ? next.startOffset : text.length);
  });
  const deep = findNestingProblem(lexed.tokens.length, (i) => NESTING_ROLES.get(lexed.tokens[i]!.tokenType));
  if (deep) return { file: unparsedFile(source, lexed, deep, diagnostics), diagnostics };
  const { cst, errors } = parseTokens(lexed.tokens);
  const syntaxErrors = errors.map((e) => (Number.isNaN(e.token.startOffset) ? text.length : e.token.startOffset));
  const builder = new AstBuilder(source, diagnostics, lexed.errors.map((e) => e.offset), [...syntaxErrors, ...afterUnterminated]);
  const file = builder.file(cst, lexed.groups["comments"] ?? []);

  // Parse errors and stray tokens, in source order. Recovery can meet one mistake
  // more than once: one mistake, one message.
  const tokenBefore = (offset: number): IToken | undefined => {
    let lo = 0;
    let hi = lexed.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lexed.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lexed.tokens[lo - 1];
  };
  const events = [
    ...errors.map((e) => {
      const described = describe(e, source);
      return {
        offset: Number.isNaN(e.token.startOffset) ? text.length : e.token.startOffset,
        prev: (e as IRecognitionException & { previousToken?: IToken }).previousToken,
        topLevel: (e.context?.ruleStack ?? []).at(-1) === "file",
        // a `}` missing at the next block or the end of the file
        missingCloser: described.message.startsWith("expected `}` before") || (described.message.startsWith("unexpected end of file") && described.help !== undefined),
        report: () => {
          const { message, help, span } = described;
          diagnostics.error("E0003", source, span, message, { help, label: span.start === span.end ? "expected here" : undefined });
        },
      };
    }),
    ...builder.strays.map((tok) => ({
      offset: tok.startOffset,
      prev: tokenBefore(tok.startOffset),
      topLevel: false,
      missingCloser: false,
      report: () =>
        diagnostics.error("E0003", source, { start: tok.startOffset, end: tok.startOffset + tok.image.length }, `unexpected \`${tok.image}\``, {
          label: "a statement cannot start here",
          help:
            tok.image === ")" || tok.image === "]"
              ? "nothing is open here for it to close: remove it"
              : "a statement starts with a name: `name = value`, `name ~ distribution`, `name : type`, `name(args)` or `name { ... }`",
        }),
    })),
  ].sort((a, b) => a.offset - b.offset);
  let reported = diagnostics.items.length;
  for (const ev of events) {
    if (afterUnterminated.has(ev.offset)) continue;
    const line = source.position(ev.offset).line;
    if (seenLines.has(line)) continue;
    // failing again before getting past a line that already failed: a cascade
    if (ev.prev && !Number.isNaN(ev.prev.startOffset) && seenLines.has(source.position(ev.prev.startOffset).line)) continue;
    // junk at the top level after an earlier mistake is that mistake's: braces that
    // no longer pair up leave a block's last lines (or its `}`) outside it
    if (ev.topLevel && reported > 0) continue;
    // a `}` missing at the end of a block that already has a mistake is that
    // mistake's: a stray `{` (`train { {`) leaves the braces one short
    if (ev.missingCloser && mistakeInBlockBefore(file, diagnostics, ev.offset)) continue;
    seenLines.add(line);
    reported++;
    ev.report();
  }
  return { file, diagnostics };
}

/** Is a diagnostic already reported between the start of the block that holds `offset` and `offset`? */
function mistakeInBlockBefore(file: SpecFile, diagnostics: DiagnosticBag, offset: number): boolean {
  const block = [...file.blocks].reverse().find((b) => b.span.start < offset);
  if (!block) return false;
  return diagnostics.items.some((d) => d.span.start >= block.span.start && d.span.start < offset);
}

const NESTING_ROLES = new Map<TokenType, NestingRole>([
  [LParen, "open"],
  [LBracket, "open"],
  [LCurly, "open"],
  [RParen, "close"],
  [RBracket, "close"],
  [RCurly, "close"],
  [Minus, "prefix"],
  [NotKw, "prefix"],
]);

/**
 * A spec nested past the bounds of nesting.ts is not parsed (parsing it would
 * overflow the call stack): one diagnostic, and a file with only its version
 * header and comments, so that nothing else is reported about its contents.
 */
function unparsedFile(source: Source, lexed: ILexingResult, deep: { code: "E0006" | "E0007"; token: number }, diagnostics: DiagnosticBag): SpecFile {
  const tok = lexed.tokens[deep.token]!;
  const span = { start: tok.startOffset, end: tok.startOffset + tok.image.length };
  if (deep.code === "E0006") {
    diagnostics.error("E0006", source, span, `brackets nested more than ${MAX_NESTING} deep`, {
      label: `bracket ${MAX_NESTING + 1} open at once`,
      help: "a spec's values and blocks nest a few levels; close the brackets above or split the value",
    });
  } else {
    diagnostics.error("E0007", source, span, `more than ${MAX_PREFIX_RUN} \`-\` or \`not\` in a row`, {
      label: `operator ${MAX_PREFIX_RUN + 1} in a row`,
      help: "two `-` (or two `not`) cancel out: remove them in pairs",
    });
  }
  const file: SpecFile = {
    source,
    imports: [],
    blocks: [],
    comments: (lexed.groups["comments"] ?? []).map((c) => ({ text: c.image, span: { start: c.startOffset, end: c.startOffset + c.image.length } })),
  };
  const [kw, version] = lexed.tokens;
  if (kw?.tokenType === MlspecKw && version?.tokenType === NumberLit) {
    file.version = { value: Number(version.image), raw: version.image, span: { start: kw.startOffset, end: version.startOffset + version.image.length } };
  }
  return file;
}

export { display as displayToken };
