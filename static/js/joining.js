// Getting into a room and taking the server's view of it: join, quick, practice or create;
// each room view then moves the state (a new round, a new snippet, this seat's position).
import { clearAftermath } from "./aftermath.js";
import { byId } from "./dom.js";
import { dropUnfitGhost, loadGhost } from "./ghost-race.js";
import { tellHostChange } from "./host-change.js";
import { input, replay, sender } from "./keys.js";
import { lostText } from "./sender.js";
import { retryDelay } from "./net.js";
import { render } from "./paint.js";
import { conn, nowT, page, s, track, view, way } from "./race-state.js";
import { seatElsewhere } from "./seat.js";
import { GONE, notify, showGone } from "./status.js";
import { syncIndent } from "./settings.js";
import { Course, Mirror, indentUnit, seatRules } from "./typing.js";

/** Ask the server for this page's room, by its code or its mode, and take the answer. */
export async function enter() {
  if (s.entering || s.gone) return;
  s.entering = true;
  await loadGhost();
  const answer = await ask();
  s.entering = false;
  if (answer.ok) {
    s.busyTries = 0;
    way.clear();
    adopt(answer.room, answer.you);
  } else if (GONE.has(answer.code)) leaveFor(answer.code);
  else if (answer.code === "other_tab") seatElsewhere("offer"); // seated in another tab
  else if (answer.code === "busy") waitForRoom();
  else if (s.ghost && !s.code && !["offline", "rate_limited"].includes(answer.code)) {
    notify(`The ghost's snippet was refused (${answer.message}): practising on your own.`);
    s.ghost = null;
    enter();
  } else if (answer.code !== "offline") way.refused(answer, enter); // offline: "ready" enters
}

async function ask() {
  // Practice runs wait for their first key to start the clock (`go`); a race against a
  // ghost counts down, as any race, so that both start together.
  const ready = !page.ghost;
  const lang = page.language && page.language !== "any" ? { language: page.language } : {};
  if (s.code) return conn.request("join", { code: s.code, role: s.role });
  if (page.mode === "quick") return conn.request("quick", { language: page.language || "any" });
  if (page.mode !== "practice") return conn.request("create", lang);
  // /play/practice?snippet=<id> practises that snippet (the library's button).
  const pick = page.snippet ? { snippet_id: page.snippet } : lang;
  const answer = await conn.request("practice", { ...(s.ghost ? s.ghost.pick() : pick), ready });
  if (!answer.ok || !s.ghost || s.ghost.fits(answer.room.snippet)) return answer;
  // The snippet has changed since the run: practise the text the ghost typed.
  notify("The snippet has changed since that run: racing the version the ghost typed.");
  return conn.request("practice", { ...s.ghost.pick(true), ready });
}

/** This worker is full: come back through the load balancer, which may pick another
 * worker, a little later each time (every worker may be full). */
function waitForRoom() {
  s.busyTries += 1;
  notify("The server is busy; finding you a seat…", "error");
  conn.moveElsewhere(retryDelay(s.busyTries, 500));
}

/** This page's room is gone for this player (kicked, closed, ...): say so, stop typing. */
export function leaveFor(code) {
  s.gone = true;
  sender.stop();
  input.setEnabled(false);
  showGone(code, s.code);
}

/** Take a join answer: the room and the server's state of this player. */
export function adopt(room, you) {
  if (s.code !== room.code) {
    s.code = room.code;
    // A reload comes back to the room, and a practice room to its ghost.
    const run = s.ghost && encodeURIComponent(`${s.ghost.raceId}:${s.ghost.run.id}`);
    const query = you.role === "spectator" ? "?watch=1" : run ? `?ghost=${run}` : "";
    history.replaceState(null, "", `/r/${room.code}${query}`);
  }
  s.role = you.role || s.role;
  byId("lonely").hidden = true;
  applyRoom(room, you);
}

/** Take a room view (with this player's seat state when it comes from a join). */
export function applyRoom(room, you = null) {
  const old = s.room;
  const newRound = !old || old.code !== room.code || old.round !== room.round;
  const sn = room.snippet;
  const rules = seatRules(room, you?.id || s.me);
  const newSnippet =
    newRound ||
    old.snippet.text !== sn.text ||
    old.snippet.indent !== sn.indent ||
    old.snippet.language !== sn.language ||
    s.course.skipIndent !== (rules.skip_indent !== false); // own indentation turned on or off
  s.room = room;
  tellHostChange(old, room, s.me);
  dropUnfitGhost(room, newSnippet);
  if (newSnippet) {
    s.course = new Course(sn.text, rules, indentUnit(sn.indent));
    s.roomCourse =
      rules === room.rules ? s.course : new Course(sn.text, room.rules, indentUnit(sn.indent));
    s.mirror = new Mirror(s.course);
    view.show(sn, s.course, page.grammars);
    view.setState(s.mirror.pos, "");
  }
  byId("set-indent-note").textContent = syncIndent(conn, room, you?.id || s.me);
  if (newRound) openRound();
  if (you && s.role === "racer") takeSeat(room, you, newRound);
  else if (newRound && s.role === "racer") sender.begin(room.code, room.round, 0);
  render();
}

/** A new round: nothing of the last one stays on the page. */
function openRound() {
  s.standings = null;
  s.cappedTold = false;
  s.finishShown = false;
  s.lastT = 0;
  s.firstKeyAt = null;
  s.ghostAt = null;
  sender.stop();
  track.reset();
  clearAftermath();
}

/** Take the server's state of this seat: begin a round, or resume it with the keys the
 * server has not acknowledged yet. */
function takeSeat(room, you, newRound) {
  sender.pace(you.every);
  if (newRound || !sender.active) {
    s.mirror.reset(you.pos, you.error_run, you.absorb ?? 0);
    sender.begin(room.code, room.round, you.seq);
  } else {
    const { lost } = sender.resume(you, nowT());
    replay(you.pos, you.error_run, you.absorb ?? 0);
    if (lost) notify(lostText(lost), "error");
  }
  view.setState(s.mirror.pos, s.mirror.errorRun);
}
