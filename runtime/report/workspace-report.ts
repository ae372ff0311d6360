/**
 * A spec's report from its workspace, as HTML (`mlspec report SPEC`, GET /report). Reads the workspace,
 * never changes it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Plan } from "../../compiler/plan/schema.js";
import { writeFileAtomic } from "../workspace/atomic-file.js";
import { DATABASE_FILENAME, defaultWorkspaceDir, openWorkspace, type Workspace } from "../workspace/workspace.js";
import { buildReportModel, type ReportOptions } from "./report-model.js";
import { renderReportHtml } from "./report-html.js";

export class ReportError extends Error {}

export interface ReportCommandOptions extends ReportOptions {
  plan: Plan;
  workspace?: string;
  out?: string;
}

/** The report of an open workspace as HTML (what GET /report answers with). */
export async function workspaceReportHtml(plan: Plan, ws: Workspace, options: ReportOptions = {}): Promise<string> {
  return renderReportHtml(buildReportModel(plan, ws, options));
}

/** The report of a plan's workspace as HTML, opening it for the time of the read. */
export async function reportHtml(plan: Plan, workspaceDir: string, options: ReportOptions = {}): Promise<string> {
  if (!existsSync(resolve(workspaceDir, DATABASE_FILENAME))) {
    throw new ReportError(`no workspace at ${workspaceDir}; run \`mlspec run SPEC\` first, or pass --workspace DIR`);
  }
  const ws = openWorkspace(workspaceDir);
  try {
    return await workspaceReportHtml(plan, ws, options);
  } finally {
    ws.close();
  }
}

/** Writes the report; returns the file written and its size in bytes. */
export async function runReportCommand(specPath: string, options: ReportCommandOptions): Promise<{ file: string; bytes: number }> {
  const dir = options.workspace ?? defaultWorkspaceDir(specPath);
  const html = await reportHtml(options.plan, dir, options);
  const file = resolve(options.out ?? "report.html");
  writeFileAtomic(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}
