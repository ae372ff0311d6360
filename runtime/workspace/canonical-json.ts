/**
 * JSON with sorted object keys, so that equal values give equal bytes and so
 * equal artifact hashes. Refuses what plain JSON would silently mangle
 * (NaN → null, typed arrays → index-keyed objects, Maps → {}).
 */
import { WorkspaceError } from "./errors.js";

function fail(path: string, what: string, hint?: string): never {
  throw new WorkspaceError("INVALID_JSON", `cannot store ${what} at ${path} as JSON${hint ? `: ${hint}` : ""}`);
}

function encode(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      if (!Number.isFinite(value)) fail(path, `the non-finite number ${value}`);
      out.push(JSON.stringify(value));
      return;
    case "bigint":
      fail(path, "a bigint", "convert it to a number or a string");
    case "undefined":
    case "function":
    case "symbol":
      fail(path, `a value of type ${typeof value}`);
  }
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (ArrayBuffer.isView(object)) {
    fail(path, `a ${object.constructor.name}`, "convert it with Array.from, or store the raw bytes with put()");
  }
  if (object instanceof Map || object instanceof Set) fail(path, `a ${object.constructor.name}`);
  if (typeof object.toJSON === "function") {
    encode(object.toJSON(), path, out);
    return;
  }
  if (Array.isArray(object)) {
    out.push("[");
    object.forEach((item, i) => {
      if (i > 0) out.push(",");
      encode(item, `${path}[${i}]`, out);
    });
    out.push("]");
    return;
  }
  out.push("{");
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue; // as JSON.stringify does: an absent optional field
    if (!first) out.push(",");
    first = false;
    out.push(JSON.stringify(key), ":");
    encode(item, `${path}.${key}`, out);
  }
  out.push("}");
}

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  encode(value, "$", out);
  return out.join("");
}
