/**
 * `mlspec feedback SPEC FILE` through the real bundle: JSON Lines and CSV
 * files stored as POST /v1/<serve>/feedback stores them, every record not
 * stored listed with its row (unknown request id, invalid and why), exit 0
 * when all were stored, 1 when some were not, 2 for what cannot be loaded.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { predictionsWithOutcomes, readFeedback } from "../../runtime/workspace/feedback.js";
import { churnSpecText, makeProject, type TestProject } from "../serve/models.js";
import { buildCliSnapshot, runCli } from "./cli-bundle.js";

let cliPath = "";
let project: TestProject;
const mlspec = (args: string[]) => runCli(cliPath, args);

function file(name: string, text: string): string {
  const p = path.join(project.dir, name);
  writeFileSync(p, text);
  return p;
}

/** Feedback rows stored so far, read through a second connection (the CLI wrote them). */
function stored() {
  const ws = openWorkspace(project.workspaceDir);
  try {
    return readFeedback(ws.registry.db, "churn_api");
  } finally {
    ws.close();
  }
}

beforeAll(async () => {
  cliPath = buildCliSnapshot();
  project = makeProject(churnSpecText());
  // five logged predictions, r1..r5 for customers C1..C5 (tenure 10, 20, …)
  const writer = project.workspace.registry.predictionLog();
  for (let i = 1; i <= 5; i++) {
    writer.log({
      requestId: `r${i}`,
      time: Date.now() - 60_000 + i,
      serve: "churn_api",
      model: "churn_mlp",
      version: 1,
      inputs: { customer_id: `C${i}`, tenure: i * 10, monthly: 50, plan: "pro", region: "north", support_calls: 1 },
      output: { probability: 0.1 * i },
      latencyMs: 1,
    });
  }
  await writer.close();
}, 120_000);

afterAll(() => project.cleanup());

describe("mlspec feedback", () => {
  it("stores a JSON Lines file's good items and lists the others by row; exit 1", async () => {
    const jsonl = file(
      "outcomes.jsonl",
      [
        JSON.stringify({ request_id: "r1", outcome: true }),
        JSON.stringify({ key: { customer_id: "C2" }, outcome: 0 }),
        "",
        JSON.stringify({ request_id: "r-unknown", outcome: 1 }),
        "{not json",
        JSON.stringify({ request_id: "r3", outcome: "yes" }),
        JSON.stringify({ request_id: "r3", outcome: 0.25 }),
      ].join("\n") + "\n",
    );
    const r = await mlspec(["feedback", project.specPath, jsonl]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^churn_api: stored 3 of 6 outcomes from .*outcomes\.jsonl \(1 unknown request ids, 2 invalid\)\n/);
    expect(r.stdout).toContain('row 4: unknown request id: serve churn_api logged no prediction with request id "r-unknown"');
    expect(r.stdout).toContain("row 5: invalid: line is not valid JSON");
    expect(r.stdout).toContain('row 6: invalid: outcome must be a number or a boolean, got "yes"');
    const rows = stored();
    expect(rows.map((f) => [f.requestId ?? f.key, f.outcome, f.source])).toEqual([
      ["r1", 1, "file:outcomes.jsonl"],
      [{ customer_id: "C2" }, 0, "file:outcomes.jsonl"],
      ["r3", 0.25, "file:outcomes.jsonl"],
    ]);
    // joined to the log as POST /feedback's are: by request id, and by key to C2's prediction
    const ws = openWorkspace(project.workspaceDir);
    try {
      const joined = predictionsWithOutcomes(ws.registry.db, { serve: "churn_api", from: 0, to: Date.now() + 1 });
      expect(joined.map((j) => [j.prediction.requestId, j.outcome, j.by])).toEqual([
        ["r1", 1, "request_id"],
        ["r2", 0, "key"],
        ["r3", 0.25, "request_id"],
      ]);
    } finally {
      ws.close();
    }
  });

  it("stores a CSV by request id or by a key read as its column's type; exit 0", async () => {
    const before = stored().length;
    const byId = await mlspec(["feedback", project.specPath, file("by-id.csv", "request_id,outcome\nr4,true\nr5,0\n")]);
    expect(byId.status, byId.stderr).toBe(0);
    expect(byId.stdout).toBe(`churn_api: stored 2 of 2 outcomes from ${path.join(project.dir, "by-id.csv")}\n`);
    // tenure is an int column: "40" names the logged number 40
    const byKey = await mlspec(["feedback", project.specPath, file("by-key.csv", "tenure,outcome\n40,1\n50,false\n")]);
    expect(byKey.status, byKey.stderr).toBe(0);
    const rows = stored().slice(before);
    expect(rows.map((f) => f.requestId ?? f.key)).toEqual(["r4", "r5", { tenure: 40 }, { tenure: 50 }]);
    expect(rows.map((f) => f.outcome)).toEqual([1, 0, 1, 0]);
  });

  it("--format json lists every record not stored with its row and status", async () => {
    const csv = file("mixed.csv", 'request_id,outcome\nr1,1\nnope,1\nr2,"maybe"\n,1\nr3,1,extra\n');
    const r = await mlspec(["feedback", project.specPath, csv, "--format", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { serve: string; records: number; accepted: number; rejected: number; notStored: Array<{ row: number; status: string; error: string; request_id?: string }> };
    expect(out).toMatchObject({ serve: "churn_api", records: 5, accepted: 1, rejected: 4 });
    expect(out.notStored.map((s) => [s.row, s.status])).toEqual([
      [2, "unknown_request_id"],
      [3, "invalid"],
      [4, "invalid"],
      [5, "invalid"],
    ]);
    expect(out.notStored[0]!.request_id).toBe("nope");
    expect(out.notStored[2]!.error).toMatch(/name the prediction/);
    expect(out.notStored[3]!.error).toMatch(/expected 2 fields, found 3/);
  });

  it("exit 2 with one line for what cannot be loaded", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["feedback", project.specPath, path.join(project.dir, "missing.jsonl")], /cannot read .*missing\.jsonl: no such file/],
      [["feedback", project.specPath, file("o.txt", "x")], /cannot tell the format of .*o\.txt/],
      [["feedback", project.specPath, file("no-outcome.csv", "request_id,label\nr1,1\n")], /the CSV header has no outcome column/],
      [["feedback", project.specPath, file("two-keys.csv", "customer_id,tenure,outcome\nC1,10,1\n")], /at most one key column/],
      [["feedback", project.specPath, file("bad-key.csv", "churned,outcome\ntrue,1\n")], /the CSV column churned is not a request column of serve churn_api/],
      [["feedback", project.specPath, file("empty.jsonl", "\n\n")], /holds no feedback/],
      [["feedback", project.specPath, file("a.jsonl", "{}\n"), "--serve", "nope"], /has no serve block nope; it has churn_api/],
      [["feedback", project.specPath, file("b.jsonl", "{}\n"), "--workspace", path.join(project.dir, "nowhere")], /no workspace at .*nowhere/],
      [["feedback", path.join(project.dir, "missing.mlspec"), file("c.jsonl", "{}\n")], /cannot read .*missing\.mlspec/],
      [["feedback", project.specPath], /missing required argument 'file'/],
    ];
    for (const [args, message] of cases) {
      const r = await mlspec(args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // a number where the key column holds numbers is refused per row, not per file
    const r = await mlspec(["feedback", project.specPath, file("bad-tenure.csv", "tenure,outcome\nlong,1\n")]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('row 1: invalid: key column tenure holds numbers; got "long"');
  });
});
