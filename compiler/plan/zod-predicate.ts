/**
 * A zod schema as a plain predicate: does a value pass, without building the
 * parsed copy and the issue objects that safeParse builds. buildPlan checks
 * every plan; on a large spec safeParse's copy was a quarter of all the memory a
 * compile allocates. The predicate reads the schema's definition (zod 4's
 * `_zod.def`) once, for the kinds of schema the plan format uses, and refuses to
 * build for any other, so a schema change it does not know fails loudly in the
 * tests rather than being checked loosely. Where it answers false, the caller
 * asks safeParse for the issues; test/plan/zod-predicate.test.ts holds it to
 * safeParse's verdict on plans and on mutations of them.
 */
import type { z } from "zod";

type Predicate = (value: unknown) => boolean;

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
  minimum?: number;
  pattern?: RegExp;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** What zod takes for an object: anything but null and arrays. */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What zod takes for a record: an object of no class but Object (or none). */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A number or string check (`min`, `max`, `int`, `regex`), or an array's `min`. */
function checkOf(c: CheckDef): Predicate {
  switch (c.check) {
    case "greater_than": {
      const bound = c.value!;
      return c.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    }
    case "less_than": {
      const bound = c.value!;
      return c.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    }
    case "number_format":
      if (c.format === "safeint") return (v) => Number.isSafeInteger(v);
      break;
    case "string_format":
      if (c.format === "regex" && c.pattern && !c.pattern.global && !c.pattern.sticky) {
        const pattern = c.pattern;
        return (v) => pattern.test(v as string);
      }
      break;
    case "min_length": {
      const minimum = c.minimum!;
      return (v) => (v as unknown[]).length >= minimum;
    }
  }
  throw new Error(`zod-predicate: no predicate for the check ${JSON.stringify(c.check)}${c.format ? ` (${c.format})` : ""}`);
}

function withChecks(def: Def, base: Predicate): Predicate {
  const checks = (def.checks ?? []).map((c) => checkOf(c._zod.def));
  if (checks.length === 0) return base;
  return (v) => {
    if (!base(v)) return false;
    for (const c of checks) if (!c(v)) return false;
    return true;
  };
}

/** Literal values a discriminated union's option accepts for its discriminator. */
function discriminatorValues(option: unknown, key: string): unknown[] {
  const def = defOf((defOf(option).shape as Record<string, unknown>)[key]);
  if (def.type === "literal") return def.values as unknown[];
  if (def.type === "enum") return Object.values(def.entries as object);
  throw new Error(`zod-predicate: a discriminator of type ${def.type}`);
}

export function predicateOf(schema: z.ZodType): Predicate {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return withChecks(def, (v) => typeof v === "string");
    case "number":
      // zod 4's numbers are finite
      return withChecks(def, (v) => typeof v === "number" && Number.isFinite(v));
    case "boolean":
      return withChecks(def, (v) => typeof v === "boolean");
    case "literal": {
      const values = def.values as unknown[];
      return withChecks(def, (v) => values.includes(v));
    }
    case "enum": {
      const values = Object.values(def.entries as object) as unknown[];
      return withChecks(def, (v) => values.includes(v));
    }
    case "optional": {
      const inner = predicateOf(def.innerType as z.ZodType);
      return withChecks(def, (v) => v === undefined || inner(v));
    }
    case "custom": {
      const fn = def.fn as (v: unknown) => unknown;
      return withChecks(def, (v) => Boolean(fn(v)));
    }
    case "array": {
      const element = predicateOf(def.element as z.ZodType);
      return withChecks(def, (v) => {
        if (!Array.isArray(v)) return false;
        // an index loop, not every(): a hole is an undefined element, as in zod
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      });
    }
    case "record": {
      if (defOf(def.keyType).type !== "string" || defOf(def.keyType).checks?.length) throw new Error("zod-predicate: a record's keys must be plain strings");
      const value = predicateOf(def.valueType as z.ZodType);
      return withChecks(def, (v) => isPlainRecord(v) && Object.values(v).every((x) => value(x)));
    }
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).map(([key, s]) => ({ key, check: predicateOf(s) }));
      const catchall = def.catchall as z.ZodType | undefined;
      // strict: no other keys; a catchall: every other key's value passes it
      const strict = catchall !== undefined && defOf(catchall).type === "never";
      const rest = catchall === undefined || strict ? undefined : predicateOf(catchall);
      return withChecks(def, (v) => {
        if (!isObject(v)) return false;
        for (const f of fields) if (!f.check(v[f.key])) return false;
        if (strict || rest) {
          for (const key in v) {
            if (Object.prototype.hasOwnProperty.call(shape, key)) continue;
            if (strict || !rest!(v[key])) return false;
          }
        }
        return true;
      });
    }
    case "union": {
      const options = def.options as z.ZodType[];
      const discriminator = def.discriminator as string | undefined;
      if (discriminator === undefined) {
        const checks = options.map(predicateOf);
        return withChecks(def, (v) => checks.some((c) => c(v)));
      }
      const byValue = new Map<unknown, Predicate>();
      for (const o of options) {
        const check = predicateOf(o);
        for (const value of discriminatorValues(o, discriminator)) {
          if (byValue.has(value)) throw new Error(`zod-predicate: two options for ${discriminator} = ${String(value)}`);
          byValue.set(value, check);
        }
      }
      return withChecks(def, (v) => {
        if (!isObject(v)) return false;
        const check = byValue.get(v[discriminator]);
        return check !== undefined && check(v);
      });
    }
  }
  throw new Error(`zod-predicate: no predicate for zod type ${def.type}`);
}
