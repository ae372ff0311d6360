/**
 * The one rule for every path a spec names (imports, sources, labels, model
 * files): what it really leads to, symbolic links followed, must lie inside the
 * project directory (the main spec's directory) or a directory the user allowed
 * on the command line (`--allow-read DIR`, never from the spec itself). The
 * checker applies it (E0110, E0111) and the runtime again when it opens a file,
 * so a link swapped between `check` and `run` is refused too
 * (spec/language.md#paths).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Where a path really leads (every link resolved), or undefined when nothing is there. */
export type RealPath = (absPath: string) => string | undefined;

export interface ReadScope {
  /** The project directory, absolute. */
  root: string;
  /** Directories allowed besides it (`--allow-read`), absolute. */
  allowed: readonly string[];
  /** Resolves links; without one (in-memory programs) paths are taken as written. */
  realPath?: RealPath;
}

/** The file system's answer: `realpath(3)`, which resolves `..` after a link the way opening the file does. */
export const nodeRealPath: RealPath = (p) => {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
};

function within(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** A missing file really lies where its nearest existing parent really is. */
function realTarget(p: string, realPath: RealPath): string {
  const whole = realPath(p);
  if (whole !== undefined) return whole;
  const parent = path.dirname(p);
  if (parent === p) return p;
  return path.join(realTarget(parent, realPath), path.basename(p));
}

/** The project's and the allowed directories' real paths, once per scope (a spec may name thousands of paths). */
const realDirsOf = new WeakMap<ReadScope, string[]>();

export type Escape =
  /** The path as written leaves the project. */
  | { kind: "outside" }
  /** Written inside, but a link leads out: to `real`. */
  | { kind: "link"; real: string };

/**
 * Why `written` (relative to `fromDir`, or absolute) may not be read, or
 * undefined when it may. Both readings are checked: the text with `..` taken
 * lexically (what the plan records) and the text as the file system resolves it
 * (`..` after a link goes to the link target's parent).
 */
export function escapeOf(scope: ReadScope, fromDir: string, written: string): Escape | undefined {
  const dirs = [scope.root, ...scope.allowed];
  const lexical = path.resolve(fromDir, written);
  if (!dirs.some((d) => within(d, lexical))) return { kind: "outside" };
  const realPath = scope.realPath;
  if (!realPath) return undefined;
  let realDirs = realDirsOf.get(scope);
  if (!realDirs) realDirsOf.set(scope, (realDirs = dirs.map((d) => realTarget(d, realPath))));
  const asOpened = path.isAbsolute(written) ? written : `${fromDir}${path.sep}${written}`;
  for (const candidate of [lexical, asOpened]) {
    const real = realTarget(candidate, realPath);
    if (!realDirs.some((d) => within(d, real))) return { kind: "link", real };
  }
  return undefined;
}

/** The real path to open for `file` (absolute), or the escape that forbids it: the runtime's check at open time. */
export function openableReal(scope: ReadScope, file: string): { real: string } | { escape: Escape } {
  const escape = escapeOf(scope, path.dirname(file), path.basename(file));
  if (escape) return { escape };
  const realPath = scope.realPath ?? ((p: string) => p);
  return { real: realTarget(file, realPath) };
}

/** The help line of E0110 and E0111; `remedy` says what to do with the file. */
export function boundaryHelp(escape: Escape, remedy: string): string {
  const rule = "a spec reads only files inside its project directory (the main spec's directory)";
  const link = escape.kind === "link" ? ", and a symbolic link does not change that" : "";
  return `${rule}${link}; ${remedy}, or allow its directory with \`--allow-read DIR\` on the command line`;
}

/** The message of E0110 and E0111. */
export function boundaryMessage(escape: Escape, what: string): string {
  return escape.kind === "link" ? `${what} leads outside the project directory, to ${escape.real} (through a symbolic link)` : `${what} is outside the project directory`;
}
