/**
 * `mlspec predict` through the real bundle, on a small project trained by `mlspec run`:
 * read = scored + quarantined, the contract's reasons in the quarantine file, the same
 * scores as the registered ONNX graph gives in onnxruntime, whatever the batch size, and one
 * line with a non-zero exit for every bad argument.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binaryProject, binaryRows, multiclassProject, regressionProject, removeTempDirs, type Project } from "../run/fixtures.js";
import { buildCliSnapshot, runCli } from "./cli-bundle.js";

let cliPath = "";
let project: Project;

const mlspec = (args: string[]) => runCli(cliPath, args);

function expectOneLine(text: string): void {
  // commander's usage errors add "(run with --help for usage)"
  expect(text.trimEnd().split("\n").filter((l) => !l.startsWith("(run with --help"))).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toMatch(/internal error/);
}

/** The input columns (no label), good rows, then rows that break the contract in known ways. */
const GOOD = binaryRows(40, 7).map(([id, x1, x2, color]) => `${id},${x1},${x2},${color}`);
const BAD = ["b1,abc,0.1,red", "b2,3,0.1,purple", 'b3,1,"x,y"', "b4,11,,red"];
const INPUT = ["id,x1,x2,color", ...GOOD.slice(0, 20), ...BAD, '"q,1",5,0.5,red', '"q\n2",4,-0.5,"blue"', ...GOOD.slice(20)].join("\n") + "\n";

function write(name: string, text: string): string {
  const file = path.join(project.dir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  cliPath = buildCliSnapshot();
  project = binaryProject({ epochs: 2 });
  const r = await mlspec(["run", project.spec, "--backend", "cpu", "--quiet"]);
  expect(r.status, r.stderr).toBe(0);
}, 180_000);

afterAll(() => removeTempDirs());

