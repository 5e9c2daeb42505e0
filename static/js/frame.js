// Once a frame: the clock, whether the keyboard is taken, the network state, the hint line
// and the ghost's caret.
import { byId } from "./dom.js";
import { moveGhost } from "./ghost-race.js";
import { hintText } from "./hints.js";
import { restartKey } from "./instant.js";
import { PAUSE_AFTER_MS, input, waitingRun } from "./keys.js";
import { render } from "./paint.js";
import { conn, s } from "./race-state.js";
import { setNet, tickClock } from "./status.js";

let lastHint = null;

export function frame() {
  const room = s.room;
  tickClock(room, conn.serverNow());
  const armed =
    !!room &&
    s.role === "racer" &&
    !s.gone &&
    !s.standings &&
    (room.phase === "countdown" || room.phase === "racing" || waitingRun(room)) &&
    !s.mirror.finished;
  if (armed !== input.enabled) input.setEnabled(armed);
  const net = netState(armed);
  if (net !== byId("net-state").dataset.state) setNet(net);
  const text = hintText({
    room,
    spectator: s.role === "spectator",
    finished: s.mirror?.finished,
    waiting: !!room && conn.serverNow() < room.starts_at,
    focused: input.focused,
    restart: restartKey(),
    skipIndent: s.course?.skipIndent, // off for a racer who types their own indentation
  });
  if (text !== lastHint) byId("hint").textContent = lastHint = text;
  moveGhost(render);
  requestAnimationFrame(frame);
}

function netState(armed) {
  if (conn.connected) return "online";
  if (!conn.player) return "connecting";
  const paused = conn.downFor() > PAUSE_AFTER_MS;
  return paused && armed ? "paused" : "down";
}
