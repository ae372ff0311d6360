/**
 * Text → AST with syntax diagnostics (E0001–E0005, spec/diagnostics.md#syntax).
 */
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { SpecFile } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import { parseTokens } from "./parser.js";
import { Source } from "./source.js";
import { MlspecLexer, UnterminatedString } from "./tokens.js";

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

/** chevrotain words its messages for grammar authors; say what a user needs. */
function describe(e: IRecognitionException): { message: string; help?: string } {
  const tok = e.token;
  const expected = new Set<string>();
  const re = /\[([A-Za-z]+)\]|--> ([A-Za-z]+) <--/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(e.message)) !== null) {
    const name = m[1] ?? m[2]!;
    expected.add(TOKEN_DISPLAY[name] ?? `\`${name.replace(/Kw$/, "").toLowerCase()}\``);
  }
  const list = [...expected];
  const what =
    list.length === 0
      ? "something else"
      : list.length <= 4
        ? list.join(", ").replace(/, ([^,]*)$/, " or $1")
        : list.includes("a number")
          ? "a value"
          : "a statement";
  if (tok.tokenType.name === "EOF") {
    return { message: `unexpected end of file, expected ${what}`, help: "a `{` may be missing its `}`" };
  }
  const ruleStack = (e.context?.ruleStack ?? []) as string[];
  if (ruleStack.at(-1) === "pathStmt") {
    return {
      message: `unexpected ${found(tok)} after a name`,
      help: "a statement is `name = value`, `name ~ distribution`, `name : type`, `name(args)`, `name { ... }` or a comparison such as `rows >= 500`",
    };
  }
  if (ruleStack.at(-1) === "file") {
    return {
      message: `unexpected ${found(tok)} at the top level`,
      help: "the top level holds `import \"file.mlspec\"` and blocks: dataset, features, model, search, serve, rollout, monitor",
    };
  }
  return { message: `expected ${what}, found ${found(tok)}` };
}

export interface ParseResult {
  file: SpecFile;
  diagnostics: DiagnosticBag;
}

export function parse(text: string, fileName = "<input>"): ParseResult {
  const source = new Source(fileName, text);
  const diagnostics = new DiagnosticBag();
  const lexed = MlspecLexer.tokenize(text);
  for (const err of lexed.errors) {
    diagnostics.error("E0001", source, { start: err.offset, end: err.offset + err.length }, `unexpected character \`${text.slice(err.offset, err.offset + err.length)}\``, {
      help: "comments start with `#`; names are letters, digits and `_`",
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
  const { cst, errors } = parseTokens(lexed.tokens);
  // Recovery can report the same mistake more than once; one mistake, one message.
  const seenLines = new Set<number>();
  for (const e of errors) {
    const tok = e.token;
    const offset = Number.isNaN(tok.startOffset) ? text.length : tok.startOffset;
    if (afterUnterminated.has(offset)) continue;
    const line = source.position(offset).line;
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const { message, help } = describe(e);
    const end = tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset) ? offset : offset + tok.image.length;
    diagnostics.error("E0003", source, { start: offset, end: Math.max(end, offset) }, message, { help });
  }
  const builder = new AstBuilder(source, diagnostics);
  const file = builder.file(cst, lexed.groups["comments"] ?? []);
  return { file, diagnostics };
}

export { display as displayToken };
