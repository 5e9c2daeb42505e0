// The page's status bits: connection indicator and banner, notices, header, countdown, clock.
import { byId, duration, el, show } from "./dom.js";
import { languageName } from "./languages.js";

const KIND = { quick: "Quick race", private: "Private room", practice: "Practice" };
const PHASE = { lobby: "Lobby", countdown: "Get ready", racing: "Racing", finished: "Finished" };

const GONE_WHY = {
  no_such_room: "There is no room with that code. It may have ended or expired.",
  kicked: "The host removed you from this room.",
  room_locked: "The host has locked this room.",
  room_full: "This room is full.",
  race_started: "This race has already started.",
};
/** Refusals of a join that close the room to this tab. */
export const GONE = new Set(Object.keys(GONE_WHY));

let noticeTimer = null;

/** Show a short message (kind: "ok" | "error" | "info"). */
export function notify(message, kind = "info") {
  const box = byId("notice");
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    box.hidden = true;
  }, 4500);
}

/** Show the connection state: "online", "down" (reconnecting) or "paused" (typing stopped). */
export function setNet(state) {
  const badge = byId("net-state");
  badge.dataset.state = state;
  badge.querySelector(".net-label").textContent =
    state === "online" ? "Online" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  show(byId("net-banner"), state === "down" || state === "paused");
  byId("net-detail").textContent =
    state === "paused"
      ? "Typing is paused until the connection is back; your progress is kept."
      : "Reconnecting… keep typing, your keys will be sent.";
}

/** Fill the header from a room view. */
export function setHeader(room, spectator) {
  const s = room.snippet;
  byId("snippet-title").textContent = s.title;
  const lines = s.text.split("\n").length;
  byId("snippet-meta").textContent =
    `${KIND[room.kind] || room.kind} · ${languageName(s.language)} · ` +
    `${s.id === "custom" ? "custom code" : s.difficulty} · ${lines} lines` +
    (spectator ? " · watching" : "");
  byId("phase-label").textContent = PHASE[room.phase] || room.phase;
  byId("phase-label").dataset.phase = room.phase;
  byId("race").dataset.phase = room.phase;
  byId("race").dataset.kind = room.kind;
  byId("race").dataset.round = String(room.round);
  document.title = `${PHASE[room.phase] || "Race"} · ${s.title} · CodeRace`;
}

let shownCount = null;

/** Draw the countdown and the race clock for the server time `now`. */
export function tickClock(room, now) {
  const countdown = byId("countdown");
  const clock = byId("clock");
  if (!room || !room.starts_at || room.phase === "lobby" || room.phase === "finished") {
    countdown.hidden = true;
    clock.textContent =
      room && room.phase === "finished" && room.finished_at && room.starts_at
        ? `race lasted ${duration(Math.min(room.finished_at, room.ends_at) - room.starts_at)}`
        : "";
    shownCount = null;
    return;
  }
  const toStart = room.starts_at - now;
  let text = null;
  if (toStart > 0) text = String(Math.ceil(toStart / 1000));
  else if (toStart > -800 && room.kind !== "practice") text = "Go!"; // practice: the first key
  if (text !== shownCount) {
    shownCount = text;
    countdown.hidden = text === null;
    countdown.replaceChildren(el("span", {}, text || ""));
    countdown.classList.toggle("go", text === "Go!");
    countdown.classList.remove("pulse");
    void countdown.offsetWidth; // restart the animation
    countdown.classList.add("pulse");
  }
  clock.textContent =
    toStart > 0
      ? `starts in ${Math.ceil(toStart / 1000)}s`
      : `${duration(Math.max(0, room.ends_at - now))} left`;
}

/** Show why this tab is not in the room (kicked, locked, ...) instead of the race. */
export function showGone(code, roomCode) {
  const msg = byId("gone-msg");
  msg.textContent = GONE_WHY[code] || "You are no longer in this room.";
  if ((code === "race_started" || code === "room_full") && roomCode) {
    msg.append(" ", el("a", { href: `/r/${roomCode}?watch=1` }, "Watch it instead."));
  }
  byId("gone").hidden = false;
  byId("race").dataset.gone = code;
  document.title = "Closed · CodeRace";
}
