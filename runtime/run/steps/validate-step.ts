/**
 * The validate step: the dataset's file read against its contract; rows that
 * break a column rule are quarantined, a broken dataset rule rejects the data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { boundaryHelp, boundaryMessage, nodeRealPath, openableReal } from "../../../compiler/check/project-boundary.js";
import { excerpt } from "../../data/excerpt.js";
import { RunError, EXIT } from "../errors.js";
import type { StepRunner } from "../step-context.js";

export const validateStep: StepRunner<"validate"> = {
  async run(step, ctx) {
    const { validateDataset } = await import("../../data/contract.js");
    const p = step.params;
    const quarantinePath = path.join(ctx.ws.quarantineDir, `${p.dataset}-${ctx.runTag}.jsonl`);
    const source = { ...p.source, path: path.resolve(ctx.projectDir, p.source.path) };
    // a file that cannot be opened is an I/O problem (exit 2); a file that opens but is not valid data is rejected (exit 4)
    if (!fs.existsSync(source.path)) {
      throw new RunError(`dataset \`${p.dataset}\`: data file not found: ${source.path}`, EXIT.usage, [`the path is resolved against the spec's folder ${ctx.projectDir}`]);
    }
    // checked again now, links followed: one swapped since the spec was checked is refused, and DuckDB opens the checked file
    const opened = openableReal({ root: ctx.projectDir, allowed: ctx.allowRead, realPath: nodeRealPath }, source.path);
    if ("escape" in opened) {
      throw new RunError(`dataset \`${p.dataset}\`: ${boundaryMessage(opened.escape, `\`${p.source.path}\``)}`, EXIT.usage, [
        boundaryHelp(opened.escape, "copy the file into the project"),
      ]);
    }
    const v = await validateDataset({ ...source, path: opened.real }, p.contract, { quarantinePath });
    try {
      const q = v.quarantined > 0 ? ` (quarantined rows: ${shownPath(quarantinePath)})` : "";
      ctx.reporter.step(step.id, `read ${v.read} = accepted ${v.accepted} + quarantined ${v.quarantined}${q}`);
      const { topQuarantineReasons } = await import("../../data/quarantine-reasons.js");
      const reasons = v.quarantined > 0 ? await topQuarantineReasons(quarantinePath) : [];
      for (const r of reasons) ctx.reporter.line(`  ${String(r.rows).padStart(String(v.read).length)} × ${excerpt(r.reason, 200)}`);
      const bound = p.contract.quarantined;
      const share = v.read > 0 ? v.quarantined / v.read : 0;
      // without a bound in the contract, a large quarantined share is worth a word
      if (!bound && v.accepted > 0 && share > QUARANTINE_WARN_SHARE) {
        ctx.reporter.line(`warning: dataset \`${p.dataset}\`: ${v.quarantined} of ${v.read} rows (${(100 * share).toFixed(1)}%) quarantined, more than 5%; bound it in the contract with \`quarantined <= p%\``);
      }
      if (v.extraColumns.length > 0) ctx.reporter.line(`  note: columns not in the contract are ignored: ${ignoredColumns(v.extraColumns)}`);
      if (v.read === 0) {
        throw new RunError(`dataset \`${p.dataset}\`: ${shownPath(source.path)} has no data rows`, EXIT.dataRejected, [
          "the file holds a header at most; nothing can be validated or trained",
        ]);
      }
      if (v.accepted === 0) {
        throw new RunError(`dataset \`${p.dataset}\`: every row was quarantined (${v.quarantined} of ${v.read})`, EXIT.dataRejected, [
          ...reasons.map((r) => `${excerpt(r.reason, 200)} for ${r.rows} of ${v.read} rows`),
          `see ${shownPath(quarantinePath)} for each row's reasons`,
        ]);
      }
      // `quarantined <= p%`: a dataset rule of the contract (spec/language.md#contract)
      if (bound && v.accepted > 0 && (bound.strict ? share >= bound.maxFraction : share > bound.maxFraction)) {
        throw new RunError(
          `dataset \`${p.dataset}\` breaks its contract: ${v.quarantined} of ${v.read} rows quarantined (${(100 * share).toFixed(1)}%), above \`quarantined ${bound.strict ? "<" : "<="} ${percent(bound.maxFraction)}\``,
          EXIT.dataRejected,
          [...reasons.map((r) => `${excerpt(r.reason, 200)} for ${r.rows} of ${v.read} rows`), `see ${shownPath(quarantinePath)} for each row's reasons`],
        );
      }
      if (v.datasetViolations.length > 0) {
        throw new RunError(
          `dataset \`${p.dataset}\` breaks its contract`,
          EXIT.dataRejected,
          v.datasetViolations.map((d) => `${d.column && !d.message.includes(d.column) ? `${d.column}: ` : ""}${d.message} (observed ${d.observed}, expected ${d.expected})`),
        );
      }
    } catch (e) {
      // nothing after this step reads the dataset: its data session closes here
      v.session.close();
      throw e;
    }
    return { dataset: { name: p.dataset, validation: v, quarantinePath } };
  },
};

/** Above this share of quarantined rows a run warns, when the contract sets no `quarantined` bound. */
const QUARANTINE_WARN_SHARE = 0.05;

/** A share as a percentage for messages: `2.5%`, `0.04%`. */
function percent(share: number): string {
  const p = share * 100;
  return `${Number(p.toPrecision(p >= 1 ? 3 : 2))}%`;
}

/** A path as the user can use it: relative below the current directory, absolute elsewhere. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Column names a note lists: a few, each a bounded excerpt (a header can be any length). */
function ignoredColumns(names: string[]): string {
  const shown = names.slice(0, 8).map((n) => excerpt(n, 40)).join(", ");
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}
