/** Training progress through the real binary (not a terminal): a line every 10% of the epochs, or every epoch with --verbose. */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../run/fixtures.js";
import { buildCliSnapshot, REPO, runCli } from "./cli-bundle.js";

let cliPath = "";
beforeAll(() => {
  cliPath = buildCliSnapshot();
}, 120_000);
afterAll(() => removeTempDirs());

const SPEC = `mlspec 1

dataset iris {
  source = csv("data/iris.csv")
  label  = species
  contract {
    each [sepal_length, sepal_width, petal_length, petal_width] : float range 0..10
    species : enum("setosa", "versicolor", "virginica")
  }
}

features measurements from iris {
  each numeric as *_z = standardize
}

model iris_linear {
  task   = multiclass_classification(target = species)
  inputs = measurements
  arch   = linear()
  train {
    optimizer = adam(lr = 1e-2)
    epochs    = 20
    seed      = 1
  }
  metrics = [accuracy]
}
`;

function project(): string {
  const dir = tempDir("mlspec-progress-");
  mkdirSync(path.join(dir, "data"));
  cpSync(path.join(REPO, "examples/iris/data/iris.csv"), path.join(dir, "data/iris.csv"));
  writeFileSync(path.join(dir, "iris.mlspec"), SPEC);
  return dir;
}

const epochs = (stdout: string) => [...stdout.matchAll(/iris_linear epoch (\d+)\/20/g)].map((m) => Number(m[1]));

describe("mlspec run progress off a terminal", () => {
  it("the first epoch, every 10% and the last; --verbose every epoch", async () => {
    const plain = await runCli(cliPath, ["run", "iris.mlspec"], project());
    expect(plain.status, plain.stderr).toBe(0);
    expect(epochs(plain.stdout)).toEqual([1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    const verbose = await runCli(cliPath, ["run", "iris.mlspec", "--verbose", "--no-cache"], project());
    expect(verbose.status, verbose.stderr).toBe(0);
    expect(epochs(verbose.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  }, 120_000);
});
