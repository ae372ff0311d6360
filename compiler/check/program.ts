/**
 * A program is a main spec file and the files it imports (spec/language.md#imports),
 * parsed, with one table of declarations across all of them.
 */
import * as path from "node:path";
import type { Block, BlockKind, SpecFile } from "../language/ast.js";
import { parse } from "../language/parse.js";
import { Source } from "../language/source.js";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { boundaryHelp, boundaryMessage, escapeOf, type ReadScope, type RealPath } from "./project-boundary.js";

export interface CompilerHost {
  /** Text of a file, or undefined when it cannot be read. */
  readFile(absPath: string): string | undefined;
  /** Where a path really leads, links resolved (undefined: nothing there); without it paths are taken as written. */
  realPath?: RealPath;
  /** Whether a path is a directory (for a clear message when an import names one). */
  isDirectory?(absPath: string): boolean;
  /** Bytes of a file (a model file the checker reads), or undefined when it cannot be read; without it model files go unchecked. */
  readBytes?(absPath: string): Uint8Array | undefined;
}

export interface Decl {
  kind: BlockKind;
  name: string;
  block: Block;
  file: SpecFile;
}

export interface Program {
  main: SpecFile;
  files: SpecFile[];
  /** Absolute path of each file, by its display name. */
  paths: Map<SpecFile, string>;
  /** The directory imports and data paths must stay inside. */
  projectRoot: string;
  /** The project directory, the directories allowed besides it, and how links resolve: what the path rules check against. */
  readScope: ReadScope;
  decls: Map<string, Decl>;
  /** Reads a model file named by `import = ...` (the host's), if the host can. */
  readBytes?: (absPath: string) => Uint8Array | undefined;
  /** Later declarations of an already-declared name, for the duplicate rule. */
  duplicates: Array<{ decl: Decl; first: Decl }>;
  diagnostics: DiagnosticBag;
}

export interface LoadOptions {
  projectRoot?: string;
  displayRoot?: string;
  text?: string;
  /** Directories a spec may read besides its project (`--allow-read`); relative ones against the current directory. */
  allowRead?: readonly string[];
}

export function loadProgram(mainPath: string, host: CompilerHost, opts: LoadOptions = {}): Program {
  const diagnostics = new DiagnosticBag();
  const absMain = path.resolve(mainPath);
  const projectRoot = path.resolve(opts.projectRoot ?? path.dirname(absMain));
  const readScope: ReadScope = { root: projectRoot, allowed: (opts.allowRead ?? []).map((d) => path.resolve(d)), ...(host.realPath ? { realPath: host.realPath } : {}) };
  const displayRoot = opts.displayRoot ?? process.cwd();
  const display = (abs: string) => {
    const rel = path.relative(displayRoot, abs);
    return rel.startsWith("..") ? abs : rel || path.basename(abs);
  };
  const files: SpecFile[] = [];
  const paths = new Map<SpecFile, string>();
  const loaded = new Map<string, SpecFile>();
  const loading = new Set<string>();

  // Imports are followed depth first with a stack of our own, not by recursion: a
  // chain of thousands of imports must not overflow the call stack. `loading` holds
  // the files on the current chain, so an import of one of them is a cycle.
  const frames: Array<{ abs: string; file: SpecFile; next: number }> = [];
  const open = (abs: string, text: string): SpecFile => {
    const { file, diagnostics: d } = parse(text, display(abs));
    diagnostics.items.push(...d.items);
    loaded.set(abs, file);
    paths.set(file, abs);
    loading.add(abs);
    frames.push({ abs, file, next: 0 });
    return file;
  };
  const load = (abs: string, text: string): SpecFile => {
    const first = open(abs, text);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const { file } = frame;
      const imp = file.imports[frame.next++];
      if (!imp) {
        frames.pop();
        loading.delete(frame.abs);
        files.push(file);
        continue;
      }
      const target = path.resolve(path.dirname(frame.abs), imp.path);
      const escape = escapeOf(readScope, path.dirname(frame.abs), imp.path);
      if (escape) {
        diagnostics.error("E0110", file.source, imp.span, boundaryMessage(escape, `import \`${imp.path}\``), {
          help: boundaryHelp(escape, "copy the file into the project"),
        });
        continue;
      }
      if (loading.has(target)) {
        diagnostics.error("E0109", file.source, imp.span, target === frame.abs ? `\`${imp.path}\` imports itself` : `import cycle: \`${imp.path}\` imports this file back`, {
          help: "move the shared declarations into a third file that both import",
        });
        continue;
      }
      if (loaded.has(target)) continue;
      if (host.isDirectory?.(target)) {
        diagnostics.error("E0108", file.source, imp.span, `cannot import \`${imp.path}\`: it is a directory, not a spec file`, {
          help: `import one of the .mlspec files inside it, e.g. \`import "${imp.path.replace(/\/+$/, "")}/shared.mlspec"\``,
        });
        continue;
      }
      // read what was checked: the file the links lead to
      const t = host.readFile(host.realPath?.(target) ?? target);
      if (t === undefined) {
        diagnostics.error("E0108", file.source, imp.span, `cannot read imported file \`${imp.path}\``, {
          help: `no file at ${display(target)}; paths are relative to the importing file`,
        });
        continue;
      }
      open(target, t);
    }
    return first;
  };

  const mainText = opts.text ?? host.readFile(absMain);
  const main = load(absMain, mainText ?? "");
  const decls = new Map<string, Decl>();
  const duplicates: Program["duplicates"] = [];
  // main file last in `files`; declarations are registered in load order, main first
  for (const file of [main, ...files.filter((f) => f !== main)]) {
    for (const block of file.blocks) {
      const decl: Decl = { kind: block.kind, name: block.name.name, block, file };
      const first = decls.get(decl.name);
      if (first) duplicates.push({ decl, first });
      else decls.set(decl.name, decl);
    }
  }
  const readBytes = host.readBytes?.bind(host);
  return { main, files, paths, projectRoot, readScope, decls, duplicates, diagnostics, ...(readBytes ? { readBytes } : {}) };
}

/** A program from in-memory text, for tests and editors; other files (imports, model files) beside it. */
export function programFromText(text: string, name = "spec.mlspec", extraFiles: Record<string, string | Uint8Array> = {}): Program {
  const root = path.resolve("/__mlspec__");
  const files = new Map(Object.entries(extraFiles).map(([k, v]) => [path.resolve(root, k), v]));
  const host: CompilerHost = {
    readFile: (p) => {
      const f = files.get(p);
      return typeof f === "string" ? f : f && new TextDecoder().decode(f);
    },
    readBytes: (p) => {
      const f = files.get(p);
      return typeof f === "string" ? new TextEncoder().encode(f) : f;
    },
  };
  return loadProgram(path.join(root, name), host, { projectRoot: root, displayRoot: root, text });
}

export function sourceOf(decl: Decl): Source {
  return decl.file.source;
}
