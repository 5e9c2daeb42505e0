// Who is online now: racers waiting and racing per language, as the server counts them
// (GET /api/presence). The landing and the quick-race lobby show it; nothing is summed here.
import { el, fill } from "./dom.js";
import { languageName } from "./languages.js";

//: How often a page asks again (the server answers from a count at most 2 s old).
export const PRESENCE_EVERY_MS = 5000;

/** Fetch the counts; null when the server cannot say just now. */
export async function loadPresence() {
  try {
    const res = await fetch("/api/presence", { cache: "no-store" });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** One line for a lobby key ("any" or a language): who races it and who waits in it. */
export function presenceLine(counts, key) {
  const racing = key === "any" ? counts.total.racing : counts.racing[key] || 0;
  const waiting = counts.waiting[key] || 0;
  const where = key === "any" ? "in all languages" : `in ${languageName(key)}`;
  return `${plural(racing, "racer", "racers")} racing and ${waiting} waiting ${where} now`;
}

/** The per-language list: every language with anyone waiting or racing. */
export function presenceItems(counts) {
  const keys = new Set([...Object.keys(counts.racing), ...Object.keys(counts.waiting)]);
  return [...keys].sort().map((key) =>
    el(
      "li",
      { dataset: { language: key } },
      el("strong", {}, key === "any" ? "Any language" : languageName(key)),
      ` ${counts.racing[key] || 0} racing · ${counts.waiting[key] || 0} waiting`,
    ),
  );
}

/**
 * Keep `line` (and the optional `list`) showing the counts for the key `keyOf()` returns,
 * asking every PRESENCE_EVERY_MS while `active()` says so; returns a function that asks now.
 */
export function watchPresence(line, list, keyOf, active = () => true) {
  let counts = null;
  const show = () => {
    line.hidden = !counts;
    if (!counts) return;
    line.textContent = presenceLine(counts, keyOf());
    if (list) fill(list, ...presenceItems(counts));
  };
  const ask = async () => {
    if (!active() || document.hidden) return;
    counts = await loadPresence();
    show();
  };
  setInterval(ask, PRESENCE_EVERY_MS);
  ask();
  return { refresh: ask, show };
}
