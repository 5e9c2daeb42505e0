// A private room's host role passing on (the host left, or was gone past the grace
// window): the new host is told what they can do now, everyone else who hosts now.
import { notify } from "./status.js";

function nameIn(room, id) {
  const person = [...room.racers, ...room.spectators].find((p) => p.id === id);
  return person ? person.name : null;
}

/** Compare two views of the same room and tell this player if the host changed. */
export function tellHostChange(before, after, me) {
  if (!before || before.code !== after.code || after.kind !== "private") return;
  if (!after.host || before.host === after.host || !before.host) return;
  const gone = nameIn(before, before.host) || "The host";
  if (after.host === me) {
    const can =
      after.phase === "racing"
        ? "you can end the race"
        : after.phase === "finished"
          ? "the rematch is yours to start"
          : "you start the race";
    notify(`${gone} left: you are the host now — ${can}.`, "ok");
  } else {
    const next = nameIn(after, after.host) || "someone else";
    // The host back after the grace window finds the room in other hands.
    notify(before.host === me ? `${next} is the host now.` : `${gone} left: ${next} is the host now.`);
  }
}
