/**
 * `mlspec models history NAME`: every move of a model's aliases (when, from and to which
 * version, who moved it), and with `--at TIME` what each alias pointed at then.
 */
import type { AliasEvent } from "../../runtime/workspace/registry.js";
import { CliError } from "../cli-error.js";

/** ISO 8601 date or date-time (a date alone is its midnight UTC) → ms since the epoch. */
export function parseTime(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (!Number.isFinite(ms)) throw new CliError(`--at \`${text}\` is not an ISO 8601 time (e.g. 2024-07-01 or 2024-07-01T12:00:00Z)`);
  return ms;
}

export interface AliasAt {
  alias: string;
  version: number;
  since: string;
  movedBy: string | null;
}

/** What each alias pointed at, at `time`: the last move at or before it (a removed alias is left out). */
export function aliasesAt(events: readonly AliasEvent[], time: number): AliasAt[] {
  const state = new Map<string, AliasAt | null>();
  for (const e of events) {
    if (Date.parse(e.at) > time) continue;
    state.set(e.alias, e.toVersion === null ? null : { alias: e.alias, version: e.toVersion, since: e.at, movedBy: e.movedBy });
  }
  return [...state.values()].filter((a): a is AliasAt => a !== null).sort((a, b) => (a.alias < b.alias ? -1 : 1));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

const v = (version: number | null) => (version === null ? "-" : `v${version}`);

export function historyText(name: string, events: readonly AliasEvent[]): string {
  if (events.length === 0) return `${name}: no alias has been set\n`;
  return table(
    ["time", "alias", "from", "to", "moved by"],
    events.map((e) => [e.at, e.alias, v(e.fromVersion), e.toVersion === null ? "(removed)" : v(e.toVersion), e.movedBy ?? "(not recorded)"]),
  );
}

export function aliasesAtText(name: string, at: string, aliases: readonly AliasAt[]): string {
  if (aliases.length === 0) return `${name} at ${at}: no alias pointed at any version\n`;
  return `${name} at ${at}:\n` + table(["alias", "version", "since", "moved by"], aliases.map((a) => [a.alias, v(a.version), a.since, a.movedBy ?? "(not recorded)"]));
}
