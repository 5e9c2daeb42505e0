// Practice at typing speed: a restart key starts the run again at any moment, Enter after
// a run goes on (the next snippet in practice, the next race in a quick race), and those
// keys work wherever the keyboard is on the page, so it is never stuck after a run.
import { byId, reducedMotion } from "./dom.js";
import { adopt } from "./joining.js";
import { actWay, conn, s } from "./race-state.js";
import { RESTART_KEYS, settings } from "./settings.js";
import { notify } from "./status.js";
import { patient } from "./wayon.js";

export { RESTART_KEYS };
//: A run just finished is being scored: ask again this often, this many times.
const SCORING_RETRY_MS = 300;
const SCORING_TRIES = 10;

/** Return the restart key this browser chose (settings.js checked it), or the default. */
export function restartKey() {
  return settings.restartKey;
}

function isRestart(e) {
  if (e.key !== "Tab" || e.ctrlKey || e.altKey || e.metaKey) return false;
  return restartKey() === (e.shiftKey ? "Shift+Tab" : "Tab");
}

/** Tell whether this tab races a practice room (its runs may restart). */
export function practising() {
  return !!s.room && s.room.kind === "practice" && s.role === "racer" && !s.gone;
}

/** Tell whether this tab's run is over (finished, or the round's results are in). */
export function afterRun() {
  return !!s.room && (!!s.standings || s.room.phase === "finished" || !!s.mirror?.finished);
}

/** Start the practice run again (on another snippet of its language if `next`); a run
 * finished this instant is scored first, so ask again until it is. */
export async function restart(next = false) {
  if (!practising() || s.restarting) return;
  s.restarting = true;
  const showing = !byId("results").hidden;
  try {
    for (let tries = 0; tries < SCORING_TRIES; tries++) {
      const payload = next ? { code: s.room.code, next: true } : { code: s.room.code };
      const answer = await patient(conn, "restart", payload, actWay); // waits out a rate limit
      if (answer.ok) {
        adopt(answer.room, answer.you);
        if (showing) byId("code").scrollIntoView({ behavior: motion(), block: "center" });
        return;
      }
      if (answer.code === "superseded") return; // a newer click took over
      if (answer.code !== "scoring") {
        notify(answer.message || "Could not start again.", "error");
        return;
      }
      await new Promise((done) => setTimeout(done, SCORING_RETRY_MS));
    }
  } finally {
    s.restarting = false;
  }
}

function motion() {
  return reducedMotion() ? "auto" : "smooth";
}

/** After a run, Enter takes the way on: the next snippet, or the next quick race. */
function goOn() {
  if (practising() && s.room.snippet.id !== "custom") return restart(true);
  if (practising()) return restart(false);
  const again = byId("again-btn");
  if (!again.hidden && s.standings) again.click();
}

/** Wire the keys (capture: before the typing area takes them, wherever the focus is on
 * the page but on a control, which keeps its own Enter and Tab). */
export function wireInstantKeys() {
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.defaultPrevented || e.isComposing || e.repeat) return;
      const t = e.target;
      const onPage =
        t === document.body || t === document.documentElement || t === byId("type-input");
      if (!onPage) return;
      if (isRestart(e) && practising()) {
        e.preventDefault();
        e.stopPropagation();
        restart(false);
      } else if (e.key === "Enter" && !e.shiftKey && afterRun()) {
        e.preventDefault();
        e.stopPropagation();
        goOn();
      }
    },
    true,
  );
}
