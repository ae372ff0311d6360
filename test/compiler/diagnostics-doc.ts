/**
 * Reads spec/diagnostics.md: one `## CODE` section per diagnostic code, each with a
 * failing example (an `mlspec` block, plus `mlspec NAME.mlspec` blocks for imported
 * files) and the diagnostics the compiler prints for it (a `text` block).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkProgram } from "../../compiler/check/index.js";
import { programFromText } from "../../compiler/check/program.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { renderText } from "../../compiler/diagnostics/render.js";
import { onnxFromJson } from "./model-files.js";

export const DIAGNOSTICS_DOC = fileURLToPath(new URL("../../spec/diagnostics.md", import.meta.url));
export const COMPILER_DIR = fileURLToPath(new URL("../../compiler/", import.meta.url));

export interface FencedBlock {
  info: string;
  body: string;
  /** Offsets of the body inside the document, to rewrite it. */
  start: number;
  end: number;
}

export interface CodeSection {
  code: string;
  /** The `#` heading the section sits under. */
  group: string;
  prose: string;
  /** The main example (`mlspec`), imported files (`mlspec other.mlspec`) and model files (`json m.json`; `onnx m.onnx`, a ModelProto as protobuf JSON). */
  main?: FencedBlock;
  extraFiles: Record<string, string | Uint8Array>;
  rendered?: FencedBlock;
}

const FENCE = /^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm;

export function readDiagnosticsDoc(text: string): CodeSection[] {
  const sections: CodeSection[] = [];
  const headings = [...text.matchAll(/^(#{1,2}) (.+)$/gm)];
  // headings inside fences are example comments, not headings
  const fences = [...text.matchAll(FENCE)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  const inFence = (i: number) => fences.some((f) => i > f.start && i < f.end);
  const real = headings.filter((h) => !inFence(h.index!));
  let group = "";
  real.forEach((h, i) => {
    if (h[1] === "#") {
      group = h[2]!.trim();
      return;
    }
    const code = h[2]!.trim();
    const start = h.index! + h[0].length;
    const end = real[i + 1]?.index ?? text.length;
    const chunk = text.slice(start, end);
    const section: CodeSection = { code, group, prose: "", extraFiles: {} };
    for (const m of chunk.matchAll(FENCE)) {
      const info = m[1]!.trim();
      const bodyStart = start + m.index! + m[0].indexOf("\n") + 1;
      const block: FencedBlock = { info, body: m[2]!, start: bodyStart, end: bodyStart + m[2]!.length };
      const [lang, fileName] = info.split(/\s+/);
      if (lang === "mlspec" && fileName) section.extraFiles[fileName] = block.body;
      else if (lang === "json" && fileName) section.extraFiles[fileName] = block.body;
      else if (lang === "onnx" && fileName) section.extraFiles[fileName] = onnxFromJson(JSON.parse(block.body));
      else if (lang === "mlspec" && !section.main) section.main = block;
      else if (lang === "text" && !section.rendered) section.rendered = block;
    }
    section.prose = chunk.replace(FENCE, "").trim();
    sections.push(section);
  });
  return sections;
}

export function loadDiagnosticsDoc(): { text: string; sections: CodeSection[] } {
  const text = readFileSync(DIAGNOSTICS_DOC, "utf8");
  return { text, sections: readDiagnosticsDoc(text) };
}

/** Compiles a section's example as `spec.mlspec`, with its extra files beside it. */
export function compileExample(section: CodeSection): Diagnostic[] {
  const program = programFromText(section.main?.body ?? "", "spec.mlspec", section.extraFiles);
  return checkProgram(program).diagnostics;
}

/** What the `text` block of a section must hold. */
export function renderExample(diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => renderText(d)).join("\n\n") + "\n";
}
