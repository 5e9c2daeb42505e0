// Typing: keys from the hidden input go through the mirror to the sender; the server's
// acknowledgements and refusals bring the mirror back to the server's state.
import { hideAbout } from "./about.js";
import { byId } from "./dom.js";
import { KeyInput } from "./input.js";
import { conn, isCurrent, s, view } from "./race-state.js";
import { seatElsewhere } from "./seat.js";
import { KeySender } from "./sender.js";
import { notify } from "./status.js";

export const sender = new KeySender(conn, { onAck, onRefused });
export const input = new KeyInput(byId("type-input"), onKey);

let rejoin = () => {};
let takeRoom = () => {};

/** Name what to do when the server refuses keys mid-run (rejoin, to take its state), and
 * with a room view answered here (take it as any room view). */
export function onRejoin(fn, roomFn) {
  rejoin = fn;
  takeRoom = roomFn;
}

/** Tell whether a room is a practice run waiting for its first key to start its clock. */
export function waitingRun(room) {
  return !!room && room.kind === "practice" && room.phase === "lobby";
}

/** Reset the mirror to the server's state and replay the keys it has not acknowledged yet. */
export function replay(pos, errorRun, absorb = 0) {
  s.mirror.reset(pos, errorRun, absorb);
  for (const item of sender.pending()) {
    s.mirror.feed(item.key);
    item.pos = s.mirror.pos;
    item.err = s.mirror.errorRun;
    item.ab = s.mirror.absorb;
  }
  view.setState(s.mirror.pos, s.mirror.errorRun);
}

function typingOpen() {
  const room = s.room;
  if (!room || s.gone || s.role !== "racer" || s.standings) return false;
  if (sender.paused) return false; // a key typed offline could not be sent in time
  if (waitingRun(room)) return !s.mirror.finished && (conn.connected || s.firstKeyAt !== null);
  if (!room.starts_at || (room.phase !== "countdown" && room.phase !== "racing")) return false;
  const now = conn.serverNow();
  return now >= room.starts_at && now <= room.ends_at && !s.mirror.finished;
}

function onKey(key) {
  if (!typingOpen()) return;
  hideAbout();
  if (waitingRun(s.room) && s.firstKeyAt === null) startClock(s.room);
  const start = s.room.starts_at ?? s.firstKeyAt;
  const t = Math.max(Math.round(conn.serverNow() - start), s.lastT, 0);
  s.lastT = t;
  const before = s.mirror.errorRun;
  s.mirror.feed(key);
  sender.push({ t, key, pos: s.mirror.pos, err: s.mirror.errorRun, ab: s.mirror.absorb });
  view.setState(s.mirror.pos, s.mirror.errorRun);
  if (before && before === s.mirror.errorRun && !key.endsWith("Backspace")) {
    // The error run is as long as the rules keep: this key was not taken.
    view.flashErrors();
    if (!s.cappedTold) notify("Fix the mistakes first: Backspace takes them back.", "error");
    s.cappedTold = true;
  }
}

function onAck(ack, batch) {
  const last = batch.items[batch.items.length - 1];
  const absorb = ack.absorb ?? 0; // the indentation still open to habitual spaces (typing.js)
  if (ack.pos !== last.pos || ack.error_run !== last.err || absorb !== last.ab)
    replay(ack.pos, ack.error_run, absorb);
}

async function onRefused(answer) {
  if (answer.code === "seat_moved") seatElsewhere("moved"); // another tab holds the seat
  else if (answer.code === "time_up") notify("Time is up.", "info");
  else if (!sender.active) notify(answer.message || "Keys were refused.", "error");
  else {
    if (answer.code === "bad_timestamp") {
      sender.queue = []; // timed by a clock that drifted: resync, and carry on from the server
      await conn.sync();
    }
    rejoin(); // resume from the server's own state of this player
  }
}

/** The first key of a waiting practice run: the server starts the run's clock when it was
 * typed. Keys wait until it has, then go out timed from the server's start. */
async function startClock(room) {
  s.firstKeyAt = Math.round(conn.serverNow());
  sender.holdForStart();
  const answer = await conn.request("go", { code: room.code, round: room.round, at: s.firstKeyAt });
  if (!isCurrent(room) || s.firstKeyAt === null) return; // restarted meanwhile
  if (!answer.ok) {
    // Not started on the server: this run's keys cannot count. Start it again, honestly.
    notify(`${answer.message || "The run could not start"}: start typing again.`, "error");
    s.firstKeyAt = null;
    s.lastT = 0;
    s.mirror.reset(0, 0);
    view.setState(0, 0);
    sender.begin(room.code, room.round, sender.seq);
    return;
  }
  // The server may start the clock a little later than the key (a slow message): the
  // keys typed meanwhile are timed from its start, never before it.
  const shift = s.firstKeyAt - answer.room.starts_at;
  let last = 0;
  for (const item of sender.pending()) {
    item.t = Math.max(item.t + shift, last);
    last = item.t;
  }
  s.lastT = last;
  takeRoom(answer.room);
  sender.release();
}
