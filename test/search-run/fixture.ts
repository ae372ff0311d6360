/** A small binary dataset and a spec with a search block, written into a temp dir. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../../core/rng.js";

export function writeSearchProject(opts: {
  trials: number;
  parallel: number;
  epochs?: number;
  rows?: number;
  sampler?: string;
  /** A statement added to the train block, e.g. `early_stop(val.auc, patience = 50)`. */
  trainExtra?: string;
  /** Replaces the search block's sampler-independent statements (space, objective, pruner). */
  searchBody?: string;
  /** Appended to the spec, e.g. a second model trained after the search's. */
  extra?: string;
}): { dir: string; spec: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlspec-search-"));
  const rng = new Rng(11);
  const lines = ["id,x1,x2,cat,y"];
  for (let i = 0; i < (opts.rows ?? 300); i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const cat = ["a", "b", "c"][rng.int(0, 2)]!;
    const logit = 1.5 * x1 - x2 + (cat === "a" ? 0.8 : -0.3);
    const y = rng.next() < 1 / (1 + Math.exp(-logit));
    lines.push(`r${i},${x1.toFixed(4)},${x2.toFixed(4)},${cat},${y}`);
  }
  fs.writeFileSync(path.join(dir, "d.csv"), lines.join("\n") + "\n");
  const spec = path.join(dir, "s.mlspec");
  fs.writeFileSync(
    spec,
    `mlspec 1
dataset d {
  source = csv("d.csv")
  label = y
  split = holdout(test = 20%, validation = 20%, stratify = y, seed = 1)
  contract {
    id : string unique
    x1 : float
    x2 : float
    cat : enum("a", "b", "c")
    y : bool
  }
}
features f from d {
  a = standardize(x1)
  b = standardize(x2)
  c = onehot(cat)
}
model m {
  task = binary_classification(target = y)
  inputs = f
  arch = mlp(hidden = [8])
  train { optimizer = adam(lr = 1e-2) epochs = ${opts.epochs ?? 4} batch = 32 seed = 3 ${opts.trainExtra ?? ""} }
  metrics = [auc]
  require auc >= 0.5
}
search s for m {
${
  opts.searchBody ??
  `  train.optimizer.lr ~ loguniform(1e-3, 1e-1)
  arch.hidden ~ choice([4], [8])
  objective = maximize val.auc`
}
  sampler = ${opts.sampler ?? "tpe"}(trials = ${opts.trials}, parallel = ${opts.parallel}, seed = 2)
}
${opts.extra ?? ""}`,
  );
  return { dir, spec };
}
