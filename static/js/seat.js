// One tab types into a seat. A second tab of this browser on a race it is seated in is
// offered to take the seat over (its join was refused `other_tab`); a tab whose seat
// another tab took (`seat_moved`, or keys refused `seat_moved`) stops typing and says so,
// with a button to take it back. The server decides who holds the seat (race.core.tabs).
import { byId } from "./dom.js";
import { tabId } from "./identity.js";
import { conn, s } from "./race-state.js";
import { notify } from "./status.js";

const TEXT = {
  offer: {
    title: "You are in this race in another tab",
    body: "Only one tab types into a seat. Race here instead, and the other tab stops.",
    button: "Race here instead",
  },
  moved: {
    title: "This race continues in another tab",
    body: "You took your seat to another tab of this browser; typing here has stopped.",
    button: "Take it back here",
  },
};

let wired = { adopt: () => {}, stop: () => {} };

/** Name what taking a seat over does (take the join answer) and how typing stops here. */
export function wireSeat({ adopt, stop }) {
  wired = { adopt, stop };
  byId("take-seat").addEventListener("click", takeOver);
}

/** This tab is not (or no longer) the one typing into its seat: stop, and say so. */
export function seatElsewhere(mode) {
  s.gone = true; // no keys taken, no rejoin on reconnect (keys.js, joining.js, frame.js)
  wired.stop();
  const text = TEXT[mode] || TEXT.moved;
  byId("elsewhere-h").textContent = text.title;
  byId("elsewhere-msg").textContent = text.body;
  const button = byId("take-seat");
  button.textContent = text.button;
  button.disabled = false;
  byId("elsewhere").hidden = false;
  byId("race").dataset.elsewhere = mode;
}

/** Return the hint line while another tab holds the seat, or null. */
export function seatHint() {
  const mode = byId("race").dataset.elsewhere;
  if (mode === "moved") return "Typing here has stopped: this race continues in another tab.";
  return mode === "offer" ? "This race is open in another tab of this browser." : null;
}

/** The server's `seat_moved`: the seat went to the tab it names; if not this one, stop. */
export function seatMoved(data) {
  if (data.code === s.code && data.tab !== tabId() && !s.gone && s.role === "racer")
    seatElsewhere("moved");
}

async function takeOver() {
  const button = byId("take-seat");
  button.disabled = true;
  const answer = await conn.request("join", { code: s.code, role: "racer", take_over: true });
  if (!answer.ok) {
    button.disabled = false;
    notify(answer.message || "The seat could not be taken over; try again.", "error");
    return;
  }
  s.gone = false;
  byId("elsewhere").hidden = true;
  delete byId("race").dataset.elsewhere;
  wired.adopt(answer.room, answer.you);
}
