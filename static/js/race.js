// The race page controller: joins the room, wires typing to the socket, follows the phases.
import { showActions, wireActions } from "./actions.js";
import { byId, duration, el, fill, ordinal, reducedMotion } from "./dom.js";
import { GHOST_ID, Ghost } from "./ghost.js";
import { KeyInput } from "./input.js";
import { Lobby } from "./lobby.js";
import { Connection, retryDelay } from "./net.js";
import { CodeView } from "./render.js";
import { Results } from "./results.js";
import { KeySender } from "./sender.js";
import { GONE, hintText, notify, setHeader, setNet, showGone, tickClock } from "./status.js";
import { Track } from "./track.js";
import { Course, Mirror, indentUnit } from "./typing.js";

//: After this long without a connection, keys are no longer taken (the server would flag them).
const PAUSE_AFTER_MS = 2000;
const page = JSON.parse(byId("page-data").textContent);
const conn = new Connection();
const view = new CodeView(byId("code"));
const track = new Track(byId("track"));
const results = new Results();
const lobby = new Lobby(conn, {
  languages: page.languages,
  customLanguages: page.custom_languages,
  difficulties: page.difficulties,
  notify,
});
const sender = new KeySender(conn, { onAck, onRefused });
const input = new KeyInput(byId("type-input"), onKey);
const s = {
  code: page.code,
  role: page.watch ? "spectator" : "racer",
  me: null,
  room: null,
  course: null,
  mirror: null,
  lastT: 0,
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

// --- joining ---------------------------------------------------------------------------

async function enter() {
  if (s.entering || s.gone) return;
  s.entering = true;
  await loadGhost();
  const lang = page.language && page.language !== "any" ? { language: page.language } : {};
  let answer;
  if (s.code) answer = await conn.request("join", { code: s.code, role: s.role });
  else if (page.mode === "quick")
    answer = await conn.request("quick", { language: page.language || "any" });
  else if (page.mode === "practice") {
    // Hook (pages): /play/practice?snippet=<id> practises that snippet (the library's button).
    const pick = page.snippet ? { snippet_id: page.snippet } : lang;
    answer = await conn.request("practice", s.ghost ? s.ghost.pick() : pick);
    if (answer.ok && s.ghost && !s.ghost.fits(answer.room.snippet)) {
      // The snippet has changed since the run: practise the text the ghost typed.
      notify("The snippet has changed since that run: racing the version the ghost typed.");
      answer = await conn.request("practice", s.ghost.pick(true));
    }
  } else answer = await conn.request("create", lang);
  s.entering = false;
  if (answer.ok) {
    s.busyTries = 0;
    adopt(answer.room, answer.you);
  } else if (GONE.has(answer.code)) leaveFor(answer.code);
  else if (answer.code === "busy") waitForRoom();
  else if (s.ghost && !s.code && !["offline", "rate_limited"].includes(answer.code)) {
    notify(`The ghost's snippet was refused (${answer.message}): practising on your own.`);
    s.ghost = null;
    enter();
  } else if (answer.code !== "offline")
    notify(answer.message || "Could not join the room.", "error");
}

/** Load the ghost the page names, once; say why when there is none. */
async function loadGhost() {
  if (!page.ghost || s.ghostAsked) return;
  s.ghostAsked = true;
  try {
    s.ghost = await Ghost.load(page.ghost);
  } catch (error) {
    notify(`No ghost to race: ${error.message}. Practising on your own.`, "error");
  }
}

/** This worker is full: come back through the load balancer, which may pick another
 * worker, a little later each time (every worker may be full). */
function waitForRoom() {
  s.busyTries += 1;
  notify("The server is busy; finding you a seat…", "error");
  conn.moveElsewhere(retryDelay(s.busyTries, 500));
}

function leaveFor(code) {
  s.gone = true;
  sender.stop();
  input.setEnabled(false);
  showGone(code, s.code);
}

/** Take a join answer: the room and the server's state of this player. */
function adopt(room, you) {
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

function nowT() {
  return conn.serverNow() - (s.room?.starts_at ?? conn.serverNow());
}

function applyRoom(room, you = null) {
  const old = s.room;
  const newRound = !old || old.code !== room.code || old.round !== room.round;
  const sn = room.snippet;
  const newSnippet =
    newRound ||
    old.snippet.text !== sn.text ||
    old.snippet.indent !== sn.indent ||
    old.snippet.language !== sn.language;
  s.room = room;
  if (s.ghost && (room.kind !== "practice" || (newSnippet && !s.ghost.fits(sn)))) {
    const why = room.kind !== "practice" ? "A ghost races in practice only" : "Not its snippet";
    notify(`${why}: racing without the ghost.`, "info");
    s.ghost = null;
    drawGhosts();
  }
  if (newSnippet) {
    s.course = new Course(sn.text, room.rules, indentUnit(sn.indent));
    s.mirror = new Mirror(s.course);
    view.show(sn, s.course, page.grammars);
    view.setState(s.mirror.pos, "");
  }
  if (newRound) {
    s.standings = null;
    s.cappedTold = false;
    s.finishShown = false;
    s.lastT = 0;
    sender.stop();
    track.reset();
    byId("results").hidden = true;
    byId("finish").hidden = true;
    byId("replay-btn").hidden = true;
    byId("ghost-btn").hidden = true;
    s.ghostAt = null;
  }
  if (you && s.role === "racer") {
    sender.pace(you.every);
    if (newRound || !sender.active) {
      s.mirror.reset(you.pos, you.error_run);
      sender.begin(room.code, room.round, you.seq);
    } else {
      const { lost } = sender.resume(you, nowT());
      replay(you.pos, you.error_run);
      if (lost)
        notify(
          `${lost} keys typed while offline were too old to send; carry on from here.`,
          "error",
        );
    }
    view.setState(s.mirror.pos, s.mirror.errorRun);
  } else if (newRound && s.role === "racer") {
    sender.begin(room.code, room.round, 0);
  }
  render();
}

/** Reset the mirror to the server's state and replay the keys it has not acknowledged yet. */
function replay(pos, errorRun) {
  s.mirror.reset(pos, errorRun);
  for (const item of sender.pending()) {
    s.mirror.feed(item.key);
    item.pos = s.mirror.pos;
    item.err = s.mirror.errorRun;
  }
  view.setState(s.mirror.pos, s.mirror.errorRun);
}

// --- rendering -------------------------------------------------------------------------

function render() {
  const room = s.room;
  if (!room) return;
  const spectator = s.role === "spectator";
  setHeader(room, spectator);
  const hostView =
    room.kind === "private" &&
    (room.phase === "lobby" || (room.phase === "finished" && room.host === s.me));
  byId("lobby").hidden = s.gone || !(room.phase === "lobby" || hostView);
  if (!byId("lobby").hidden) lobby.render(room, s.me);
  const racers = s.ghost ? [...room.racers, s.ghost.racer(ghostT())] : room.racers;
  track.setRoom({ ...room, racers }, spectator ? null : s.me);
  track.lanes.get(GHOST_ID)?.root.classList.add("ghost-lane");
  view.setOwnCaret(!spectator);
  const seat = room.racers.find((r) => r.id === s.me);
  if (seat && seat.place && !s.finishShown) {
    s.finishShown = true;
    const finish = byId("finish");
    fill(
      finish,
      el("strong", {}, "You finished"),
      el(
        "span",
        {},
        s.ghost
          ? ` — ${s.ghostAt?.done ? "after" : "ahead of"} the ghost`
          : ` — ${ordinal(seat.place)} place`,
      ),
    );
    finish.hidden = false;
  }
  if (room.phase !== "lobby" || room.racers.filter((r) => !r.left).length > 1)
    byId("lonely").hidden = true;
  if (room.phase === "finished" && !s.standings && room.standings) {
    setTimeout(async () => {
      if (s.standings || s.room !== room) return;
      // Opened after the race (a reload, a shared link): the stored race has the charts.
      const details = await storedDetails(room);
      if (!s.standings && s.room === room) showResults(room.standings, details);
    }, 800);
  }
  showActions(room, s.me, spectator);
  const ending = byId("end-btn");
  ending.hidden = !(room.kind === "private" && room.host === s.me && room.phase === "racing");
  if (ending.hidden) disarmEnd();
}

// The host ends a running private race (racers idle or gone): two clicks, so a slip of
// the mouse does not end everyone's race.
let endArmed = null;

function disarmEnd() {
  clearTimeout(endArmed);
  endArmed = null;
  const ending = byId("end-btn");
  ending.textContent = "End the race";
  ending.classList.remove("confirm");
}

byId("end-btn").addEventListener("click", async (e) => {
  const ending = byId("end-btn");
  if (endArmed === null) {
    ending.textContent = "Click again to end it for everyone";
    ending.classList.add("confirm");
    endArmed = setTimeout(disarmEnd, 4000);
    // A mouse click gives the keyboard back to the race, so typing on (Enter, Space)
    // cannot press the button; a keyboard user keeps it, to confirm with a second press.
    if (e.detail > 0 && input.enabled) input.focus();
    return;
  }
  disarmEnd();
  const answer = await conn.request("end", { code: s.room.code });
  if (!answer.ok) notify(answer.message || "The race could not be ended.", "error");
});

/** Fetch a finished round's per-racer series, missed keys and flags from the results API. */
async function storedDetails(room) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(`/api/races/${encodeURIComponent(room.race_id)}`);
      if (res.ok) {
        const race = await res.json();
        const details = {};
        for (const st of race.standings) {
          details[st.player_id] = {
            series: st.series || [],
            missed: st.missed || [],
            reasons: (st.reasons || []).map((code) => ({ code, message: code })),
          };
        }
        return details;
      }
    } catch {
      /* offline: fall through to the next attempt */
    }
    await new Promise((done) => setTimeout(done, 1500)); // stored a moment after the end
  }
  return null;
}

