// The host ends a running private race (racers idle or gone): two clicks, so a slip of
// the mouse does not end everyone's race.
import { byId } from "./dom.js";
import { input } from "./keys.js";
import { conn, s } from "./race-state.js";
import { notify } from "./status.js";

//: How long the button waits for the confirming second click.
const CONFIRM_MS = 4000;
const ending = byId("end-btn");
let armed = null;

function disarm() {
  clearTimeout(armed);
  armed = null;
  ending.textContent = "End the race";
  ending.classList.remove("confirm");
}

/** Show the button to the host of a running private race only. */
export function showEndButton(room) {
  ending.hidden = !(room.kind === "private" && room.host === s.me && room.phase === "racing");
  if (ending.hidden) disarm();
}

ending.addEventListener("click", async (e) => {
  if (armed === null) {
    ending.textContent = "Click again to end it for everyone";
    ending.classList.add("confirm");
    armed = setTimeout(disarm, CONFIRM_MS);
    // A mouse click gives the keyboard back to the race, so typing on (Enter, Space)
    // cannot press the button; a keyboard user keeps it, to confirm with a second press.
    if (e.detail > 0 && input.enabled) input.focus();
    return;
  }
  disarm();
  const answer = await conn.request("end", { code: s.room.code });
  if (!answer.ok) notify(answer.message || "The race could not be ended.", "error");
});
