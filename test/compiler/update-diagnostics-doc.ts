/**
 * Rewrites the `text` block of every section of spec/diagnostics.md with what the
 * compiler prints for its example, so the index never drifts from the compiler:
 *   npx tsx test/compiler/update-diagnostics-doc.ts
 * diagnostics-doc.test.ts fails when a block is out of date.
 */
import { writeFileSync } from "node:fs";
import { compileExample, DIAGNOSTICS_DOC, loadDiagnosticsDoc, renderExample } from "./diagnostics-doc.js";

const { text, sections } = loadDiagnosticsDoc();
let out = text;
// rewrite from the end so earlier offsets stay valid
for (const s of [...sections].reverse()) {
  if (!s.main || !s.rendered) {
    console.error(`${s.code}: no example or no text block`);
    continue;
  }
  const diagnostics = compileExample(s);
  const codes = [...new Set(diagnostics.map((d) => d.code))];
  if (codes.length !== 1 || codes[0] !== s.code) console.error(`${s.code}: example raises ${codes.join(", ") || "nothing"}`);
  out = out.slice(0, s.rendered.start) + renderExample(diagnostics) + out.slice(s.rendered.end);
}
writeFileSync(DIAGNOSTICS_DOC, out);
console.log(`updated ${sections.length} sections`);
