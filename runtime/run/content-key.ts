/** The step cache's keys: a content hash of everything a step's result depends on. */
import { createHash } from "node:crypto";

export function contentKey(...parts: unknown[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
}
