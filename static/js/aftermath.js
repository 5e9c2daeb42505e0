// After a round: the results with their charts, and the stored race's replay and ghost links.
import { clearAnalysis, holdAnalysis, loadAnalysis, showAnalysis } from "./analysis.js";
import { byId, reducedMotion } from "./dom.js";
import { drawGhosts, showGhostResult } from "./ghost-race.js";
import { sender } from "./keys.js";
import { isCurrent, results, s, track } from "./race-state.js";
import { showRoomGhostsResult } from "./room-ghosts.js";
import { whenStored } from "./stored.js";

/** Fetch a finished round's per-racer series, missed keys and flags from the results API,
 * once it is stored (null if it is not in time). */
export async function storedDetails(room) {
  if (!(await whenStored(room.race_id, () => isCurrent(room)))) return null;
  try {
    const res = await fetch(`/api/races/${encodeURIComponent(room.race_id)}`);
    if (!res.ok) return null;
    const race = await res.json();
    const details = {};
    for (const st of race.standings) {
      details[st.player_id] = {
        series: st.series || [],
        missed: st.missed || [],
        reasons: (st.reasons || []).map((code) => ({ code, message: code })),
      };
    }
    return details;
  } catch {
    return null; // offline: the live standings stand without the charts
  }
}

/** Show a round's standings: the results table and charts, the track's final places. */
export function showResults(standings, details) {
  sender.stop();
  s.others = [];
  drawGhosts();
  track.setFinal(standings);
  results.show(standings, details, s.me);
  const mine = standings.find((row) => row.player_id === s.me);
  showGhostResult(mine);
  showRoomGhostsResult();
  offerStored(s.room, mine);
  const box = byId("results");
  const first = box.hidden;
  box.hidden = false;
  byId("finish").hidden = true;
  if (first) box.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "start" });
}

/** Hide the last round's results, finish line and stored-race links. */
export function clearAftermath() {
  byId("results").hidden = true;
  byId("finish").hidden = true;
  byId("replay-btn").hidden = true;
  byId("ghost-btn").hidden = true;
  clearAnalysis(byId("analysis"));
}

/** Offer this round's stored race (its replay, and this run as a ghost) once the results
 * database has it: the race is written a moment after it ends, or later if the database
 * is away. */
async function offerStored(room, mine) {
  const raceId = room.race_id;
  // The page may have moved on (a restart) while this was asked.
  if (!(await whenStored(raceId, () => isCurrent(room))) || !isCurrent(room)) return;
  const replay = byId("replay-btn");
  const ghost = byId("ghost-btn");
  replay.href = `/races/${encodeURIComponent(raceId)}`;
  replay.hidden = false;
  ghost.href = `/play/practice?ghost=${encodeURIComponent(`${raceId}:${s.me}`)}`;
  ghost.hidden = !mine?.completed || mine.flagged || s.role !== "racer";
  const stored = await loadAnalysis(raceId);
  if (stored && isCurrent(room)) {
    holdAnalysis(stored);
    showAnalysis(byId("analysis"), results.selected, s.me);
  }
}
