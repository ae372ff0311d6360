/**
 * A controller beside `mlspec serve`: started after the server listens, it
 * loads a candidate and moves the router's weights; SIGTERM stops it before
 * the server drains.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { BesideServer, BesideServerContext } from "../../runtime/serve/beside-server.js";
import { runServeCommand } from "../../bin/commands/serve-command.js";
import { churnModel, churnRows, churnSpecText, makeProject, type TestProject } from "./models.js";

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const clean of cleanups.reverse()) clean();
  cleanups = [];
});

describe("BesideServer", () => {
  it("starts after listening, moves weights, and stops on SIGTERM before the server drains", async () => {
    const p: TestProject = makeProject(churnSpecText());
    cleanups.push(() => p.cleanup());
    p.register("churn_mlp", churnModel({ seed: 1 }).bytes, "champion");
    p.register("churn_mlp", churnModel({ seed: 2 }).bytes, "challenger");
    const trace: string[] = [];
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const controller: BesideServer = {
      name: "fixture-controller",
      async start(ctx: BesideServerContext) {
        trace.push(`start after ${lines.filter((l) => l.startsWith("listening on")).length} listening line(s)`);
        const endpoint = ctx.endpoints.get("churn_api")!;
        await endpoint.setSlot("candidate", "churn_mlp@challenger");
        endpoint.router.setWeights("fixture", { candidate: 1, current: 0 });
        ctx.log("fixture: all traffic to the candidate");
        ready();
      },
      async stop() {
        trace.push("stop");
      },
    };
    const lines: string[] = [];
    const errs: string[] = [];
    const signals = new EventEmitter();
    const exit = runServeCommand(p.specPath, { port: 0, host: "127.0.0.1", pollMs: 0, besideServers: [controller] }, { out: (l) => lines.push(l), err: (l) => errs.push(l), signals });
    await started;
    const url = lines.find((l) => l.startsWith("listening on"))!.slice("listening on ".length);
    const res = await fetch(`${url}/v1/churn_api/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(churnRows(1, 1)[0]) });
    const body = (await res.json()) as { arm: string; model: { version: number } };
    expect(body).toMatchObject({ arm: "candidate", model: { version: 2 } });
    signals.emit("SIGTERM");
    expect(await exit).toBe(0);
    expect(trace).toEqual(["start after 1 listening line(s)", "stop"]);
    expect(errs).toContain("fixture: all traffic to the candidate");
  });
});
