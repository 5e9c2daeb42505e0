// The race page's shared parts: the page's data, the connection, the views, and the one
// state object the server's events move (race.js drives it, the other modules read it).
import { byId } from "./dom.js";
import { Lobby } from "./lobby.js";
import { Connection } from "./net.js";
import { CodeView } from "./render.js";
import { Results } from "./results.js";
import { notify } from "./status.js";
import { Track } from "./track.js";
import { WayOn } from "./wayon.js";

export const page = JSON.parse(byId("page-data").textContent);
export const conn = new Connection();
export const view = new CodeView(byId("code"));
export const track = new Track(byId("track"));
export const results = new Results();
//: Where a refused join shows its way on (wayon.js); refused buttons (after a race, the
//: host's) show theirs apart, so a newer click never stops the page getting into its room.
export const way = new WayOn(byId("wayon"), { title: byId("snippet-title") });
export const actWay = new WayOn(byId("act-wayon"));
export const lobby = new Lobby(conn, {
  languages: page.languages,
  customLanguages: page.custom_languages,
  difficulties: page.difficulties,
  customMaxChars: page.custom_max_chars,
  lookalikes: page.lookalikes,
  notify,
  way: actWay,
});

export const s = {
  code: page.code,
  role: page.watch ? "spectator" : "racer",
  me: null,
  room: null,
  course: null,
  roomCourse: null, // the snippet under the room's rules: everyone's progress is measured on it
  mirror: null,
  lastT: 0,
  firstKeyAt: null, // a practice run's first key (server ms) until the server starts it
  restarting: false,
  standings: null,
  finishShown: false,
  gone: false,
  entering: false,
  busyTries: 0,
  cappedTold: false,
  ghost: null, // a stored run raced against in practice (page.ghost names it)
  ghostAsked: false,
  ghostAt: null,
  others: [], // the other racers' carets, from the last tick
};

/** Milliseconds since this round started, by the server's clock (0 before it is set). */
export function nowT() {
  return conn.serverNow() - (s.room?.starts_at ?? conn.serverNow());
}

/** Tell whether a room view is of the round this page is on. */
export function isCurrent(room) {
  return s.room?.code === room.code && s.room.round === room.round;
}
