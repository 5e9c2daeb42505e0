// The error analysis of a stored race, as the server computed it: a token-class table
// ("you are 38 % slower on brackets than on identifiers"), the slowest keys and pairs, and
// the code with the player's mistakes marked where they happened.
import { el, fill } from "./dom.js";

const NAMES = {
  keyword: "keywords",
  identifier: "identifiers",
  string: "strings",
  number: "numbers",
  operator: "operators",
  punctuation: "brackets & punctuation",
  comment: "comments",
  whitespace: "spaces",
  newline: "line breaks",
  other: "other",
};
const SHOWN = { " ": "space", "\n": "Enter", "\t": "Tab", "": "end" };
//: Stored races held while their results are on screen (the page shows one at a time).
let stored = null;

const shown = (ch) => SHOWN[ch] ?? ch;
const ms = (value) => (value === null ? "—" : `${Math.round(value)} ms`);
const percent = (share) => `${(share * 100).toFixed(1)} %`;

/** Fetch a stored race (with its analysis) from the results API; null if it is not there. */
export async function loadAnalysis(raceId) {
  try {
    const res = await fetch(`/api/races/${encodeURIComponent(raceId)}`);
    return res.ok ? await res.json() : null;
  } catch {
    return null; /* offline: the results stay without their analysis */
  }
}

/** Keep a loaded race as the one whose analysis the results show (until cleared). */
export function holdAnalysis(race) {
  stored = race;
}

/** Forget the stored race and hide its analysis (a new round is starting). */
export function clearAnalysis(box) {
  stored = null;
  box.hidden = true;
  fill(box);
}

/** Show one player's analysis of the loaded race in `box` (hidden if there is none);
 * it speaks to the player as "you" when they are `me`. */
export function showAnalysis(box, playerId, me = null, race = stored) {
  const standing = race?.standings.find((s) => s.player_id === playerId);
  const analysis = standing?.analysis;
  box.hidden = !analysis;
  if (!analysis) {
    fill(box);
    return;
  }
  fill(
    box,
    el("h3", {}, "By token"),
    verdict(analysis, playerId === me ? "You are" : `${standing.name} is`),
    classTable(analysis),
    slowest(analysis),
    el("h3", {}, "Mistakes, where they happened"),
    mistakesView(race.snippet.text, analysis),
  );
}

function verdict(analysis, subject) {
  const slow = analysis.slowest;
  if (!analysis.baseline)
    return el("p", { class: "meta" }, "Too few characters to compare token classes.");
  const base = NAMES[analysis.baseline];
  if (!slow) return el("p", { class: "analysis-verdict" }, `No token is slower than ${base}.`);
  return el(
    "p",
    { class: "analysis-verdict" },
    `${subject} ${slow.percent} % slower on `,
    el("strong", {}, NAMES[slow.class]),
    ` than on ${base}.`,
  );
}

function classTable(analysis) {
  const base = NAMES[analysis.baseline] ?? "baseline";
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "token-table" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          ["Token", "Typed", "Time per char", `vs ${base}`, "Mistakes", "Error rate"].map((h, i) =>
            el("th", { scope: "col", class: i ? "num" : null }, h),
          ),
        ),
      ),
      el(
        "tbody",
        {},
        analysis.classes.map((row) =>
          el(
            "tr",
            { dataset: { class: row.class }, class: row.errors ? "has-errors" : null },
            el("td", {}, el("span", { class: `tok tok-${row.class}` }, NAMES[row.class])),
            el("td", { class: "num" }, String(row.chars)),
            el("td", { class: "num" }, ms(row.ms_per_char)),
            el(
              "td",
              { class: "num" },
              row.vs_baseline === null
                ? "—"
                : `${row.vs_baseline > 0 ? "+" : ""}${row.vs_baseline} %`,
            ),
            el("td", { class: "num" }, String(row.errors)),
            el("td", { class: "num" }, percent(row.error_rate)),
          ),
        ),
      ),
    ),
  );
}

function slowest(analysis) {
  const item = (label, row) =>
    el("li", {}, label, el("span", { class: "times" }, ms(row.ms_per_char)));
  return el(
    "div",
    { class: "analysis-slowest" },
    el(
      "div",
      {},
      el("h4", {}, "Slowest keys"),
      el(
        "ol",
        { class: "missed" },
        analysis.keys.length
          ? analysis.keys.slice(0, 6).map((k) => item(el("kbd", {}, shown(k.key)), k))
          : el("li", { class: "empty" }, "—"),
      ),
    ),
    el(
      "div",
      {},
      el("h4", {}, "Slowest pairs"),
      el(
        "ol",
        { class: "missed" },
        analysis.bigrams.length
          ? analysis.bigrams
              .slice(0, 6)
              .map((b) => item(el("span", {}, [...b.pair].map((c) => el("kbd", {}, shown(c)))), b))
          : el("li", { class: "empty" }, "—"),
      ),
    ),
  );
}

/** The code as text nodes, each mistaken character in a <mark> saying what was typed. */
function mistakesView(text, analysis) {
  const at = new Map();
  for (const [pos, typed] of analysis.mistakes) {
    if (!at.has(pos)) at.set(pos, []);
    at.get(pos).push(typed);
  }
  const parts = [];
  let from = 0;
  for (const pos of [...at.keys()].sort((a, b) => a - b)) {
    if (pos >= text.length) continue;
    parts.push(text.slice(from, pos));
    const typed = at.get(pos);
    const ch = text[pos];
    parts.push(
      el(
        "mark",
        {
          class: "mistake",
          dataset: { pos: String(pos), typed: typed.join("") },
          title: `typed ${typed.map((t) => `“${shown(t)}”`).join(", ")} for “${shown(ch)}”`,
        },
        ch === "\n" ? "↵" : ch,
      ),
    );
    parts.push(ch === "\n" ? "\n" : "");
    from = pos + 1;
  }
  parts.push(text.slice(from));
  const count = analysis.mistake_count;
  return el(
    "div",
    {},
    el(
      "p",
      { class: "meta" },
      count
        ? `${count} mistake${count === 1 ? "" : "s"}; a marked character says what was typed.`
        : "No mistakes: a clean run.",
    ),
    el(
      "pre",
      { class: "mistakes-code", "aria-label": "The code with the mistakes marked" },
      el("code", {}, parts),
    ),
  );
}
