/**
 * The monitor's window is the traffic the serving model answered: shadow
 * copies (arm "shadow", the candidate's answers) and requests no model
 * answered (output null) are left out.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readWindow } from "../../runtime/monitor/monitor-store.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-monitor-window-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("readWindow", () => {
  it("leaves out shadow copies and requests no model answered", () => {
    const ws = openWorkspace(path.join(dir, ".mlspec"));
    try {
      const insert = ws.registry.db.prepare(
        "INSERT INTO predictions (request_id, at, serve, model, version, inputs, output, latency_ms, arm, rollout, error) VALUES (?, ?, 'api', 'm', ?, ?, ?, 1, ?, ?, ?)",
      );
      insert.run("r1", 10, 1, '{"x":1}', '{"probability":0.2}', null, null, null);
      insert.run("r2", 11, 1, '{"x":2}', '{"probability":0.3}', "current", "r", null);
      insert.run("r2", 12, 2, '{"x":2}', '{"probability":0.9}', "shadow", "r", null);
      insert.run("r3", 13, 1, '{"x":3}', "null", "current", "r", "error");
      insert.run("r4", 99, 1, '{"x":4}', '{"probability":0.4}', null, null, null);
      expect(readWindow(ws.registry.db, "api", 0, 50).map((r) => r.inputs)).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      ws.close();
    }
  });
});
