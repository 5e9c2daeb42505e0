// Ghosts in a quick race: the stored runs the server put in the round (room.ghosts, at
// most 3), each replayed from the server's frames (/api/races/<id>/trace) by the synced
// clock, as lanes and carets clearly marked as ghosts. They are never seats: places and
// standings come from the server and count the humans only. Also the offer itself: a
// lone quick racer is asked by the server (`lonely`) and accepts with `race_ghosts`.
import { byId, duration, el, fill } from "./dom.js";
import { watchPresence } from "./presence.js";
import { conn, s, track } from "./race-state.js";
import { notify } from "./status.js";
import { Run, loadTrace } from "./trace.js";

//: The ghosts of one round: {key: "code:round", runs: Map(id -> {ghost, run}), at: Map}.
let round = { key: null, runs: new Map(), at: new Map() };

const keyOf = (room) => `${room.code}:${room.round}`;

//: The quick-race lobby's line of who is online (asked at once when a lobby is first shown).
let lobbyPresence = null;
let presenceAsked = false;
const inLobby = () => s.room?.kind === "quick" && ["lobby", "countdown"].includes(s.room.phase);

/** Start loading a room view's ghosts (once per round); `redraw` draws the room again once
 * they are in. A run that cannot be loaded is left out and said so. */
export function syncRoomGhosts(room, redraw) {
  const ghosts = room.ghosts || [];
  if (round.key !== keyOf(room)) byId("room-ghosts-result").hidden = true;
  if (!presenceAsked && lobbyPresence && inLobby()) {
    presenceAsked = true;
    lobbyPresence.refresh();
  }
  if (!ghosts.length) {
    if (round.key !== null) round = { key: null, runs: new Map(), at: new Map() };
    return;
  }
  if (round.key === keyOf(room)) return;
  const mine = { key: keyOf(room), runs: new Map(), at: new Map() };
  round = mine;
  Promise.all(
    ghosts.map(async (ghost) => {
      try {
        const trace = await loadTrace(ghost.race_id, ghost.player_id);
        mine.runs.set(ghost.id, { ghost, run: new Run(trace.players[0]) });
      } catch (error) {
        notify(`A ghost could not be loaded (${error.message}).`, "error");
      }
    }),
  ).then(() => round === mine && redraw());
}

/** The loaded ghosts of this round as lanes of the track (after the room's racers). */
export function roomGhostLanes(room) {
  if (round.key !== keyOf(room)) return [];
  return [...round.runs.values()].map(({ ghost }) => ({
    id: ghost.id,
    name: ghost.name,
    connected: true,
    left: false,
    finished: !!round.at.get(ghost.id)?.done,
    place: null,
  }));
}

/** Mark the ghosts' lanes as ghosts': fainter, and "not ranked" in place of a place. */
export function markRoomGhostLanes() {
  for (const id of round.runs.keys()) {
    const lane = track.lanes.get(id);
    if (!lane) continue;
    lane.root.classList.add("ghost-lane");
    lane.status.textContent = "not ranked";
  }
}

/** The ghosts' carets in the code, beside the other racers'. */
export function roomGhostCarets() {
  return [...round.runs.entries()].map(([id, { ghost }]) => ({
    id,
    name: ghost.name,
    color: track.colorOf(id),
    ...(round.at.get(id) || { pos: 0, done: false }),
  }));
}

/** Move each ghost to where its run was at this moment of the race (by the server's
 * clock); `redraw` draws the room again when one finishes, `draw` the carets. */
export function moveRoomGhosts(redraw, draw) {
  const room = s.room;
  if (!round.runs.size || !room?.starts_at || s.standings) return;
  const t = conn.serverNow() - room.starts_at;
  let moved = false;
  let finished = false;
  for (const [id, { run }] of round.runs) {
    const at = run.at(Math.max(t, 0));
    const was = round.at.get(id);
    if (was && was.pos === at.pos && was.done === at.done && was.wpm === at.wpm) continue;
    finished ||= !!was && !was.done && at.done;
    round.at.set(id, at);
    track.setTick({ players: [{ id, ...at }] }, s.course);
    moved = true;
  }
  if (finished) redraw();
  if (moved) draw();
}

/** Wire the lonely prompt's "Race ghosts now" and the lobby's line of who is online;
 * `adopt(room, you)` takes the server's answer. */
export function wireGhostOffer(adopt) {
  const button = byId("race-ghosts");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const answer = await conn.request("race_ghosts", { code: s.room.code });
    button.disabled = false;
    if (answer.ok) {
      byId("lonely").hidden = true;
      adopt(answer.room, answer.you);
      return;
    }
    const none = answer.code === "no_ghosts";
    button.hidden = none;
    byId("lonely-msg").textContent = none
      ? "Nobody has raced this snippet recently, so there are no ghosts yet: " +
        "keep waiting or practise solo."
      : answer.message || "The ghosts could not be raced.";
  });
  const lobbyKey = () => s.room?.lobby || "any";
  lobbyPresence = watchPresence(byId("lobby-presence"), null, lobbyKey, inLobby);
}


/** The prompt for a lone quick racer, as the server sent it. */
export function offerGhosts() {
  byId("race-ghosts").hidden = false;
  byId("lonely-msg").textContent = "";
  byId("lonely").hidden = false;
}

/** Under the results: the ghosts of this race with their stored figures, not ranked. */
export function showRoomGhostsResult() {
  const box = byId("room-ghosts-result");
  const runs = [...round.runs.values()];
  box.hidden = !runs.length || round.key !== (s.room && keyOf(s.room));
  if (box.hidden) return;
  fill(
    box,
    el("strong", {}, "Ghosts (not in the standings): "),
    ...runs.flatMap(({ ghost }, i) => [
      i ? ", " : "",
      el("a", { href: `/races/${encodeURIComponent(ghost.race_id)}`, dir: "auto" }, ghost.name),
      ` ${ghost.net_wpm.toFixed(1)} WPM in ${duration(ghost.duration_ms)}`,
    ]),
  );
}
