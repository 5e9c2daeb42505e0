// A refused action's way on: why it was refused, a countdown from the server's `retry_ms`
// that tries again by itself, a button where trying again at once makes sense, and a way
// home. It stays until the action goes through: never a message that fades and leaves the
// page waiting on nothing.
import { el, fill } from "./dom.js";

//: At most this many tries in a row by `patient` before it gives the refusal back.
const MAX_WAITS = 5;

/** Return a refusal's reason as a sentence start: "too many new rooms from your address;
 * try again in 12 s" → "Too many new rooms from your address". */
export function reasonOf(answer, fallback = "That did not work") {
  const why = (answer.message || "").split(";")[0].trim() || fallback;
  return why[0].toUpperCase() + why.slice(1);
}

/** Return what a wait says: "Too many new rooms from your address; trying again in 12 s". */
export function waitText(why, ms) {
  return `${why}; trying again in ${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** Tell whether a refusal says when to try again. */
export function says(answer) {
  return !answer.ok && Number.isFinite(answer.retry_ms) && answer.retry_ms >= 0;
}

/**
 * One panel (`box`: a heading, a message, an actions row) that shows a refusal until the
 * action goes through. `title`, if given, is a heading elsewhere that says "Loading…"
 * until a room is there: it says what is going on instead.
 */
export class WayOn {
  constructor(box, { title = null, home = "/" } = {}) {
    this.box = box;
    this.msg = box.querySelector("[data-wayon-msg]");
    this.row = box.querySelector("[data-wayon-actions]");
    this.title = title;
    this.home = home;
    this.timer = null;
    this.waiting = null; // the resolve of the countdown in progress
  }

  /** Take a refusal of an action that `again()` repeats: count down and repeat it when
   * the refusal says when; otherwise offer a button to try again. */
  refused(answer, again) {
    if (says(answer)) {
      this.countdown(reasonOf(answer), answer.retry_ms).then((go) => go && again());
    } else this.offer(reasonOf(answer, "Could not get you into a race"), again);
  }

  /** Show `why` with a countdown of `ms`; resolve true when it runs out (false if cleared
   * or replaced first). */
  countdown(why, ms) {
    this.#stop(false);
    const end = performance.now() + ms;
    const draw = () => {
      this.msg.textContent = waitText(why, end - performance.now());
    };
    draw();
    this.#show([]);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.timer = setInterval(() => {
        if (performance.now() < end) draw();
        else this.#stop(true);
      }, 250);
    });
  }

  /** Show `why` with a "Try again" button that calls `again()`. */
  offer(why, again) {
    this.#stop(false);
    this.msg.textContent = `${why}.`;
    const retry = el("button", { type: "button", class: "primary" }, "Try again");
    retry.addEventListener("click", () => {
      this.clear();
      again();
    });
    this.#show([retry]);
    retry.focus({ preventScroll: true });
  }

  /** A new action starts: a countdown of an older one stops, and that one is not sent
   * again (the newer one says what the person wants now). */
  claim() {
    if (this.waiting) this.clear();
  }

  /** The action went through (or no longer matters): hide the panel. */
  clear() {
    this.#stop(false);
    this.box.hidden = true;
  }

  #show(buttons) {
    fill(this.row, ...buttons, el("a", { class: "button", href: this.home }, "Home"));
    this.box.hidden = false;
    if (this.title?.textContent === "Loading…") this.title.textContent = "Not in a race yet";
  }

  #stop(done) {
    clearInterval(this.timer);
    this.timer = null;
    const resolve = this.waiting;
    this.waiting = null;
    if (resolve) {
      if (done) this.box.hidden = true;
      resolve(done);
    }
  }
}

/**
 * Send a request; while it is refused with a `retry_ms`, show the countdown in `way` and
 * send it again when it runs out (at most MAX_WAITS times). Resolve with the last answer,
 * or {ok: false, code: "superseded"} if a newer action (or wait) took the panel meanwhile.
 */
export async function patient(conn, event, payload, way) {
  way.claim();
  for (let tries = 0; ; tries++) {
    const answer = await conn.request(event, payload);
    if (!says(answer) || tries >= MAX_WAITS) {
      if (answer.ok) way.clear();
      return answer;
    }
    if (!(await way.countdown(reasonOf(answer), answer.retry_ms)))
      return { ok: false, code: "superseded", message: "" };
  }
}
