// Once a frame: the clock, whether the keyboard is taken, the network state, the hint line
// and the ghost's caret.
import { byId } from "./dom.js";
import { drawGhosts, moveGhost } from "./ghost-race.js";
import { hintText } from "./hints.js";
import { restartKey } from "./instant.js";
import { input, sender, waitingRun } from "./keys.js";
import { render } from "./paint.js";
import { conn, s } from "./race-state.js";
import { moveRoomGhosts } from "./room-ghosts.js";
import { seatHint } from "./seat.js";
import { netState, setNet, tickClock } from "./status.js";

let lastHint = null;

export function frame() {
  const room = s.room;
  tickClock(room, conn.serverNow(), s.role === "racer" ? s.me : null);
  const armed =
    !!room &&
    s.role === "racer" &&
    !s.gone &&
    !s.standings &&
    (room.phase === "countdown" || room.phase === "racing" || waitingRun(room)) &&
    !s.mirror.finished;
  const paused = sender.paused;
  if ((armed && !paused) !== input.enabled) input.setEnabled(armed && !paused);
  const net = netState(conn, armed, paused);
  if (net !== byId("net-state").dataset.state) setNet(net);
  const text =
    seatHint() ?? // another tab holds the seat (seat.js)
    hintText({
      room,
      spectator: s.role === "spectator",
      finished: s.mirror?.finished,
      waiting: !!room && conn.serverNow() < room.starts_at,
      focused: input.focused,
      restart: restartKey(),
      paused: paused && armed,
      skipIndent: s.course?.skipIndent, // off for a racer who types their own indentation
    });
  if (text !== lastHint) byId("hint").textContent = lastHint = text;
  moveGhost(render);
  moveRoomGhosts(render, drawGhosts);
  requestAnimationFrame(frame);
}