function showResults(standings, details) {
  sender.stop();
  s.others = [];
  drawGhosts();
  track.setFinal(standings);
  results.show(standings, details, s.me);
  const mine = standings.find((row) => row.player_id === s.me);
  showGhostResult(mine);
  offerStored(s.room, mine);
  const box = byId("results");
  const first = box.hidden;
  box.hidden = false;
  byId("finish").hidden = true;
  if (first) box.scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "start" });
}

// --- a ghost race ----------------------------------------------------------------------

/** Milliseconds since the race started, by the server's clock (negative before). */
function ghostT() {
  return s.room?.starts_at ? conn.serverNow() - s.room.starts_at : 0;
}

/** Draw the other racers' carets and, in a ghost race, the ghost's. */
function drawGhosts() {
  const list = [...s.others];
  if (s.ghost && s.ghostAt)
    list.push({ ...s.ghostAt, name: s.ghost.name, color: track.colorOf(GHOST_ID) });
  view.setGhosts(list);
}

/** Move the ghost to where its run was at this moment of the race. */
function moveGhost() {
  const room = s.room;
  if (!s.ghost || !room || !room.starts_at) return; // it runs on to its end after yours
  const at = s.ghost.at(ghostT());
  const was = s.ghostAt;
  if (was && was.pos === at.pos && was.done === at.done && was.wpm === at.wpm) return;
  s.ghostAt = at;
  if (!was || was.done !== at.done) render(); // its lane shows it finished
  track.setTick({ players: [at] }, s.course);
  drawGhosts();
}

