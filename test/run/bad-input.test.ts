/**
 * Bad input of every kind gets a clear message on stderr (never a stack trace),
 * its exit code (2 usage/I/O, 4 data rejected, 1 spec errors), and nothing is
 * trained or registered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../runtime/workspace/workspace.js";
import {
  BINARY_HEADER,
  binaryCsv,
  binaryRows,
  binarySpec,
  cli,
  csvOf,
  hasStack,
  removeTempDirs,
  run,
  tempDir,
  writeProject,
  type Project,
} from "./fixtures.js";

afterAll(removeTempDirs);

/** Versions and runs in the project's workspace (none when it was never created). */
function recorded(dir: string): { versions: number; runs: number } {
  const root = path.join(dir, ".mlspec");
  if (!fs.existsSync(path.join(root, "registry.db"))) return { versions: 0, runs: 0 };
  const ws = openWorkspace(root);
  try {
    return { versions: ws.registry.listVersions().length, runs: ws.registry.listRuns().length };
  } finally {
    ws.close();
  }
}

const cases: Array<{ name: string; make: () => Project; opts?: { backend?: string }; exit: number; message: RegExp; detail?: RegExp }> = [
  {
    name: "a missing data file",
    make: () => writeProject(binarySpec().replace('csv("data.csv")', 'csv("nowhere.csv")'), binaryCsv()),
    exit: 2,
    message: /^mlspec: dataset `d`: data file not found: .*nowhere\.csv$/m,
  },
  {
    name: "a CSV that is binary garbage",
    make: () => writeProject(binarySpec(), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))),
    exit: 4,
    message: /^mlspec: .*data\.csv does not look like a CSV file: it contains binary data/m,
  },
  {
    name: "a column of the wrong type in every row",
    make: () => writeProject(binarySpec(), csvOf(BINARY_HEADER, binaryRows(150).map(([id, , x2, c, l]) => [id, "ten", x2, c, l]))),
    exit: 4,
    message: /^mlspec: dataset `d`: every row was quarantined \(150 of 150\)$/m,
    detail: /^ {2}see .*quarantine.*\.jsonl for each row's reasons$/m,
  },
  {
    name: "a header without rows",
    make: () => writeProject(binarySpec(), BINARY_HEADER.join(",") + "\n"),
    exit: 4,
    message: /^mlspec: dataset `d`: .*data\.csv has no data rows$/m,
  },
  {
    name: "an empty file",
    make: () => writeProject(binarySpec(), ""),
    exit: 4,
    message: /^mlspec: dataset `d`: .*data\.csv has no data rows$/m,
  },
  {
    name: "a dataset rule the data breaks (rows >= 500 on 100 rows)",
    make: () => writeProject(binarySpec({ rowsRule: "rows >= 500" }), binaryCsv(100)),
    exit: 4,
    message: /^mlspec: dataset `d` breaks its contract$/m,
    detail: /^ {2}100 rows were accepted; the contract requires at least 500/m,
  },
  {
    name: "a column the contract names missing from the file",
    make: () => writeProject(binarySpec(), csvOf(["id", "x1", "x2", "label"], binaryRows(120).map(([id, x1, x2, , l]) => [id, x1, x2, l]))),
    exit: 4,
    message: /^mlspec: dataset `d` breaks its contract$/m,
    detail: /column "color" is missing/m,
  },
  {
    name: "a binary label with one class only",
    make: () => writeProject(binarySpec(), csvOf(BINARY_HEADER, binaryRows(150).map(([id, x1, x2, c]) => [id, x1, x2, c, true]))),
    exit: 4,
    message: /^mlspec: the label `label` has one class only \(true\) in the training split$/m,
    detail: /both classes/,
  },
  {
    name: "an unknown --backend",
    make: () => writeProject(binarySpec(), binaryCsv()),
    opts: { backend: "tpu" },
    exit: 2,
    message: /^mlspec: unknown backend `tpu`; choose one of node-gpu, node, wasm, cpu$/m,
  },
  {
    name: "a spec with errors",
    make: () => writeProject(binarySpec().replace("standardize(x1)", "standardize(x11)"), binaryCsv()),
    exit: 1,
    message: /the spec has errors; nothing was run/,
  },
];

describe("bad input", () => {
  it.each(cases)("$name → exit $exit, a message, nothing registered", async ({ make, opts, exit, message, detail }) => {
    const p = make();
    const r = await run(p.spec, opts ?? {});
    expect(r.exitCode).toBe(exit);
    expect(r.stderr).toMatch(message);
    if (detail) expect(r.stderr).toMatch(detail);
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.stderr).not.toMatch(/internal error|TypeError|ReferenceError/);
    expect(r.summary).toBeUndefined();
    expect(recorded(p.dir)).toEqual({ versions: 0, runs: 0 });
  }, 30_000);

  it("a missing spec file → exit 2 and no workspace created", async () => {
    const dir = tempDir();
    const spec = path.join(dir, "missing.mlspec");
    const r = await run(spec);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`mlspec: cannot read ${spec}: no such file\n`);
    expect(fs.existsSync(path.join(dir, ".mlspec"))).toBe(false);
  });

  it("a directory given as the spec → exit 2", async () => {
    const dir = tempDir();
    const r = await run(dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`mlspec: cannot read ${dir}: not a file\n`);
  });

  it("a workspace that is a file, or whose database is not one → exit 2", async () => {
    const p = writeProject(binarySpec(), binaryCsv());
    const file = path.join(p.dir, "not-a-dir");
    fs.writeFileSync(file, "x");
    const r = await run(p.spec, { workspace: file });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`mlspec: cannot open the workspace ${file}: workspace path ${file} exists and is not a directory\n`);

    fs.mkdirSync(path.join(p.dir, ".mlspec"));
    fs.writeFileSync(path.join(p.dir, ".mlspec", "registry.db"), Buffer.alloc(4096, 7));
    const c = await run(p.spec);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/^mlspec: cannot open the workspace .*: .*registry\.db: file is not a database$/m);
    expect(hasStack(c.stderr)).toBe(false);
  });

  it("the CLI: missing spec, garbage data, bad backend — messages without stacks, exit codes from the process", async () => {
    const dir = tempDir();
    const missing = await cli(["run", path.join(dir, "missing.mlspec")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`mlspec: cannot read ${path.join(dir, "missing.mlspec")}: no such file\n`);
    expect(fs.existsSync(path.join(dir, ".mlspec"))).toBe(false);

    const garbage = writeProject(binarySpec(), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const g = await cli(["run", garbage.spec, "--backend", "cpu"]);
    expect(g.status).toBe(4);
    expect(g.stderr).toMatch(/^mlspec: .*does not look like a CSV file/m);
    expect(hasStack(g.stderr)).toBe(false);
    expect(recorded(garbage.dir)).toEqual({ versions: 0, runs: 0 });

    const corrupt = tempDir();
    fs.writeFileSync(path.join(corrupt, "registry.db"), Buffer.alloc(4096, 7));
    const list = await cli(["models", "list", "-w", corrupt]);
    expect(list.status).toBe(2);
    expect(list.stderr).toMatch(/^mlspec: cannot open the workspace .*file is not a database\n$/);

    const b = await cli(["run", garbage.spec, "--backend", "tpu"]);
    expect(b.status).toBe(2);
    expect(b.stderr).toBe("mlspec: unknown backend `tpu`; choose one of node-gpu, node, wasm, cpu\n");
  }, 60_000);
});
