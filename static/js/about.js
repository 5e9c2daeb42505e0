// What the snippet shows (its about and concept tags, from the room view): under the code
// before a run and beside the results after it, never while the code is being typed.
import { byId, el, fill } from "./dom.js";

/** Show the note of the room's snippet while nobody types: in the lobby (before this
 * player's first key) and once the race is over; hide it in the countdown and the race. */
export function showAbout(room, typing) {
  const box = byId("about");
  const { about, concepts } = room.snippet;
  const still = room.phase === "finished" || (room.phase === "lobby" && !typing);
  box.hidden = !about || !still;
  if (box.hidden) return;
  byId("about-text").textContent = about;
  fill(byId("about-concepts"), ...(concepts || []).map((c) => el("li", { class: "concept" }, c)));
}

/** Hide the note from a run's first key on (the next room view shows it again when due). */
export function hideAbout() {
  byId("about").hidden = true;
}