/** Tell whether this racer finished before the ghost did (both times the server's). */
function beatGhost(mine) {
  return !!mine?.completed && mine.duration_ms < s.ghost.run.lastMs;
}

/** Under the results: who won, and the ghost's own figures as the server stored them. */
function showGhostResult(mine) {
  const box = byId("ghost-result");
  box.hidden = !s.ghost || s.role !== "racer";
  if (box.hidden) return;
  const run = s.ghost.run;
  fill(
    box,
    el("strong", {}, beatGhost(mine) ? "You beat the ghost. " : "The ghost won. "),
    "Ghost: ",
    el("a", { href: `/races/${encodeURIComponent(s.ghost.raceId)}`, dir: "auto" }, run.name),
    ` — ${run.netWpm.toFixed(1)} WPM in ${duration(run.durationMs)}`,
  );
}

/** Offer this round's stored race (its replay, and this run as a ghost) once the results
 * database has it: the race is written a moment after it ends, or later if the database
 * is away. */
async function offerStored(room, mine) {
  const raceId = room.race_id;
  const replay = byId("replay-btn");
  const ghost = byId("ghost-btn");
  for (let attempt = 0; attempt < 20; attempt++) {
    if (s.room?.code !== room.code || s.room.round !== room.round) return;
    try {
      const res = await fetch(`/api/races/${encodeURIComponent(raceId)}`, { method: "HEAD" });
      if (res.ok) {
        replay.href = `/races/${encodeURIComponent(raceId)}`;
        replay.hidden = false;
        ghost.href = `/play/practice?ghost=${encodeURIComponent(`${raceId}:${s.me}`)}`;
        ghost.hidden = !mine?.completed || mine.flagged || s.role !== "racer";
        return;
      }
    } catch {
      /* offline: try again */
    }
    await new Promise((done) => setTimeout(done, attempt < 5 ? 1000 : 5000));
  }
}

// --- typing ----------------------------------------------------------------------------

function typingOpen() {
  const room = s.room;
  if (!room || s.gone || s.role !== "racer" || s.standings || !room.starts_at) return false;
  if (room.phase !== "countdown" && room.phase !== "racing") return false;
  if (!conn.connected && conn.downFor() > PAUSE_AFTER_MS) return false;
  const now = conn.serverNow();
  return now >= room.starts_at && now <= room.ends_at && !s.mirror.finished;
}

