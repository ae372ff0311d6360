/**
 * The emitted Argo Workflow played locally (spec/kubernetes.md): each DAG task's
 * command (`mlspec step …`) runs as a process of its own once the tasks it
 * depends on succeeded, tasks whose dependencies are met at once side by side,
 * with only the workspace folder shared, as pods would. The registered models
 * are the bytes `mlspec run` registers for the same plan and seeds. A test
 * harness, not an engine. SQLite only: a PostgreSQL registry is not done.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { writeSearchProject } from "../projects.js";
import { buildCliSnapshot, runCli } from "../cli/cli-bundle.js";

let cliPath = "";
const made: string[] = [];
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 180_000);
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const secondModel = `
model lin {
  task = binary_classification(target = y)
  inputs = f
  arch = linear()
  train { optimizer = adam(lr = 3e-2) epochs = 3 batch = 32 seed = 5 }
  metrics = [auc]
}`;

interface Task {
  name: string;
  template: string;
  depends?: string;
  arguments: { parameters: Array<{ name: string; value: string }> };
}
interface Template {
  name: string;
  dag?: { tasks: Task[] };
  container?: { command: string[]; args: string[] };
}

/** name@version → artifact sha256 of every version in a workspace. */
function versions(wsDir: string): Record<string, string> {
  const ws = openWorkspace(wsDir);
  try {
    return Object.fromEntries(ws.registry.listVersions().map((v) => [`${v.name}@${v.version} ${v.status}`, v.artifactSha256]));
  } finally {
    ws.close();
  }
}

/** A task's command as its pod runs it, with the pod's paths mapped to this machine's. */
function commandOf(task: Task, template: Template, paths: { plan: string; workspace: string; project: string }): string[] {
  const [command, ...args] = [...template.container!.command, ...template.container!.args];
  expect(command).toBe("mlspec");
  const step = task.arguments.parameters.find((p) => p.name === "step")!.value;
  return args.map((a) =>
    a === "{{inputs.parameters.step}}" ? step : a === "/plan/plan.json" ? paths.plan : a === "sqlite:/mnt/mlspec/registry.db" ? `sqlite:${path.join(paths.workspace, "registry.db")}` : a === "/project" ? paths.project : a,
  );
}

describe("the Argo DAG played task by task", () => {
  it("registers the same model bytes as `mlspec run`, and a retried task does nothing", async () => {
    const project = writeSearchProject({ trials: 3, parallel: 2, rows: 200, epochs: 3, sampler: "random", extra: secondModel });
    made.push(project.dir);
    const out = mkdtempSync(path.join(os.tmpdir(), "mlspec-argo-"));
    made.push(out);
    const compiled = await runCli(cliPath, ["compile", project.spec, "--target", "argo", "--image", "mlspec:test", "--out", path.join(out, "manifests")]);
    expect(compiled.status, compiled.stderr).toBe(0);

    // the ConfigMap's plan where the pod mounts it, an empty volume for the workspace
    const configMap = parse(readFileSync(path.join(out, "manifests", "plan-configmap.yaml"), "utf8")) as { data: Record<string, string> };
    mkdirSync(path.join(out, "plan"));
    writeFileSync(path.join(out, "plan", "plan.json"), configMap.data["plan.json"]!);
    const paths = { plan: path.join(out, "plan", "plan.json"), workspace: path.join(out, "volume"), project: project.dir };
    const workflow = parse(readFileSync(path.join(out, "manifests", "workflow.yaml"), "utf8")) as { spec: { entrypoint: string; templates: Template[] } };
    const templates = new Map(workflow.spec.templates.map((t) => [t.name, t]));
    const tasks = templates.get(workflow.spec.entrypoint)!.dag!.tasks;
    expect(tasks.map((t) => t.arguments.parameters[0]!.value)).toContain("search:s");

    const done = new Set<string>();
    const order: string[][] = [];
    while (done.size < tasks.length) {
      const ready = tasks.filter((t) => !done.has(t.name) && (t.depends ?? "").split(" && ").every((d) => d === "" || done.has(d)));
      expect(ready.length, "a task whose dependencies never finish").toBeGreaterThan(0);
      // the same backend for every process and for `mlspec run` below
      const results = await Promise.all(ready.map((t) => runCli(cliPath, [...commandOf(t, templates.get(t.template)!, paths), "--backend", "cpu"], os.tmpdir())));
      results.forEach((r, i) => expect(r.status, `${ready[i]!.name}: ${r.stderr}`).toBe(0));
      for (const t of ready) done.add(t.name);
      order.push(ready.map((t) => t.name));
    }
    // the data steps fan out: profile beside split, the two models' branches side by side
    expect(order.some((wave) => wave.length > 1)).toBe(true);

    const copy = mkdtempSync(path.join(os.tmpdir(), "mlspec-argo-run-"));
    made.push(copy);
    cpSync(project.dir, copy, { recursive: true });
    const run = await runCli(cliPath, ["run", path.join(copy, "s.mlspec"), "--backend", "cpu", "--quiet"]);
    expect(run.status, run.stderr).toBe(0);
    const played = versions(paths.workspace);
    expect(Object.keys(played).sort()).toEqual(["lin@1 registered", "m@1 registered"]);
    expect(played).toEqual(versions(path.join(copy, ".mlspec")));

    // a pod restarted after its step finished: nothing is done again
    const register = tasks.find((t) => t.arguments.parameters[0]!.value === "register:m")!;
    const again = await runCli(cliPath, [...commandOf(register, templates.get(register.template)!, paths), "--backend", "cpu"], os.tmpdir());
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/done before/);
    expect(versions(paths.workspace)).toEqual(played);
  }, 600_000);
});
