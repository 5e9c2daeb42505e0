// The race page: the server's events move the state (joining.js takes room views, the
// handlers below take ticks and standings); paint.js and frame.js draw it.
import { seatFields, syncIndent, wirePanel } from "./settings.js";
import { wireActions } from "./actions.js";
import { showResults } from "./aftermath.js";
import { byId } from "./dom.js";
import { drawGhosts } from "./ghost-race.js";
import { offerGhosts, wireGhostOffer } from "./room-ghosts.js";
import { frame } from "./frame.js";
import { restart, wireInstantKeys } from "./instant.js";
import { input, onRejoin, sender } from "./keys.js";
import { adopt, applyRoom, enter, leaveFor } from "./joining.js";
import { actWay, conn, s, track, view, way } from "./race-state.js";
import { seatMoved, wireSeat } from "./seat.js";
import { notify } from "./status.js";
import { reasonOf } from "./wayon.js";

const handlers = {
  room(room) {
    if (room.code === s.code) applyRoom(room);
  },
  tick(tick) {
    const room = s.room;
    if (!room || tick.code !== room.code || tick.round !== room.round || s.standings) return;
    // Opponents' carets and bars glide to each tick over one tick period (race.css).
    if (tick.every) document.documentElement.style.setProperty("--tick", `${tick.every}ms`);
    track.setTick(tick, s.roomCourse);
    const names = new Map(room.racers.map((r) => [r.id, r.name]));
    const others = tick.players.filter((p) => p.id !== s.me || s.role === "spectator");
    s.others = others.map((p) => ({
      id: p.id,
      pos: p.pos,
      name: names.get(p.id) || "",
      color: track.colorOf(p.id),
      done: p.done,
    }));
    drawGhosts();
  },
  standings(data) {
    if (!s.room || data.code !== s.room.code || data.round !== s.room.round) return;
    s.standings = data;
    if (data.abandoned) {
      // The server could not end this race normally: there is no result to show.
      sender.stop();
      byId("finish").hidden = true;
      notify(data.message || "This race was abandoned: no result is kept.", "error");
      return;
    }
    showResults(data.standings, data.details);
  },
  lonely(data) {
    if (data.code === s.code && s.role === "racer" && s.room?.phase === "lobby") offerGhosts();
  },
  kicked(data) {
    if (data.code === s.code) leaveFor("kicked");
  },
  seat_moved: seatMoved, // another tab of this browser took the seat (seat.js)
};

conn.addEventListener("event", (e) => handlers[e.detail.name]?.(e.detail.data));
conn.addEventListener("welcome", (e) => {
  s.me = e.detail.player_id;
});
conn.addEventListener("ready", () => enter());
conn.addEventListener("down", () => sender.hold());
conn.addEventListener("revoked", (e) => {
  sender.hold();
  notify(`${e.detail.message} Reloading as a guest…`, "error");
});
conn.addEventListener("refused", (e) => {
  // The connection tries again by itself after `retry_ms`; the panel counts it down.
  if (e.detail.code === "rate_limited") way.countdown(reasonOf(e.detail), e.detail.retry_ms);
  else if (e.detail.code === "busy") notify("The server is busy; trying again shortly…", "error");
  else notify("Could not connect; trying again…", "error");
});

onRejoin(enter, applyRoom);
conn.seating = seatFields; // every seating request says whether this player types indentation
wirePanel(() => {
  byId("set-indent-note").textContent = syncIndent(conn, s.room, s.me);
});
window.addEventListener("coderace:settings", () => view.relayout()); // the code's size changed
wireSeat({ adopt, stop: () => sender.stop() });
wireActions(conn, () => s.room, adopt, restart, actWay);
wireInstantKeys();
wireGhostOffer(adopt);
byId("code").addEventListener("focus", () => input.enabled && input.focus());
window.addEventListener("resize", () => view.relayout());
// Leaving or reloading mid-race: the keys of the last moment go out first.
window.addEventListener("pagehide", (e) => {
  if (!e.persisted) sender.flushAll(); // a page kept for Back goes on sending as it was
});

requestAnimationFrame(frame);