function onKey(key) {
  if (!typingOpen()) return;
  const t = Math.max(Math.round(conn.serverNow() - s.room.starts_at), s.lastT, 0);
  s.lastT = t;
  const before = s.mirror.errorRun;
  s.mirror.feed(key);
  sender.push({ t, key, pos: s.mirror.pos, err: s.mirror.errorRun });
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
  if (ack.pos !== last.pos || ack.error_run !== last.err) replay(ack.pos, ack.error_run);
}

async function onRefused(answer) {
  if (answer.code === "time_up") notify("Time is up.", "info");
  else if (!sender.active) notify(answer.message || "Keys were refused.", "error");
  else {
    if (answer.code === "bad_timestamp") {
      sender.queue = []; // timed by a clock that drifted: resync, and carry on from the server
      await conn.sync();
    }
    enter(); // resume from the server's own state of this player
  }
}

let lastHint = null;
function frame() {
  const room = s.room;
  const now = conn.serverNow();
  tickClock(room, now);
  const armed =
    !!room &&
    s.role === "racer" &&
    !s.gone &&
    !s.standings &&
    (room.phase === "countdown" || room.phase === "racing") &&
    !s.mirror.finished;
  if (armed !== input.enabled) input.setEnabled(armed);
  const paused = !conn.connected && conn.downFor() > PAUSE_AFTER_MS && conn.player;
  const net = conn.connected
    ? "online"
    : conn.player
      ? paused && armed
        ? "paused"
        : "down"
      : "connecting";
  if (net !== byId("net-state").dataset.state) setNet(net);
  const text = hintText({
    room,
    spectator: s.role === "spectator",
    finished: s.mirror?.finished,
    waiting: !!room && conn.serverNow() < room.starts_at,
    focused: input.focused,
  });
  if (text !== lastHint) byId("hint").textContent = lastHint = text;
  moveGhost();
  requestAnimationFrame(frame);
}

// --- server events ---------------------------------------------------------------------

const handlers = {
  room(room) {
    if (room.code === s.code) applyRoom(room);
  },
  tick(tick) {
    const room = s.room;
    if (!room || tick.code !== room.code || tick.round !== room.round || s.standings) return;
    // Opponents' carets and bars glide to each tick over one tick period (race.css).
    if (tick.every) document.documentElement.style.setProperty("--tick", `${tick.every}ms`);
    track.setTick(tick, s.course);
    const names = new Map(room.racers.map((r) => [r.id, r.name]));
    const others = tick.players.filter((p) => p.id !== s.me || s.role === "spectator");
    s.others = others.map((p) => ({
      id: p.id,
      pos: p.pos,
      name: names.get(p.id) || "",
      color: track.colorOf(p.id),
      done: p.done,
    }));
    drawGhosts();
  },
  standings(data) {
    if (!s.room || data.code !== s.room.code || data.round !== s.room.round) return;
    s.standings = data;
    if (data.abandoned) {
      // The server could not end this race normally: there is no result to show.
      sender.stop();
      byId("finish").hidden = true;
      notify(data.message || "This race was abandoned: no result is kept.", "error");
      return;
    }
    showResults(data.standings, data.details);
  },
  lonely(data) {
    if (data.code === s.code && s.role === "racer" && s.room?.phase === "lobby")
      byId("lonely").hidden = false;
  },
  kicked(data) {
    if (data.code === s.code) leaveFor("kicked");
  },
};

conn.addEventListener("event", (e) => handlers[e.detail.name]?.(e.detail.data));
conn.addEventListener("welcome", (e) => {
  s.me = e.detail.player_id;
});
conn.addEventListener("ready", () => enter());
conn.addEventListener("down", () => sender.hold());
conn.addEventListener("revoked", (e) => {
  sender.hold();
  notify(`${e.detail.message} Reloading as a guest…`, "error");
});
conn.addEventListener("refused", (e) => {
  const busy = e.detail.code === "busy" || e.detail.code === "rate_limited";
  notify(
    busy ? "The server is busy; trying again shortly…" : "Could not connect; trying again…",
    "error",
  );
});

wireActions(conn, () => s.room, adopt);
byId("code").addEventListener("focus", () => input.enabled && input.focus());
window.addEventListener("resize", () => view.relayout());
// Leaving or reloading mid-race: the keys of the last moment go out first.
window.addEventListener("pagehide", (e) => {
  if (!e.persisted) sender.flushAll(); // a page kept for Back goes on sending as it was
});

requestAnimationFrame(frame);
