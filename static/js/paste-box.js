// The host's paste box: a live count against the one custom-code limit, and the check
// the server makes before it takes pasted code (race.core.snippet.custom_snippet), in the
// same words, so the host hears of a problem before sending.
import { byId } from "./dom.js";

//: A message names at most this many distinct characters (MAX_NAMED_CHARS on the server).
const MAX_NAMED = 5;
const count = (n) => n.toLocaleString("en-US");

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

/** Return why the server would refuse this code (null if it would take it). */
export function problem(code, maxChars, lookalikes) {
  const length = [...code].length; // characters, as the server counts them
  if (length > maxChars)
    return `the code is ${count(length)} characters; the limit is ${count(maxChars)}`;
  const bad = untypeable(code, lookalikes);
  return bad.length ? untypeableMessage(bad) : null;
}

/** Keep the paste box's counter and its warning line up to date as the host types. */
export class PasteBox {
  constructor({ maxChars, lookalikes }) {
    this.maxChars = maxChars;
    this.lookalikes = lookalikes || {};
    this.box = byId("custom-code");
    this.box.addEventListener("input", () => this.update());
    this.update();
  }

  /** The code in the box. */
  get code() {
    return this.box.value;
  }

  /** Return why the server would refuse the code in the box (null if it would take it). */
  problem() {
    return problem(this.code, this.maxChars, this.lookalikes);
  }

  update() {
    const length = [...this.code].length;
    const over = length - this.maxChars;
    const counter = byId("custom-count");
    counter.textContent =
      `${count(length)} / ${count(this.maxChars)} characters` +
      (over > 0 ? ` — ${count(over)} over the limit` : "");
    counter.classList.toggle("over", over > 0);
    const why = this.problem();
    const warning = byId("custom-problem");
    warning.textContent = why ? `Cannot race this: ${why}.` : "";
    warning.hidden = !why;
    this.box.setAttribute("aria-invalid", why ? "true" : "false");
  }
}
