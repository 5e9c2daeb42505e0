// Drawing the room: header, lobby, track, finish line, actions. It reads the state and
// changes nothing but the page (and, once, asks for a stored race's charts).
import { showAbout } from "./about.js";
import { showActions } from "./actions.js";
import { showResults, storedDetails } from "./aftermath.js";
import { byId, el, fill, ordinal } from "./dom.js";
import { showEndButton } from "./end-button.js";
import { ghostFinishText, lanesOf, markGhostLane } from "./ghost-race.js";
import { lobby, s, track, view } from "./race-state.js";
import { markRoomGhostLanes, roomGhostLanes, syncRoomGhosts } from "./room-ghosts.js";
import { setHeader } from "./status.js";

//: A finished room opened late (a reload, a shared link) asks for its charts after this long,
//: unless the live standings arrive first.
const STORED_AFTER_MS = 800;

export function render() {
  const room = s.room;
  if (!room) return;
  const spectator = s.role === "spectator";
  setHeader(room, spectator);
  showAbout(room, s.firstKeyAt !== null);
  const hostView =
    room.kind === "private" &&
    (room.phase === "lobby" || (room.phase === "finished" && room.host === s.me));
  // A practice run waiting for its first key is no lobby: nobody else comes.
  const lobbyView = room.phase === "lobby" && room.kind !== "practice";
  byId("lobby").hidden = s.gone || !(lobbyView || hostView);
  if (!byId("lobby").hidden) lobby.render(room, s.me);
  syncRoomGhosts(room, render);
  const lanes = [...lanesOf(room), ...roomGhostLanes(room)];
  track.setRoom({ ...room, racers: lanes }, spectator ? null : s.me);
  markGhostLane();
  markRoomGhostLanes();
  view.setOwnCaret(!spectator);
  showFinish(room);
  if (room.phase !== "lobby" || room.racers.filter((r) => !r.left).length > 1)
    byId("lonely").hidden = true;
  if (room.phase === "finished" && !s.standings && room.standings) {
    setTimeout(async () => {
      if (s.standings || s.room !== room) return;
      showResults(room.standings, null); // the figures now, the charts once stored
      const details = await storedDetails(room);
      if (details && !s.standings && s.room === room) showResults(room.standings, details);
    }, STORED_AFTER_MS);
  }
  showActions(room, s.me, spectator);
  showEndButton(room);
}

/** Once this racer has a place: "You finished — 2nd place" (or against the ghost). */
function showFinish(room) {
  const seat = room.racers.find((r) => r.id === s.me);
  if (!seat || !seat.place || s.finishShown) return;
  s.finishShown = true;
  const finish = byId("finish");
  fill(
    finish,
    el("strong", {}, "You finished"),
    el("span", {}, s.ghost ? ghostFinishText() : ` — ${ordinal(seat.place)} place`),
  );
  finish.hidden = false;
}
