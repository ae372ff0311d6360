/**
 * `GET /report`: the spec's report (runtime/report), rendered from the workspace at each
 * request, as `mlspec report` writes it. The charting libraries load on the first request.
 */
import type { FastifyInstance } from "fastify";
import type { Plan } from "../../../compiler/plan/schema.js";
import type { Workspace } from "../../workspace/workspace.js";

export interface ReportRoutesOptions {
  plan: Plan;
  /** The serving process's own workspace (read, never written, by the report). */
  workspace: Workspace;
}

export async function reportRoutes(app: FastifyInstance, options: ReportRoutesOptions): Promise<void> {
  app.get("/report", async (_request, reply) => {
    const { workspaceReportHtml } = await import("../../report/workspace-report.js");
    const html = await workspaceReportHtml(options.plan, options.workspace);
    reply.header("content-type", "text/html; charset=utf-8");
    reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    reply.header("cache-control", "no-store");
    return html;
  });
}
