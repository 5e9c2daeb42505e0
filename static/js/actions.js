// The race page's "what next" buttons: keep waiting, practise solo, race again, rematch.
import { byId } from "./dom.js";
import { notify } from "./status.js";
import { patient } from "./wayon.js";

/** Return the snippet pick that runs the same snippet again (custom code is sent back). */
export function snippetPick(room) {
  const sn = room.snippet;
  if (sn.id !== "custom") return { snippet_id: sn.id };
  return { custom: { code: sn.text, language: sn.language, indent: sn.indent } };
}

/**
 * Wire the buttons. `getRoom()` returns the current room view; `adopt(room, you)` takes a
 * join answer (a new room replaces the page's room); `restart(next)` starts a practice
 * run again (on the next snippet if `next`); `way` shows a rate limit's countdown and
 * tries again by itself when it runs out.
 */
export function wireActions(conn, getRoom, adopt, restart, way) {
  const go = async (event, payload) => {
    const answer = await patient(conn, event, payload, way);
    if (answer.ok && answer.room) adopt(answer.room, answer.you);
    else if (!answer.ok && answer.code !== "superseded")
      notify(answer.message || "That did not work.", "error");
  };
  byId("keep-waiting").addEventListener("click", () => {
    byId("lonely").hidden = true;
    conn.request("keep_waiting", { code: getRoom().code });
  });
  // Practise the snippet this player has been reading while they waited.
  byId("go-solo").addEventListener("click", () =>
    go("practice", { ...snippetPick(getRoom()), ready: true }),
  );
  byId("again-btn").addEventListener("click", () => {
    const room = getRoom();
    if (room.kind === "practice") restart(false);
    else go("quick", { language: room.lobby || "any" });
  });
  byId("next-btn").addEventListener("click", () => restart(true));
  byId("practice-btn").addEventListener("click", () =>
    go("practice", { ...snippetPick(getRoom()), ready: true }),
  );
  // "Rematch": the next round straight into its countdown; "Rematch in lobby": it waits
  // there for the host's Start (to change the snippet, or for more people first).
  byId("rematch-btn").addEventListener("click", () =>
    go("rematch", { code: getRoom().code, start: true }),
  );
  byId("rematch-lobby-btn").addEventListener("click", () =>
    go("rematch", { code: getRoom().code }),
  );
}

//: After a race one button is the primary way on: the first of these on show (in practice
//: the next snippet; the same one again is beside it).
const PRIMARY_FIRST = ["rematch-btn", "next-btn", "again-btn", "practice-btn"];

/** Make the first button on show of PRIMARY_FIRST the row's one primary button. */
function markPrimary() {
  const first = PRIMARY_FIRST.map((id) => byId(id)).find((button) => !button.hidden);
  for (const button of byId("after-actions").querySelectorAll("button, a.button")) {
    button.classList.toggle("primary", button === first);
  }
}

/** Show the buttons that fit the room and this player once a race is over. */
export function showActions(room, me, spectator) {
  const kind = room.kind;
  byId("again-btn").hidden = spectator || kind === "private";
  byId("again-btn").textContent = kind === "practice" ? "Practise again" : "Race again";
  byId("next-btn").hidden = spectator || kind !== "practice" || room.snippet.id === "custom";
  const host = kind === "private" && room.host === me;
  byId("rematch-btn").hidden = !host;
  byId("rematch-lobby-btn").hidden = !host;
  byId("practice-btn").hidden = spectator || kind === "practice";
  markPrimary();
}
