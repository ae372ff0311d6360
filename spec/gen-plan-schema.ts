/**
 * Writes spec/plan.schema.json from the zod plan schema (compiler/plan/schema.ts),
 * the single source of the plan format.
 *
 *   npx tsx spec/gen-plan-schema.ts          rewrite spec/plan.schema.json
 *   npx tsx spec/gen-plan-schema.ts --check  exit 1 when the file is out of date
 *
 * test/plan/schema.test.ts asserts that the committed file is current.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { planJsonSchema } from "../compiler/plan/schema.js";

export const planSchemaPath = path.join(path.dirname(fileURLToPath(import.meta.url)), "plan.schema.json");

export function planSchemaText(): string {
  return JSON.stringify(planJsonSchema(), null, 2) + "\n";
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const next = planSchemaText();
  const current = fs.existsSync(planSchemaPath) ? fs.readFileSync(planSchemaPath, "utf8") : "";
  if (process.argv.includes("--check")) {
    if (next !== current) {
      process.stderr.write("spec/plan.schema.json is out of date; run `npx tsx spec/gen-plan-schema.ts`\n");
      process.exit(1);
    }
  } else if (next !== current) {
    fs.writeFileSync(planSchemaPath, next);
    process.stderr.write("spec/plan.schema.json regenerated\n");
  }
}
