// The race track: one lane per racer with the server's progress and WPM from `tick`.
import { el, ordinal } from "./dom.js";

export const COLORS = [
  "#e8590c",
  "#1c7ed6",
  "#ae3ec9",
  "#2f9e44",
  "#d6336c",
  "#0c8599",
  "#7048e8",
  "#f08c00",
  "#5c940d",
  "#c2255c",
];

/** Lanes keyed by player id, in the room's racer order. */
export class Track {
  /** `youTag`: mark the viewer's own lane "you" (a replay follows someone, unmarked). */
  constructor(list, { youTag = true } = {}) {
    this.list = list;
    this.youTag = youTag;
    this.lanes = new Map();
    this.colors = new Map();
    this.me = null;
  }

  /** Return the color a racer is drawn in (carets and lanes agree). */
  colorOf(id) {
    if (id === this.me) return "var(--accent)";
    if (!this.colors.has(id)) this.colors.set(id, COLORS[this.colors.size % COLORS.length]);
    return this.colors.get(id);
  }

  /** Rebuild the lanes from a room view (names, connection, finish places). */
  setRoom(room, me) {
    this.me = me;
    const order = [];
    for (const racer of room.racers) {
      let lane = this.lanes.get(racer.id);
      if (!lane) {
        lane = this.#lane(racer.id);
        this.lanes.set(racer.id, lane);
      }
      lane.name.textContent = racer.name;
      lane.name.title = racer.name; // the whole name, where the lane cuts it
      lane.you.hidden = !this.youTag || racer.id !== me;
      lane.host.hidden = !(room.kind === "private" && racer.id === room.host);
      lane.root.classList.toggle("me", racer.id === me);
      lane.root.classList.toggle("away", !racer.connected && !racer.left);
      lane.root.classList.toggle("left", racer.left);
      lane.root.classList.toggle("finished", racer.finished);
      lane.status.textContent = racer.left
        ? "left"
        : !racer.connected
          ? "reconnecting…"
          : racer.place
            ? ordinal(racer.place)
            : "";
      lane.root.style.setProperty("--c", this.colorOf(racer.id));
      order.push(lane.root);
    }
    for (const [id, lane] of this.lanes) {
      if (!room.racers.some((r) => r.id === id)) this.lanes.delete(id);
      else if (!order.includes(lane.root)) order.push(lane.root);
    }
    this.list.replaceChildren(...order);
  }

  #lane(id) {
    const name = el("span", { class: "lane-name", dir: "auto" });
    const you = el("span", { class: "tag you-tag" }, "you");
    const host = el("span", { class: "tag host-tag", hidden: "" }, "host");
    const status = el("span", { class: "lane-status" });
    const fill = el("span", { class: "lane-fill" });
    const wpm = el("strong", {}, "0");
    const bar = el(
      "span",
      {
        class: "lane-bar",
        role: "progressbar",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": "0",
      },
      fill,
    );
    const root = el(
      "li",
      { class: "lane", dataset: { id } },
      el("span", { class: "lane-who" }, name, host, you, status),
      bar,
      el("span", { class: "lane-wpm" }, wpm, el("small", {}, " wpm")),
    );
    return { root, name, host, you, status, fill, bar, wpm };
  }

  /** Show a progress tick: each racer's server cursor (as a share of the snippet) and WPM. */
  setTick(tick, course) {
    for (const p of tick.players) {
      const lane = this.lanes.get(p.id);
      if (!lane) continue;
      const pct = p.done ? 100 : Math.round(course.progress(p.pos) * 1000) / 10;
      lane.fill.style.width = `${pct}%`;
      lane.bar.setAttribute("aria-valuenow", String(Math.round(pct)));
      lane.wpm.textContent = String(Math.round(p.wpm));
      lane.root.classList.toggle("done", p.done);
    }
  }

  /** Show the final standings in the lanes (the server's progress and net WPM). */
  setFinal(standings) {
    for (const row of standings) {
      const lane = this.lanes.get(row.player_id);
      if (!lane) continue;
      const pct = Math.round(row.progress * 1000) / 10;
      lane.fill.style.width = `${pct}%`;
      lane.bar.setAttribute("aria-valuenow", String(Math.round(pct)));
      lane.wpm.textContent = String(Math.round(row.net_wpm));
    }
  }

  /** Put every lane back at the start (a new round). */
  reset() {
    for (const lane of this.lanes.values()) {
      lane.fill.style.width = "0%";
      lane.bar.setAttribute("aria-valuenow", "0");
      lane.wpm.textContent = "0";
      lane.root.classList.remove("done");
    }
  }
}
