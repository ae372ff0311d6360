/**
 * The runtime checks a data path again when it opens the file: a file swapped
 * for a link to outside the project after the spec was checked and planned is
 * refused, and nothing of it is read (issue 9, item 1).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { planOf } from "../../compiler/plan/index.js";
import { Executor } from "../../runtime/run/executor.js";
import { RunError } from "../../runtime/run/errors.js";
import { Reporter } from "../../runtime/run/reporter.js";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import { binaryProject, removeTempDirs, tempDir } from "./fixtures.js";

afterAll(removeTempDirs);

async function runPlanned(dir: string, plan: ReturnType<typeof planOf>, allowRead: string[] = []) {
  const ws = openWorkspace(path.join(dir, ".mlspec"));
  try {
    const executor = new Executor(plan, { projectDir: dir, workspace: ws, reporter: new Reporter({ quiet: true }), backend: "cpu", resume: false, useCache: false, runTag: "t", allowRead });
    return await executor.run().then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    ws.close();
  }
}

describe("a link swapped in between check and run", () => {
  it("is refused when the file is opened, unless its directory was allowed", async () => {
    const project = binaryProject();
    const compiled = compileFile(project.spec);
    expect(compiled.hasErrors).toBe(false);
    const plan = planOf(compiled);
    // the data moves outside and a link takes its place
    const outside = tempDir("mlspec-outside-");
    const moved = path.join(outside, "data.csv");
    fs.renameSync(project.data, moved);
    fs.symlinkSync(moved, project.data);

    const error = await runPlanned(project.dir, plan);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toBe(`dataset \`d\`: \`data.csv\` leads outside the project directory, to ${fs.realpathSync(moved)} (through a symbolic link)`);
    expect((error as RunError).exitCode).toBe(2);
    expect(fs.readdirSync(path.join(project.dir, ".mlspec", "quarantine"))).toEqual([]);

    expect(await runPlanned(project.dir, plan, [outside])).toBeUndefined();
  }, 60_000);
});
