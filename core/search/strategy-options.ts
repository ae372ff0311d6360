/** Checks the options a plan gives a sampler or pruner, so a typo is an error, not a silent default. */
import { SearchError } from "./errors.js";

export function rejectUnknownOptions(what: string, spec: object, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(spec)) {
    if (key === "kind" || value === undefined) continue;
    if (!allowed.includes(key)) {
      const known = allowed.length > 0 ? `; it takes ${allowed.join(", ")}` : "; it takes no options";
      throw new SearchError(`the ${what} has no option "${key}"${known}`);
    }
    if (typeof value !== "number") throw new SearchError(`the ${what}'s option "${key}" must be a number`);
  }
}
