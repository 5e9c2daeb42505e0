// A ghost race in practice: a stored run replayed next to the racer, by the server's clock.
import { duration, el, fill, byId } from "./dom.js";
import { GHOST_ID, Ghost } from "./ghost.js";
import { conn, page, s, track, view } from "./race-state.js";
import { roomGhostCarets } from "./room-ghosts.js";
import { notify } from "./status.js";

/** Load the ghost the page names, once; say why when there is none. */
export async function loadGhost() {
  if (!page.ghost || s.ghostAsked) return;
  s.ghostAsked = true;
  try {
    s.ghost = await Ghost.load(page.ghost);
  } catch (error) {
    notify(`No ghost to race: ${error.message}. Practising on your own.`, "error");
  }
}

/** Milliseconds since the race started, by the server's clock (negative before). */
export function ghostT() {
  return s.room?.starts_at ? conn.serverNow() - s.room.starts_at : 0;
}

/** The room's racers as the track shows them: with the ghost's lane in a ghost race. */
export function lanesOf(room) {
  return s.ghost ? [...room.racers, s.ghost.racer(ghostT())] : room.racers;
}

/** Mark the ghost's lane as a ghost's. */
export function markGhostLane() {
  track.lanes.get(GHOST_ID)?.root.classList.add("ghost-lane");
}

/** Draw the other racers' carets and, in a ghost race, the ghost's. */
export function drawGhosts() {
  const list = [...s.others, ...roomGhostCarets()];
  if (s.ghost && s.ghostAt)
    list.push({ ...s.ghostAt, name: s.ghost.name, color: track.colorOf(GHOST_ID) });
  view.setGhosts(list);
}

/** Drop the ghost when the room is no practice of its snippet, and say why. */
export function dropUnfitGhost(room, newSnippet) {
  if (!s.ghost) return;
  const unfit = room.kind !== "practice" || (newSnippet && !s.ghost.fits(room.snippet));
  if (!unfit) return;
  const why = room.kind !== "practice" ? "A ghost races in practice only" : "Not its snippet";
  notify(`${why}: racing without the ghost.`, "info");
  s.ghost = null;
  drawGhosts();
}

/** Move the ghost to where its run was at this moment of the race; ``redraw`` draws the
 * room again when its lane changes (it has just finished). */
export function moveGhost(redraw) {
  const room = s.room;
  if (!s.ghost || !room || !room.starts_at) return; // it runs on to its end after yours
  const at = s.ghost.at(ghostT());
  const was = s.ghostAt;
  if (was && was.pos === at.pos && was.done === at.done && was.wpm === at.wpm) return;
  s.ghostAt = at;
  if (!was || was.done !== at.done) redraw();
  track.setTick({ players: [at] }, s.roomCourse);
  drawGhosts();
}

/** The finish line's words in a ghost race: before or after the ghost. */
export function ghostFinishText() {
  return ` — ${s.ghostAt?.done ? "after" : "ahead of"} the ghost`;
}

/** Tell whether this racer finished before the ghost did (both times the server's). */
function beatGhost(mine) {
  return !!mine?.completed && mine.duration_ms < s.ghost.run.lastMs;
}

/** Under the results: who won, and the ghost's own figures as the server stored them. */
export function showGhostResult(mine) {
  const box = byId("ghost-result");
  box.hidden = !s.ghost || s.role !== "racer";
  if (box.hidden) return;
  const run = s.ghost.run;
  fill(
    box,
    el("strong", {}, beatGhost(mine) ? "You beat the ghost. " : "The ghost won. "),
    "Ghost: ",
    el("a", { href: `/races/${encodeURIComponent(s.ghost.raceId)}`, dir: "auto" }, run.name),
    ` — ${run.netWpm.toFixed(1)} WPM in ${duration(run.durationMs)}`,
  );
}
