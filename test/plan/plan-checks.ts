/**
 * What every plan must satisfy, shared by the plan tests: it validates against the
 * committed JSON Schema (ajv, draft 2020-12) and the zod schema, its steps form a
 * DAG listed in topological order, and its specHash is the hash of its body.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { checkProgram } from "../../compiler/check/index.js";
import { loadProgram, programFromText } from "../../compiler/check/program.js";
import { nodeHost } from "../../compiler/compile.js";
import { buildPlan, serializePlan } from "../../compiler/plan/lower.js";
import { PlanSchema, type Plan } from "../../compiler/plan/schema.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const PLAN_SCHEMA_FILE = fileURLToPath(new URL("../../spec/plan.schema.json", import.meta.url));

// allowUnionTypes: zod writes `type: ["string", "boolean", "number"]` for unions of scalars
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateJson = ajv.compile(JSON.parse(readFileSync(PLAN_SCHEMA_FILE, "utf8")) as object);

/** Problems of a parsed plan against both schemas; empty when it is valid. */
export function schemaProblems(plan: unknown): string[] {
  const problems: string[] = [];
  if (!validateJson(plan)) problems.push(...(validateJson.errors ?? []).map((e) => `json schema: ${e.instancePath} ${e.message}`));
  const z = PlanSchema.safeParse(plan);
  if (!z.success) problems.push(...z.error.issues.map((i) => `zod: ${i.path.join(".")} ${i.message}`));
  return problems;
}

/** Problems of the step graph: unknown dependencies, duplicate ids, cycles, order. */
export function dagProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const index = new Map<string, number>();
  plan.steps.forEach((s, i) => {
    if (index.has(s.id)) problems.push(`duplicate step id ${s.id}`);
    index.set(s.id, i);
  });
  plan.steps.forEach((s, i) => {
    for (const d of s.dependsOn) {
      const j = index.get(d);
      if (j === undefined) problems.push(`${s.id} depends on unknown ${d}`);
      else if (j >= i) problems.push(`${s.id} comes before its dependency ${d}`);
    }
  });
  // Kahn's algorithm finds cycles independently of the array order
  const indegree = new Map(plan.steps.map((s) => [s.id, s.dependsOn.filter((d) => index.has(d)).length]));
  const queue = plan.steps.filter((s) => indegree.get(s.id) === 0).map((s) => s.id);
  let visited = 0;
  while (queue.length > 0) {
    const id = queue.shift()!;
    visited++;
    for (const s of plan.steps) {
      if (!s.dependsOn.includes(id)) continue;
      const left = indegree.get(s.id)! - 1;
      indegree.set(s.id, left);
      if (left === 0) queue.push(s.id);
    }
  }
  if (visited !== plan.steps.length) problems.push("the steps contain a cycle");
  return problems;
}

export function hashOfBody(plan: Plan): string {
  const { specHash: _, ...body } = plan;
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

/** Check and plan a spec file on disk, or its replacement text at the same path. */
export function planFile(specPath: string, text?: string): { plan: Plan; json: string; warnings: string[] } {
  const program = loadProgram(specPath, nodeHost, text === undefined ? {} : { text });
  const checked = checkProgram(program);
  if (checked.hasErrors) throw new Error(`${specPath} has errors: ${checked.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  const plan = buildPlan(checked.sem);
  return { plan, json: serializePlan(plan), warnings: checked.diagnostics.map((d) => `${d.code} ${d.message}`) };
}

/** Check and plan in-memory text; diagnostics of severity error are returned, not thrown. */
export function planText(text: string): { plan?: Plan; errors: string[] } {
  const checked = checkProgram(programFromText(text));
  const errors = checked.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
  if (errors.length > 0) return { errors };
  return { plan: buildPlan(checked.sem), errors };
}
