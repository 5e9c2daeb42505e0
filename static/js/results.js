// Results: your figures, the WPM chart, the characters missed most, flags, and the standings.
import { WpmChart } from "./chart.js";
import { showAnalysis } from "./analysis.js";
import { byId, duration, el, fill, ordinal } from "./dom.js";

const SHOWN = { " ": "space", "\n": "Enter", "\t": "Tab", "": "end" };

/** Renders the server's standings (and details, when the `standings` event brought them). */
export class Results {
  constructor() {
    this.chart = new WpmChart(byId("chart"));
    this.data = null;
  }

  /** Show standings; `details` may be null (a page opened after the race ended). */
  show(standings, details, me) {
    this.data = { standings, details: details || {}, me };
    const mine = standings.find((s) => s.player_id === me);
    this.#table(standings, me);
    this.select((mine || standings[0] || {}).player_id);
  }

  /** Show one racer's figures, chart, missed characters and flags. */
  select(pid) {
    const { standings, details, me } = this.data;
    const row = standings.find((s) => s.player_id === pid);
    if (!row) {
      fill(byId("stats"));
      return;
    }
    const detail = details[pid];
    this.selected = pid;
    showAnalysis(byId("analysis"), pid, me);
    byId("result-who").textContent = pid === me ? "Your race" : `${row.name}'s race`;
    for (const tr of byId("standings-body").children) {
      tr.classList.toggle("selected", tr.dataset.id === pid);
    }
    const stat = (label, value, unit = "") =>
      el(
        "div",
        { class: "stat" },
        el("dt", {}, label),
        el("dd", {}, value, unit ? el("small", {}, unit) : null),
      );
    fill(
      byId("stats"),
      stat("net", row.net_wpm.toFixed(1), " wpm"),
      stat("raw", row.raw_wpm.toFixed(1), " wpm"),
      stat("accuracy", row.accuracy.toFixed(1), "%"),
      stat("consistency", row.consistency.toFixed(1), "%"),
      stat(
        row.completed ? "time" : "progress",
        row.completed ? duration(row.duration_ms) : `${Math.round(row.progress * 100)}%`,
      ),
      stat("place", ordinal(row.place)),
    );
    if (detail && detail.series.length) this.chart.draw(detail.series);
    else {
      this.chart.draw([]);
      byId("chart").append(
        el(
          "p",
          { class: "meta empty" },
          detail ? "No keys typed." : "The per-second chart was sent when the race ended.",
        ),
      );
    }
    const missed = detail ? detail.missed : [];
    fill(
      byId("missed"),
      missed.length
        ? missed
            .slice(0, 8)
            .map(([ch, count]) =>
              el(
                "li",
                {},
                el("kbd", {}, SHOWN[ch] ?? ch),
                el("span", { class: "times" }, `×${count}`),
              ),
            )
        : el("li", { class: "empty" }, detail ? "Nothing — a clean run." : "—"),
    );
    const reasons = detail ? detail.reasons : row.reasons.map((code) => ({ code, message: code }));
    byId("flags-box").hidden = !reasons.length;
    fill(
      byId("flags"),
      reasons.map((r) =>
        el("li", {}, el("code", {}, r.code), " ", r.message === r.code ? "" : r.message),
      ),
    );
  }

  #table(standings, me) {
    fill(
      byId("standings-body"),
      standings.map((s) =>
        el(
          "tr",
          {
            class: [s.player_id === me ? "me" : "", s.flagged ? "flagged" : ""].join(" ").trim(),
            dataset: { id: s.player_id },
          },
          el("td", { class: "place" }, String(s.place)),
          el(
            "td",
            {},
            el(
              "span",
              { class: "who" },
              el(
                "button",
                {
                  type: "button",
                  class: "linkish",
                  dir: "auto",
                  onclick: () => this.select(s.player_id),
                },
                s.name,
              ),
              s.player_id === me ? el("span", { class: "tag you-tag" }, "you") : null,
              s.flagged
                ? el("span", { class: "tag flag-tag", title: s.reasons.join(", ") }, "flagged")
                : null,
            ),
          ),
          el("td", { class: "num" }, s.net_wpm.toFixed(1)),
          el("td", { class: "num" }, s.raw_wpm.toFixed(1)),
          el("td", { class: "num" }, `${s.accuracy.toFixed(1)}%`),
          el("td", { class: "num opt" }, `${s.consistency.toFixed(1)}%`),
          el(
            "td",
            { class: "num" },
            s.completed ? duration(s.duration_ms) : `DNF · ${Math.round(s.progress * 100)}%`,
          ),
        ),
      ),
    );
  }
}
