// What a keyboard can type, in the server's words (race.core.snippet: is_typeable,
// untypeable, untypeable_message and custom_snippet's limit): pure, no page needed, so
// tests/browser/test_typeable_mirror.py checks it against the server's rules.

//: A message names at most this many distinct characters (MAX_NAMED_CHARS on the server).
const MAX_NAMED = 5;
export const count = (n) => n.toLocaleString("en-US");

/** Tell whether a keyboard types this character: printable ASCII, newline or tab. */
export function isTypeable(ch) {
  return ch === "\n" || ch === "\t" || (ch >= " " && ch <= "~");
}

/** Return the distinct characters a keyboard cannot type, in order of first appearance,
 * once the look-alikes the server maps (no-break spaces, curly quotes...) are mapped. */
export function untypeable(code, lookalikes = {}) {
  const seen = new Set();
  for (const ch of code) {
    const typed = ch in lookalikes ? lookalikes[ch] : ch;
    if (typed && !isTypeable(typed)) seen.add(typed);
  }
  return [...seen];
}

function nameOf(ch) {
  const point = `U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `${ch} (${point})` : point;
}

/** Say which characters cannot be typed, as the server says it. */
export function untypeableMessage(chars) {
  const named = chars.slice(0, MAX_NAMED).map(nameOf);
  const more = chars.length - named.length;
  return `${named.join(", ")}${more ? ` and ${more} more` : ""} cannot be typed on a keyboard`;
}

/** Tell whether the server refuses a character outright as a control character. */
function isControl(ch) {
  const c = ch.codePointAt(0);
  if (ch === "\n" || ch === "\t") return false;
  return c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || "\u2028\u2029\ufeff".includes(ch);
}

/** Return why the server would refuse this code (null if it would take it); its check
 * of the code with tabs expanded to spaces is left to the server. */
export function problem(code, maxChars, lookalikes) {
  const length = [...code].length; // characters, as the server counts them
  if (length > maxChars)
    return `the code is ${count(length)} characters; the limit is ${count(maxChars)}`;
  code = code.replace(/\r\n?/g, "\n"); // (a textarea holds none; pasted files may)
  const control = [...code].find(isControl);
  if (control !== undefined) {
    const point = control.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
    return `control character U+${point} is not allowed in code`;
  }
  const bad = untypeable(code, lookalikes);
  return bad.length ? untypeableMessage(bad) : null;
}
