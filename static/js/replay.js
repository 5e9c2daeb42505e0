// The replay of a finished race (its results page): every player's cursor moving over the
// code as the server scored it, with one player's typing (errors included) drawn in full.
import { byId, duration, el } from "./dom.js";
import { CodeView } from "./render.js";
import { Run, loadTrace } from "./trace.js";
import { Track } from "./track.js";
import { Course, indentUnit } from "./typing.js";

const root = byId("replay");
const data = JSON.parse(byId("replay-data").textContent);
const play = byId("replay-play");
const seek = byId("replay-seek");
const clock = byId("replay-time");
const speed = byId("replay-speed");
const follow = byId("replay-follow");
const view = new CodeView(byId("replay-code"), { scrollPage: false });
const track = new Track(byId("replay-track"), { youTag: false });
const state = { runs: [], course: null, endMs: 0, t: 0, playing: false, last: null, done: null };

async function start() {
  const status = root.querySelector(".replay-status");
  try {
    await build(await loadTrace(root.dataset.race));
  } catch (error) {
    status.textContent = `No replay: ${error.message}.`;
    return;
  }
  status.textContent = "";
  root.querySelector(".replay-controls").hidden = false;
  draw(state.endMs); // the race as it ended; Play starts from the beginning
}

async function build(trace) {
  const sn = trace.snippet;
  state.course = new Course(sn.text, trace.rules, indentUnit(sn.indent));
  state.runs = trace.players.map((p) => new Run(p));
  state.endMs = Math.max(1, ...state.runs.map((r) => r.endMs));
  for (const run of state.runs)
    follow.append(el("option", { value: run.id }, `${run.place}. ${run.name}`));
  seek.max = String(state.endMs);
  await view.show(sn, state.course, data.grammars);
}

function followed() {
  return state.runs.find((r) => r.id === follow.value) || state.runs[0];
}

/** Draw the race at t ms: lanes, the followed player's typing and everyone else's caret. */
function draw(t) {
  state.t = Math.max(0, Math.min(t, state.endMs));
  const me = followed();
  const now = state.runs.map((run) => ({ run, ...run.at(state.t) }));
  const done = now.map((x) => x.done).join();
  if (done !== state.done || track.me !== me.id) {
    state.done = done;
    const racers = now.map(({ run, done: finished }) => ({
      id: run.id,
      name: run.name,
      connected: true,
      left: false,
      finished,
      place: finished ? run.place : null,
    }));
    track.setRoom({ racers }, me.id);
  }
  track.setTick({ players: now.map((x) => ({ id: x.run.id, ...x })) }, state.course);
  const mine = now.find((x) => x.run === me);
  view.setState(mine.pos, mine.err);
  view.setGhosts(
    now
      .filter((x) => x.run !== me)
      .map((x) => ({
        id: x.run.id,
        pos: x.pos,
        name: x.run.name,
        color: track.colorOf(x.run.id),
        done: x.done,
      })),
  );
  seek.value = String(Math.round(state.t));
  clock.textContent = `${duration(state.t)} / ${duration(state.endMs)}`;
  seek.setAttribute("aria-valuetext", clock.textContent);
}

function setPlaying(on) {
  state.playing = on;
  state.last = null;
  play.textContent = on ? "❚❚ Pause" : "▶ Play";
  play.setAttribute("aria-pressed", String(on));
  if (on) requestAnimationFrame(step);
}

function step(stamp) {
  if (!state.playing) return;
  if (state.last !== null) draw(state.t + (stamp - state.last) * Number(speed.value));
  state.last = stamp;
  if (state.t >= state.endMs) setPlaying(false);
  else requestAnimationFrame(step);
}

play.addEventListener("click", () => {
  if (state.playing) return setPlaying(false);
  if (state.t >= state.endMs - 100) draw(0); // at (or a hair from) the end: from the top
  setPlaying(true);
});
seek.addEventListener("input", () => draw(Number(seek.value)));
// The scrubber moves in milliseconds (step="any"); the keyboard moves it by seconds.
const KEY_STEP_MS = {
  ArrowLeft: -1000,
  ArrowDown: -1000,
  ArrowRight: 1000,
  ArrowUp: 1000,
  PageDown: -5000,
  PageUp: 5000,
};
seek.addEventListener("keydown", (e) => {
  const by = KEY_STEP_MS[e.key];
  if (by === undefined) return;
  e.preventDefault();
  draw(state.t + by);
});
follow.addEventListener("change", () => draw(state.t));

start();
