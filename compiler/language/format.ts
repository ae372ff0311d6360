/**
 * `mlspec fmt`'s promise: the formatted text means what the original meant. The
 * printer is tested to keep the tree, but a file is only written after its own
 * output has been parsed back and found to be the same tree (spans aside) with the
 * same comments, so a printer bug refuses a file instead of changing it.
 */
import type { SpecFile } from "./ast.js";
import { parse } from "./parse.js";
import { printFile } from "./printer.js";

/** Positions, the source and comments (compared as texts) are not part of the meaning. */
const NOT_MEANING = new Set(["span", "keywordSpan", "source", "comments"]);

/** Two ASTs are the same tree: equal up to positions (numbers compared with Object.is, so NaN equals NaN). */
export function sameTree(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = (o: object) => Object.keys(o).filter((k) => !NOT_MEANING.has(k) && (o as Record<string, unknown>)[k] !== undefined);
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export type FormatResult = { ok: true; text: string } | { ok: false; reason: string };

/** The canonical text of a parsed file with no errors, or why it cannot be given. */
export function formatFile(file: SpecFile): FormatResult {
  const text = printFile(file);
  const again = parse(text, file.source.name);
  const comments = (f: SpecFile) => f.comments.map((c) => c.text.trimEnd());
  if (again.diagnostics.hasErrors || !sameTree(again.file, file) || !sameTree(comments(again.file), comments(file))) {
    return { ok: false, reason: "the formatted text would not parse back to the same spec" };
  }
  return { ok: true, text };
}
