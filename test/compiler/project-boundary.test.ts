/**
 * Symbolic links do not lead a spec out of its project (issue 9, item 1): the
 * E0110 and E0111 checks follow links on a real file system (file and directory
 * links, `..` after a link, an import through a link), `--allow-read DIR` lets
 * the user open one directory, and importing a directory says it is one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A project directory and, beside it, an outside directory holding a secret CSV. */
function layout(): { project: string; outside: string; secret: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-boundary-"));
  made.push(base);
  const project = path.join(base, "project");
  const outside = path.join(base, "outside");
  fs.mkdirSync(path.join(project, "data"), { recursive: true });
  fs.mkdirSync(path.join(outside, "a", "b"), { recursive: true });
  const secret = path.join(outside, "secret.csv");
  fs.writeFileSync(secret, "x\n1\n");
  fs.writeFileSync(path.join(outside, "a", "secret.csv"), "x\n1\n");
  fs.writeFileSync(path.join(project, "data", "ok.csv"), "x\n1\n");
  return { project, outside, secret };
}

const specReading = (p: string) => `mlspec 1

dataset d {
  source = csv(${JSON.stringify(p)})
  contract {
    x : int
  }
}
`;

function codes(project: string, text: string, allowRead: string[] = []): Array<{ code: string; message: string; help?: string }> {
  const file = path.join(project, "spec.mlspec");
  fs.writeFileSync(file, text);
  return compileFile(file, undefined, { allowRead }).diagnostics.map((d) => ({ code: d.code, message: d.message, ...(d.help ? { help: d.help } : {}) }));
}

describe("paths a spec names stay in the project, links followed", () => {
  it("a file link to outside is E0111, naming where it leads", () => {
    const { project, secret } = layout();
    fs.symlinkSync(secret, path.join(project, "data", "link.csv"));
    fs.symlinkSync("/etc/passwd", path.join(project, "data", "passwd.csv"));
    const [d] = codes(project, specReading("data/link.csv"));
    expect(d).toMatchObject({ code: "E0111", message: `\`data/link.csv\` leads outside the project directory, to ${fs.realpathSync(secret)} (through a symbolic link)` });
    expect(d!.help).toMatch(/--allow-read DIR/);
    expect(codes(project, specReading("data/passwd.csv")).map((x) => x.code)).toEqual(["E0111"]);
  });

  it("a directory link to outside is E0111, for a file that exists under it or not", () => {
    const { project, outside } = layout();
    fs.symlinkSync(outside, path.join(project, "linked"));
    expect(codes(project, specReading("linked/secret.csv")).map((x) => x.code)).toEqual(["E0111"]);
    expect(codes(project, specReading("linked/missing.csv")).map((x) => x.code)).toEqual(["E0111"]);
  });

  it("`..` after a link is resolved as the file system does: from the link's target", () => {
    const { project, outside } = layout();
    fs.symlinkSync(path.join(outside, "a", "b"), path.join(project, "data", "inner"));
    // as text, data/inner/../ok.csv is data/ok.csv; opened, it is outside/a/ok.csv
    expect(codes(project, specReading("data/inner/../secret.csv")).map((x) => x.code)).toEqual(["E0111"]);
    expect(codes(project, specReading("data/inner/../../secret.csv")).map((x) => x.code)).toEqual(["E0111"]);
  });

  it("links that stay inside the project are fine, and so is a project reached through a link", () => {
    const { project } = layout();
    fs.symlinkSync(path.join(project, "data", "ok.csv"), path.join(project, "alias.csv"));
    fs.symlinkSync(path.join(project, "data"), path.join(project, "d2"));
    expect(codes(project, specReading("alias.csv"))).toEqual([]);
    expect(codes(project, specReading("d2/ok.csv"))).toEqual([]);
    const via = path.join(path.dirname(project), "via");
    fs.symlinkSync(project, via);
    expect(compileFile(path.join(via, "spec.mlspec")).diagnostics).toEqual([]);
  });

  it("an import through a link is E0110", () => {
    const { project, outside } = layout();
    fs.writeFileSync(path.join(outside, "shared.mlspec"), "mlspec 1\n");
    fs.symlinkSync(outside, path.join(project, "shared"));
    fs.symlinkSync(path.join(outside, "shared.mlspec"), path.join(project, "one.mlspec"));
    const [d] = codes(project, 'mlspec 1\n\nimport "shared/shared.mlspec"\n');
    expect(d).toMatchObject({ code: "E0110", message: `import \`shared/shared.mlspec\` leads outside the project directory, to ${fs.realpathSync(path.join(outside, "shared.mlspec"))} (through a symbolic link)` });
    expect(codes(project, 'mlspec 1\n\nimport "one.mlspec"\n').map((x) => x.code)).toEqual(["E0110"]);
  });

  it("--allow-read DIR lets the user open a directory; the spec cannot", () => {
    const { project, outside } = layout();
    fs.symlinkSync(path.join(outside, "secret.csv"), path.join(project, "data", "link.csv"));
    expect(codes(project, specReading("data/link.csv"), [outside])).toEqual([]);
    expect(codes(project, specReading("../outside/secret.csv"), [outside])).toEqual([]);
    expect(codes(project, specReading("../outside/secret.csv"), [path.join(outside, "a")]).map((x) => x.code)).toEqual(["E0111"]);
    fs.writeFileSync(path.join(outside, "shared.mlspec"), "mlspec 1\n");
    expect(codes(project, 'mlspec 1\n\nimport "../outside/shared.mlspec"\n', [outside])).toEqual([]);
  });

  it("importing a directory says it is a directory", () => {
    const { project } = layout();
    fs.mkdirSync(path.join(project, "shared"));
    const [d, ...rest] = codes(project, 'mlspec 1\n\nimport "shared"\n');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "E0108", message: "cannot import `shared`: it is a directory, not a spec file" });
  });
});
