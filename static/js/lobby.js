// The lobby: invite link, who is here, and the host's controls (snippet, limit, lock,
// public results, kick, start).
import { byId, el, fill } from "./dom.js";
import { languageName } from "./languages.js";
import { checkName, savedName } from "./identity.js";
import { PasteBox } from "./paste-box.js";
import { patient } from "./wayon.js";

//: The picker's entry for the host's pasted code, when it is what the room races.
const PASTED = "custom";

/** Say what a room races: "Short Go · Go · 3 lines", or "pasted code · Go · 3 lines". */
function describe(snippet) {
  const lines = snippet.text.split("\n").length;
  const what = snippet.id === PASTED ? "pasted code" : snippet.title;
  return `${what} · ${languageName(snippet.language)} · ${lines} lines`;
}

/** Fills the lobby panel from room views and sends the host's requests. */
export class Lobby {
  constructor(conn, options) {
    const { languages, customLanguages, difficulties, customMaxChars, lookalikes, notify, way } =
      options;
    this.conn = conn;
    this.notify = notify;
    this.way = way;
    this.room = null;
    this.snippets = null;
    this.liveShown = null; // the live snippet the picker was last set to
    this.paste = new PasteBox({ maxChars: customMaxChars, lookalikes });
    for (const lang of languages) byId("pick-language").append(el("option", { value: lang }, languageName(lang)));
    for (const lang of customLanguages)
      byId("custom-language").append(el("option", { value: lang }, languageName(lang)));
    for (const diff of difficulties)
      byId("pick-difficulty").append(el("option", { value: diff }, diff));
    byId("pick-language").addEventListener("change", () => this.#fillSnippets());
    byId("pick-difficulty").addEventListener("change", () => this.#fillSnippets());
    byId("copy-link").addEventListener("click", () => this.#copy());
    byId("name-input").value = savedName() || "";
    byId("name-form").addEventListener("submit", (e) => this.#rename(e));
    byId("pick-form").addEventListener("submit", (e) => this.#pick(e));
    byId("custom-form").addEventListener("submit", (e) => this.#custom(e));
    byId("limit-form").addEventListener("submit", (e) => this.#limit(e));
    byId("limit-auto").addEventListener("click", () => this.#autoLimit());
    byId("lock-box").addEventListener("change", (e) =>
      this.#ask("lock", { locked: e.target.checked }),
    );
    byId("public-box").addEventListener("change", (e) =>
      this.#ask("configure", { public_results: e.target.checked }),
    );
    byId("start-btn").addEventListener("click", () => this.#ask("start", {}));
  }

  /** Show the lobby for a room view; `me` is this player's id. */
  render(room, me) {
    this.room = room;
    const host = room.host === me;
    const isPrivate = room.kind === "private";
    const link = `${location.origin}/r/${room.code}`;
    byId("share").hidden = !isPrivate;
    // A locked room refuses newcomers, watchers too: it offers no link to be refused at.
    byId("share-links").hidden = room.locked;
    byId("locked-note").hidden = !room.locked;
    byId("share-link").value = link;
    byId("watch-link").href = `${link}?watch=1`;
    byId("name-input").placeholder = this.conn.player ? this.conn.player.name : "";
    this.#people(byId("racer-list"), room.racers, room, me);
    this.#people(byId("spectator-list"), room.spectators, room, me);
    const racing = room.racers.filter((r) => !r.left).length;
    byId("racer-count").textContent = `${racing} / ${room.max_racers}`;
    byId("spectator-count").textContent = `${room.spectators.length}`;
    const controls = byId("host-controls");
    controls.hidden = !(isPrivate && host && (room.phase === "lobby" || room.phase === "finished"));
    byId("start-btn").hidden = room.phase !== "lobby";
    byId("lock-box").checked = room.locked;
    byId("public-box").checked = room.public_results;
    const pasted = room.snippet.id === "custom";
    byId("public-note").textContent = room.public_results
      ? "Results of this room show on leaderboards and players' profiles" +
        (pasted ? ", with a link to each race: anyone can read the pasted code." : ".")
      : "Results of this room stay off leaderboards and others' views of profiles: " +
        "only people with a race's link can see it" +
        (pasted ? ", and the pasted code." : ".");
    const limit = byId("limit-input");
    if (document.activeElement !== limit) limit.value = String(Math.round(room.limit_ms / 1000));
    byId("limit-note").textContent = room.limit_auto
      ? "Follows the snippet's length."
      : "Set by you: it stays when the snippet changes.";
    byId("limit-auto").hidden = room.limit_auto;
    byId("live-snippet").textContent = `Racing now: ${describe(room.snippet)}`;
    if (!controls.hidden && this.snippets === null) this.#loadSnippets();
    else if (!controls.hidden) this.#showLive();
    byId("lobby-msg").textContent = this.#message(room, host);
  }

  #message(room, host) {
    const racers = room.racers.filter((r) => !r.left).length;
    if (room.kind === "quick") {
      return racers < 2
        ? "Waiting for another racer — the countdown starts when one joins."
        : "Racers are in: the countdown is on.";
    }
    if (room.kind === "practice") return "Solo practice.";
    if (room.phase === "finished")
      return host ? "Rematch starts the next round at once; Rematch in lobby waits for Start." : "";
    if (host)
      return room.locked
        ? "Pick a snippet, then start the race."
        : "Share the link, pick a snippet, then start the race.";
    const owner = room.racers.concat(room.spectators).find((p) => p.id === room.host);
    return `Waiting for ${owner ? owner.name : "the host"} to start the race.`;
  }

  #people(list, people, room, me) {
    const host = room.host === me && room.kind === "private";
    fill(
      list,
      people.length ? null : el("li", { class: "empty" }, "Nobody yet"),
      people.map((p) =>
        el(
          "li",
          { class: ["person", p.connected ? "" : "away", p.left ? "left" : ""].join(" ").trim() },
          el("span", { class: "dot", "aria-hidden": "true" }),
          el("span", { class: "person-name", dir: "auto", title: p.name }, p.name),
          p.id === room.host ? el("span", { class: "tag host-tag" }, "host") : null,
          p.id === me ? el("span", { class: "tag you-tag" }, "you") : null,
          !p.connected && !p.left ? el("span", { class: "tag" }, "away") : null,
          host && p.id !== me
            ? el(
                "button",
                {
                  type: "button",
                  class: "small danger",
                  "aria-label": `Kick ${p.name}`,
                  onclick: () => this.#ask("kick", { player_id: p.id }),
                },
                "Kick",
              )
            : null,
        ),
      ),
    );
  }

  async #ask(event, payload) {
    if (!this.room) return { ok: false };
    // A rate-limited host action waits its turn (a countdown) and goes again by itself.
    const answer = await patient(this.conn, event, { code: this.room.code, ...payload }, this.way);
    if (!answer.ok && answer.code !== "superseded")
      this.notify(answer.message || "That did not work.", "error");
    return answer;
  }

  async #copy() {
    const input = byId("share-link");
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    byId("copy-link").textContent = "Copied";
    setTimeout(() => {
      byId("copy-link").textContent = "Copy";
    }, 1500);
  }

  async #rename(event) {
    event.preventDefault();
    const msg = byId("name-msg");
    const raw = byId("name-input").value;
    const { error } = checkName(raw);
    if (error) {
      msg.textContent = error;
      return;
    }
    const answer = await this.conn.setName(raw);
    msg.textContent = answer.ok ? "Saved." : answer.message;
    if (answer.ok) byId("name-input").value = answer.name;
  }

  async #loadSnippets() {
    this.snippets = [];
    try {
      const response = await fetch("/api/snippets");
      this.snippets = await response.json();
    } catch {
      this.notify("Could not load the snippet list.", "error");
    }
    this.#showLive();
  }

  /** Set the picker to what the room races now (its snippet, or the pasted code), each
   * time that changes; in between, the host's own choices in it are left alone. */
  #showLive() {
    const current = this.room?.snippet;
    if (!current || this.snippets === null) return;
    const key = `${current.id}\n${current.language}\n${current.text}`;
    if (key === this.liveShown) return;
    this.liveShown = key;
    const language = byId("pick-language");
    const pasted = current.id === PASTED;
    language.value = [...language.options].some((o) => o.value === current.language)
      ? current.language
      : "";
    byId("pick-difficulty").value = "";
    this.#fillSnippets(pasted);
    const pick = byId("pick-snippet");
    if (pasted) pick.value = PASTED;
    else if ([...pick.options].some((o) => o.value === current.id)) pick.value = current.id;
    if (pasted) {
      // The paste box holds the code that is racing (after a reload too).
      byId("custom").open = true;
      if (!this.paste.code.trim()) {
        byId("custom-code").value = current.text;
        byId("custom-language").value = current.language;
        byId("custom-indent").value = current.indent;
        this.paste.update();
      }
    }
  }

  #fillSnippets(pasted = false) {
    const lang = byId("pick-language").value;
    const diff = byId("pick-difficulty").value;
    const matching = (this.snippets || []).filter(
      (s) => (!lang || s.language === lang) && (!diff || s.difficulty === diff),
    );
    fill(
      byId("pick-snippet"),
      pasted ? el("option", { value: PASTED }, "Pasted code (racing now)") : null,
      el("option", { value: "" }, matching.length ? "Random match" : "No snippet matches"),
      matching.map((s) =>
        el(
          "option",
          { value: s.id },
          `${s.title} · ${languageName(s.language)} · ${s.difficulty} · ${s.lines} lines`,
        ),
      ),
    );
  }

  async #pick(event) {
    event.preventDefault();
    const id = byId("pick-snippet").value;
    if (id === PASTED) {
      this.notify("The pasted code is racing now: pick a snippet to race instead.", "info");
      return;
    }
    const language = byId("pick-language").value;
    const difficulty = byId("pick-difficulty").value;
    const payload = {};
    if (id) payload.snippet_id = id;
    else if (language || difficulty) {
      if (language) payload.language = language;
      if (difficulty) payload.difficulty = difficulty;
    } else {
      const all = this.snippets || [];
      if (!all.length) return;
      payload.snippet_id = all[Math.floor(Math.random() * all.length)].id;
    }
    if ((await this.#ask("configure", payload)).ok) this.notify("Snippet changed.", "ok");
  }

  async #custom(event) {
    event.preventDefault();
    const code = this.paste.code;
    if (!code.trim()) {
      this.notify("Paste some code first.", "error");
      return;
    }
    const why = this.paste.problem(); // what the server would refuse it for, in its words
    if (why) {
      this.notify(`Cannot race this: ${why}.`, "error");
      return;
    }
    const custom = {
      code,
      language: byId("custom-language").value,
      indent: byId("custom-indent").value,
    };
    if ((await this.#ask("configure", { custom })).ok)
      this.notify("Your code is the snippet now.", "ok");
  }

  async #limit(event) {
    event.preventDefault();
    const value = Number(byId("limit-input").value);
    if (!Number.isInteger(value) || value < 15 || value > 600) {
      this.notify("The time limit is 15–600 seconds.", "error");
      return;
    }
    if ((await this.#ask("configure", { limit_s: value })).ok) this.notify("Time limit set.", "ok");
  }

  async #autoLimit() {
    if ((await this.#ask("configure", { auto_limit: true })).ok)
      this.notify("The time limit follows the snippet again.", "ok");
  }
}
