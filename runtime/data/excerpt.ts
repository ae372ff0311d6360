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
