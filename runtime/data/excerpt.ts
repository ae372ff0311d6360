/**
 * Bounded views of user data for what mlspec prints and records. A message or console note
 * shows at most an `excerpt` (EXCERPT_LIMIT characters, control characters escaped, "…" where
 * cut); the quarantine file keeps raw text `clip`ped to a limit of its own.
 */

/** Characters of user data a message shows. */
export const EXCERPT_LIMIT = 80;

/** `text` cut to `limit` characters ("…" appended where cut), never splitting a surrogate pair. */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** `text` as a message may show it: control characters escaped (\n, \t, \u0000), at most `limit` characters. */
export function excerpt(text: string, limit = EXCERPT_LIMIT): string {
  // Escaping only lengthens text, so limit + 1 characters of it are enough to know where to cut.
  const head = text.length > limit + 1 ? text.slice(0, limit + 1) : text;
  const escaped = head.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return clip(escaped, limit);
}

/** Characters of a raw value the quarantine file keeps. */
export const QUARANTINE_TEXT_LIMIT = 1000;

/** SQL for clip(expr, limit) over a VARCHAR expression (NULL stays NULL). */
export function clipSql(expr: string, limit: number): string {
  return `CASE WHEN length(${expr}) > ${limit} THEN left(${expr}, ${limit}) || '…' ELSE ${expr} END`;
}

/** SQL for a value as a reason shows it: JSON text (control characters escaped) of its first EXCERPT_LIMIT characters. */
export function excerptJsonSql(expr: string): string {
  return `CASE WHEN length(${expr}) > ${EXCERPT_LIMIT} THEN to_json(left(${expr}, ${EXCERPT_LIMIT}))::VARCHAR || '…' ELSE to_json(${expr})::VARCHAR END`;
}
