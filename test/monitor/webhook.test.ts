/** Webhook alerts against a local HTTP receiver: delivery, bounded retries, timeouts, final 4xx. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { postWebhook, sendWebhookAlerts, type AlertBody } from "../../runtime/monitor/alerts.js";
import type { MonitorPlan } from "../../compiler/plan/schema.js";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function receiver(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const waits: number[] = [];
const sleep = async (ms: number) => void waits.push(ms);

const BODY: AlertBody = {
  monitor: "watch",
  rule: "drift #1",
  kind: "drift",
  model: "m",
  version: 1,
  window: { from: "2026-12-03T10:00:00.000Z", to: "2026-12-03T11:00:00.000Z" },
  columns: [{ column: "x2", test: "ks", value: 0.41, pValue: 1e-9, threshold: null, alpha: 0.0167, n: 400 }],
  datasetDrift: false,
  time: "2026-12-03T15:00:00.000Z",
};

describe("webhook alerts", () => {
  it("POSTs the alert as JSON once when the receiver answers 2xx", async () => {
    const got: Array<{ method?: string; type?: string; body: unknown }> = [];
    const url = await receiver((req, body, res) => {
      got.push({ method: req.method, type: req.headers["content-type"], body: JSON.parse(body) });
      res.writeHead(204).end();
    });
    const d = await postWebhook(url, BODY, { sleep });
    expect(d).toEqual({ ok: true, attempts: 1, status: 204 });
    expect(got).toEqual([{ method: "POST", type: "application/json", body: BODY }]);
  });

  it("retries 5xx with doubling waits, and stops at the bound", async () => {
    waits.length = 0;
    let calls = 0;
    const url = await receiver((_req, _body, res) => {
      calls++;
      res.writeHead(calls < 3 ? 503 : 200).end();
    });
    expect(await postWebhook(url, BODY, { sleep, backoffMs: 100, retries: 3 })).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(waits).toEqual([100, 200]);

    waits.length = 0;
    const down = await receiver((_req, _body, res) => res.writeHead(500).end());
    expect(await postWebhook(down, BODY, { sleep, backoffMs: 100, retries: 2 })).toEqual({ ok: false, attempts: 3, status: 500, error: "HTTP 500" });
    expect(waits).toEqual([100, 200]);
  });

  it("a 4xx other than 429 is final; a receiver that never answers times out and is retried", async () => {
    let calls = 0;
    const bad = await receiver((_req, _body, res) => {
      calls++;
      res.writeHead(400).end();
    });
    expect(await postWebhook(bad, BODY, { sleep, retries: 3 })).toMatchObject({ ok: false, attempts: 1, status: 400 });
    expect(calls).toBe(1);

    let hung = 0;
    const silent = await receiver(() => void hung++);
    const d = await postWebhook(silent, BODY, { sleep, timeoutMs: 50, retries: 1 });
    expect(d).toEqual({ ok: false, attempts: 2, error: "no answer within 50 ms" });
    expect(hung).toBe(2);
  });

  it("sendWebhookAlerts posts to each webhook alert of the monitor and reports failures as lines", async () => {
    const got: unknown[] = [];
    const ok = await receiver((_req, body, res) => {
      got.push(JSON.parse(body));
      res.writeHead(200).end();
    });
    const mon = { name: "watch", alerts: [{ kind: "alert", params: { channel: "webhook", target: ok } }, { kind: "alert", params: { channel: "webhook", target: "http://127.0.0.1:1/none" } }, { kind: "alert", params: { channel: "log" } }] } as unknown as MonitorPlan;
    const failures = await sendWebhookAlerts(mon, [BODY], { sleep, retries: 1 });
    expect(got).toEqual([BODY]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^monitor watch: webhook http:\/\/127\.0\.0\.1:1\/none failed after 2 attempts: /);
  });
});
