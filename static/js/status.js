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

//: What the banner says, word for word what happens: no key is taken while the connection
//: is down, so none is promised.
export const NET_TEXT = {
  paused: "Connection lost — typing paused; it resumes when you are back.",
  down: "Connection lost — reconnecting…",
};

/** Show the connection state: "online", "connecting", "down" (reconnecting, nothing to
 * type) or "paused" (reconnecting mid-race: typing is paused until the server has us). */
export function setNet(state) {
  const badge = byId("net-state");
  badge.dataset.state = state;
  badge.querySelector(".net-label").textContent =
    state === "online" ? "Online" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  show(byId("net-banner"), state === "down" || state === "paused");
  byId("net-detail").textContent = NET_TEXT[state] || "";
}

/** Return the connection state to show: typing is paused whenever `paused` (the socket is
 * down, or back but the server's state of this seat not yet taken) and the seat types. */
export function netState(conn, armed, paused) {
  if (conn.connected && !paused) return "online";
  if (!conn.player) return "connecting";
  if (armed && paused) return "paused";
  return conn.connected ? "online" : "down";
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

/** Draw the countdown and the race clock for the server time `now`; once this racer
 * (`me`) is done, the clock gives the server's time of their run, as the results do. */
export function tickClock(room, now, me = null) {
  const countdown = byId("countdown");
  const clock = byId("clock");
  const done = room && me ? runTime(room, me) : null;
  if (!room || !room.starts_at || room.phase === "lobby" || room.phase === "finished" || done) {
    countdown.hidden = true;
    clock.textContent =
      done ||
      (room && room.phase === "finished" && room.finished_at && room.starts_at
        ? `race lasted ${duration(Math.min(room.finished_at, room.ends_at) - room.starts_at)}`
        : "");
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

/** Return "your time 12.3s" once racer `me` is done, from the server's figures (the
 * standing's duration, or the finish the room view gives before the standings); else null. */
function runTime(room, me) {
  const mine = room.phase === "finished" && room.standings?.find((r) => r.player_id === me);
  if (mine) return `your time ${duration(mine.duration_ms)}`;
  const seat = room.racers.find((r) => r.id === me);
  return seat && seat.finish_ms != null ? `your time ${duration(seat.finish_ms)}` : null;
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
