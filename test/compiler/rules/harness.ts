/**
 * Helpers for the one-file-per-rule tests: compile a spec from text and list its
 * diagnostics as `CODE line:column` (with the file name for imported files), so a
 * test states exactly which diagnostics a spec raises and where.
 */
import { checkProgram } from "../../../compiler/check/index.js";
import { programFromText } from "../../../compiler/check/program.js";
import type { Diagnostic } from "../../../compiler/diagnostics/diagnostic.js";

export function check(text: string, extraFiles: Record<string, string | Uint8Array> = {}): Diagnostic[] {
  return checkProgram(programFromText(text, "spec.mlspec", extraFiles)).diagnostics;
}

function where(d: Diagnostic): string {
  const p = d.source.position(d.span.start);
  return d.source.name === "spec.mlspec" ? `${p.line}:${p.column}` : `${d.source.name}:${p.line}:${p.column}`;
}

/** `["E0210 5:12"]`: every diagnostic of the spec, in order. */
export function diagnose(text: string, extraFiles: Record<string, string | Uint8Array> = {}): string[] {
  return check(text, extraFiles).map((d) => `${d.code} ${where(d)}`);
}

/** The one diagnostic a spec raises (the test fails when there are more or none). */
export function only(text: string, extraFiles: Record<string, string | Uint8Array> = {}): Diagnostic {
  const ds = check(text, extraFiles);
  if (ds.length !== 1) throw new Error(`expected one diagnostic, got ${ds.length}: ${ds.map((d) => `${d.code} ${where(d)} ${d.message}`).join("; ")}`);
  return ds[0]!;
}

/**
 * A dataset used by MODEL. Lines 1–13; text appended after it starts on line 14.
 */
export const DATA = `mlspec 1

dataset customers {
  source = csv("customers.csv")
  label  = churned
  contract {
    customer_id : string unique
    tenure      : int range 0..120
    monthly     : float
    plan        : enum("basic", "pro")
    churned     : bool
  }
}
`;

/** A model of DATA: lines 14–20 after DATA; what follows starts on line 21. */
export const MODEL = `
model churn {
  task    = binary_classification(target = churned)
  inputs  = columns(customers, except = [customer_id, churned])
  arch    = mlp(hidden = [16])
  metrics = [auc, accuracy]
}
`;

/** A serve block for MODEL: lines 21–24 after DATA + MODEL; what follows starts on line 25. */
export const SERVE = `
serve api {
  model = churn@champion
}
`;

/** DATA + MODEL + SERVE: a clean spec; text appended starts on line 25. */
export const SERVED = DATA + MODEL + SERVE;