describe("mlspec predict", () => {
  it("scores the good rows, quarantines the rest with the contract's reasons, and read = scored + quarantined", async () => {
    const input = write("score.csv", INPUT);
    const out = path.join(project.dir, "scored.csv");
    const r = await mlspec(["predict", project.spec, "--model", "m@champion", "--input", input, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^m v1: read 46 = scored 42 \+ quarantined 4 → /);
    expect(r.stderr).toContain('1 × color: "purple" is not one of "red", "green", "blue"');
    const text = readFileSync(out, "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("id,x1,x2,color,prediction,probability_false,probability_true");
    expect(lines).toHaveLength(1 + 42 + 1); // one record holds a line end in a quoted field
    // input records as they were, quoted fields included, in file order
    expect(lines[1]!.startsWith(`${GOOD[0]},`)).toBe(true);
    expect(lines[21]!.startsWith('"q,1",5,0.5,red,')).toBe(true);
    expect(text).toContain(`\n"q\n2",4,-0.5,"blue",`);
    expect(lines[24]!.startsWith(`${GOOD[20]},`)).toBe(true);
    const quarantine = readFileSync(`${out}.quarantine.jsonl`, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { row: number; reasons: string[] });
    expect(quarantine.map((q) => [q.row, q.reasons])).toEqual([
      [21, ['x1: "abc" is not a valid float']],
      [22, ['color: "purple" is not one of "red", "green", "blue"']],
      [23, ["malformed CSV row: expected 4 fields, found 3"]],
      [24, ["x1: 11 is outside range 0..10", "x2: missing value (nulls are not allowed)"]],
    ]);
  });

  it("gives the scores onnxruntime gives on the registered graph, whatever the batch size", async () => {
    const input = write("score2.csv", INPUT);
    const [whole, small] = await Promise.all([
      mlspec(["predict", project.spec, "-m", "m@1", "-i", input]),
      mlspec(["predict", project.spec, "-m", "m@1", "-i", input, "--batch-rows", "3", "--quarantine", path.join(project.dir, "q3.jsonl")]),
    ]);
    expect(whole.status, whole.stderr).toBe(0);
    expect(small.stdout).toBe(whole.stdout);
    const { openWorkspace } = await import("../../runtime/workspace/workspace.js");
    const { loadModel } = await import("../../runtime/serve/loaded-model.js");
    const ws = openWorkspace(path.join(project.dir, ".mlspec"));
    const version = ws.registry.resolve("m", 1);
    const model = await loadModel(ws.artifacts.get(version.artifactSha256), { ...version, aliases: [] }, { executor: "inline", hint: { kind: "binary", classes: [false, true] } });
    ws.close();
    const rows = GOOD.map((line) => {
      const [, x1, x2, color] = line.split(",");
      return { x1: Number(x1), x2: Number(x2), color };
    });
    const expected = (await model.run(rows)) as Array<{ probabilities: Record<string, number> }>;
    await model.dispose();
    const scored = whole.stdout.trimEnd().split("\n").filter((l) => /^r\d/.test(l));
    expect(scored).toHaveLength(GOOD.length);
    // CSV carries probabilities to six decimals; the labels are those of the graph's answers
    scored.forEach((line, i) => {
      const fields = line.split(",");
      expect(Number(fields.at(-1))).toBeCloseTo(expected[i]!.probabilities["true"]!, 6);
      expect(fields.at(-3)).toBe(String((expected[i] as unknown as { prediction: boolean }).prediction));
    });
  });

  it("reads and writes JSON Lines: each input object plus prediction and probabilities", async () => {
    const input = write("score.jsonl", `{"id":"j1","x1":2.5,"x2":0.3,"color":"red"}\n\n{"id":"j2","x1":"7","x2":-1,"color":"green"}\nnot json\n{"id":"j3","x1":4,"color":"blue"}\n`);
    const out = path.join(project.dir, "scored.jsonl");
    const r = await mlspec(["predict", project.spec, "-m", "m@champion", "-i", input, "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/read 4 = scored 2 \+ quarantined 2/);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.id)).toEqual(["j1", "j2"]);
    expect(typeof rows[0]!.prediction).toBe("boolean");
    expect(Object.keys(rows[0]!.probabilities as object)).toEqual(["false", "true"]);
    const quarantine = readFileSync(`${out}.quarantine.jsonl`, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { row: number; reasons: string[] });
    expect(quarantine.map((q) => [q.row, q.reasons])).toEqual([
      [4, ["line is not valid JSON"]],
      [5, ["x2: missing value (nulls are not allowed)"]],
    ]);
  });

  it("exits 4 and says why when every row is quarantined", async () => {
    const input = write("all-bad.csv", "id,x1,x2,color\na,1,1,purple\nb,2,2,purple\n");
    const r = await mlspec(["predict", project.spec, "-m", "m@champion", "-i", input, "-o", path.join(project.dir, "none.csv")]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('read 2 = scored 0 + quarantined 2');
    expect(r.stderr).toContain('2 × color: "purple" is not one of "red", "green", "blue"');
  });

  it("answers a bad argument with one line and a non-zero exit, writing nothing", async () => {
    const input = write("args.csv", INPUT);
    const noColumn = write("no-x2.csv", "id,x1,color\na,1,red\n");
    const clash = write("clash.csv", "id,x1,x2,color,prediction\na,1,1,red,x\n");
    const out = path.join(project.dir, "never.csv");
    const cases: Array<[string[], number, RegExp]> = [
      [["predict", project.spec, "-i", input], 2, /required option '-m, --model <ref>'/],
      [["predict", project.spec, "-m", "m", "-i", input], 2, /^mlspec: --model `m` is not NAME@VERSION or NAME@ALIAS/],
      [["predict", project.spec, "-m", "nope@champion", "-i", input], 2, /has no model `nope`; its models: m$/m],
      [["predict", project.spec, "-m", "m@7", "-i", input, "-o", out], 1, /^mlspec: m@7: /],
      [["predict", project.spec, "-m", "m@champion", "-i", path.join(project.dir, "missing.csv")], 2, /cannot read .*missing\.csv: no such file/],
      [["predict", project.spec, "-m", "m@champion", "-i", path.join(project.dir, "data.parquet")], 2, /Parquet is not supported yet/],
      [["predict", project.spec, "-m", "m@champion", "-i", noColumn, "-o", out], 2, /no-x2\.csv has no column `x2`, which m version 1 reads/],
      [["predict", project.spec, "-m", "m@champion", "-i", clash, "-o", out], 2, /already has a column `prediction`/],
      [["predict", project.spec, "-m", "m@champion", "-i", input, "-o", input], 2, /is the input file/],
      [["predict", project.spec, "-m", "m@champion", "-i", input, "--batch-rows", "0"], 2, /--batch-rows must be a whole number/],
      [["predict", path.join(project.dir, "nope.mlspec"), "-m", "m@champion", "-i", input], 2, /cannot read .*nope\.mlspec: no such file/],
    ];
    const results = await Promise.all(cases.map(([args]) => mlspec(args)));
    results.forEach((r, i) => {
      const [args, status, message] = cases[i]!;
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expectOneLine(r.stderr);
    });
    expect(existsSync(out)).toBe(false);
  });

  it("answers a multiclass model with the graph's class and a probability per class, and a regression with its value", async () => {
    const multi = multiclassProject();
    const regression = regressionProject();
    const trained = await Promise.all([multi, regression].map((p) => mlspec(["run", p.spec, "--backend", "cpu", "--quiet"])));
    trained.forEach((r) => expect(r.status, r.stderr).toBe(0));
    const [m, r] = await Promise.all([
      mlspec(["predict", multi.spec, "-m", "c@champion", "-i", multi.data]),
      mlspec(["predict", regression.spec, "-m", "r@champion", "-i", regression.data, "--format", "jsonl"]),
    ]);
    expect(m.status, m.stderr).toBe(0);
    const lines = m.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("x1,x2,species,prediction,probability_s0,probability_s1,probability_s2");
    const { openWorkspace } = await import("../../runtime/workspace/workspace.js");
    const { loadModel } = await import("../../runtime/serve/loaded-model.js");
    const ws = openWorkspace(path.join(multi.dir, ".mlspec"));
    const version = ws.registry.resolve("c", "champion");
    const model = await loadModel(ws.artifacts.get(version.artifactSha256), { ...version, aliases: [] }, { executor: "inline", hint: { kind: "multiclass", classes: ["s0", "s1", "s2"] } });
    ws.close();
    const rows = lines.slice(1).map((l) => l.split(","));
    const expected = (await model.run(rows.map(([x1, x2]) => ({ x1: Number(x1), x2: Number(x2) })))) as Array<{ prediction: string; probabilities: Record<string, number> }>;
    await model.dispose();
    rows.forEach((fields, i) => {
      expect(fields[3]).toBe(expected[i]!.prediction);
      ["s0", "s1", "s2"].forEach((k, j) => expect(Number(fields[4 + j])).toBeCloseTo(expected[i]!.probabilities[k]!, 6));
    });
    expect(r.status, r.stderr).toBe(0);
    const answers = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { x1: number; kind: string; y: number; prediction: number });
    expect(answers).toHaveLength(300);
    expect(typeof answers[0]!.x1).toBe("number");
    expect(answers.every((a) => Number.isFinite(a.prediction))).toBe(true);
  }, 120_000);
});
