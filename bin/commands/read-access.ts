/**
 * `--allow-read DIR` (repeatable): a directory outside the project that a spec
 * may read, given by the user on the command line, never by the spec itself
 * (spec/language.md#paths).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { CliError } from "../cli-error.js";

export function allowReadOption(): Option {
  return new Option("--allow-read <dir>", "also let the spec read files under this directory (repeatable); by default it reads only inside its own directory")
    .argParser((dir: string, previous: string[] | undefined) => [...(previous ?? []), dir])
    .default([] as string[], "none");
}

/** The allowed directories, absolute; each must be an existing directory. */
export function allowedDirs(dirs: readonly string[] | undefined): string[] {
  return (dirs ?? []).map((dir) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      throw new CliError(`--allow-read ${dir}: no such directory`);
    }
    if (!stat.isDirectory()) throw new CliError(`--allow-read ${dir}: not a directory`);
    return path.resolve(dir);
  });
}
