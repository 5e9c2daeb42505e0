// Keystroke batches: every period the server asks for (its tick period, 200 ms unless a
// busy worker widens it: opponents see progress once a tick anyway), one in flight,
// numbered per round, resent after a drop.
const BATCH_MS = 200;
//: The periods the server may ask for are kept within these (ms).
const FASTEST_MS = 100;
const SLOWEST_MS = 1000;
const MAX_KEYS = 256;
const RETRY_MS = 150;
const ACK_TIMEOUT_MS = 2000;
//: Keys older than this when the connection comes back are dropped: the server would flag
//: them as stale (it takes keys up to 5 s after their own time). No key is taken while the
//: connection is known to be down (`paused`), so only keys typed in the moment before the
//: page learnt of a drop can be this old, and the page says so when it drops them.
const STALE_MS = 4500;
//: Refusals worth sending the same batch again for, a little later.
const RETRY = new Set(["not_started", "busy", "unavailable", "rate_limited"]);
//: Refusals after which the round's typing is over for this tab.
const FINAL = new Set([
  "time_up",
  "stale_round",
  "left",
  "not_racer",
  "no_such_room",
  "bad_payload",
  "seat_moved", // another tab of this browser types into the seat now
]);

/**
 * Queues typed keys and sends them as `keys` batches. Each queued item is
 * {t, key, pos, err}: the key and the mirror's state after it, to check acks against.
 * Callbacks: onAck(ack, batch), onRefused(answer).
 */
export class KeySender {
  constructor(conn, { onAck, onRefused }) {
    this.conn = conn;
    this.onAck = onAck;
    this.onRefused = onRefused;
    this.code = null;
    this.round = 0;
    this.seq = 0;
    this.queue = [];
    this.inflight = null;
    this.active = false;
    this.held = false;
    this.starting = false;
    this.timer = null;
    this.attempt = 0;
    this.period = BATCH_MS;
  }

  /** Send batches every `ms` from now on (the server's `every`, kept within bounds). */
  pace(ms) {
    if (!Number.isFinite(ms)) return;
    const period = Math.min(SLOWEST_MS, Math.max(FASTEST_MS, Math.round(ms)));
    if (period === this.period) return;
    this.period = period;
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = setInterval(() => this.flush(), this.period);
    }
  }

  /** Hold batches back (the connection dropped) until `resume`. */
  hold() {
    this.held = true;
  }

  /** Hold batches back until `release`: a practice run's first key has asked the server
   * to start its clock (`go`), and the keys go out timed from the start it answers. */
  holdForStart() {
    this.starting = true;
  }

  /** Send the batches held back by `holdForStart` (the run's clock has started). */
  release() {
    this.starting = false;
    this.flush();
  }

  /** Tell whether typing is paused: the connection is down, or back but the server's state
   * of this seat not taken yet (`resume`). A key typed now could not be sent in time. */
  get paused() {
    return this.held || !this.conn.connected;
  }

  /** Start (or restart) sending for a round, from the server's batch count. */
  begin(code, round, seq) {
    this.code = code;
    this.round = round;
    this.seq = seq;
    this.queue = [];
    this.inflight = null;
    this.active = true;
    this.held = false;
    this.starting = false;
    this.attempt += 1;
    if (this.timer === null) this.timer = setInterval(() => this.flush(), this.period);
  }

  /** Stop sending (the round is over, or this tab may not type). */
  stop() {
    this.active = false;
    this.queue = [];
    this.inflight = null;
    this.attempt += 1;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Queue one key with the mirror state after it. */
  push(item) {
    if (this.active) this.queue.push(item);
  }

  /** Return the items not yet acknowledged (in flight first), in typing order. */
  pending() {
    return this.inflight ? [...this.inflight.items, ...this.queue] : [...this.queue];
  }

  /** Send the next batch if none is in flight. */
  flush() {
    if (!this.active || this.held || this.starting || !this.conn.connected) return;
    if (this.inflight === null) {
      if (!this.queue.length) return;
      const items = this.queue.splice(0, MAX_KEYS);
      this.inflight = { seq: this.seq, items, sent: false };
    }
    if (this.inflight.sent) return;
    this.#send(this.inflight);
  }

  /**
   * The page is going away: send every key still queued now, without waiting for acks.
   * A connection's messages are taken in order, so the next numbers are safe to send,
   * and so are keys waiting for a run's start: its `go` went out before them.
   */
  flushAll() {
    if (!this.active || this.held || !this.conn.connected) return;
    this.starting = false;
    // The batch in flight goes again, even one waiting to be retried: a repeat is
    // answered as a duplicate, and the batches after it need it applied first.
    if (this.inflight) this.inflight.sent = false;
    this.flush();
    let seq = this.inflight ? this.inflight.seq + 1 : this.seq;
    while (this.queue.length) {
      this.conn.request("keys", this.#payload(seq, this.queue.splice(0, MAX_KEYS)));
      seq += 1;
    }
  }

  /** The `keys` message for batch number `seq` of the round. */
  #payload(seq, items) {
    const keys = items.map((item) => [item.t, item.key]);
    return { code: this.code, round: this.round, seq, keys };
  }

  async #send(batch) {
    batch.sent = true;
    const attempt = this.attempt;
    const payload = this.#payload(batch.seq, batch.items);
    const ack = await this.conn.request("keys", payload, ACK_TIMEOUT_MS);
    if (attempt !== this.attempt || this.inflight !== batch) return; // resumed or stopped since
    if (ack.ok) {
      this.seq = ack.seq;
      this.inflight = null;
      this.pace(ack.every);
      this.onAck(ack, batch);
      return;
    }
    if (ack.code === "offline") {
      batch.sent = false; // resent after the resume
    } else if (ack.code === "timeout") {
      // No answer in time: the connection is probably dead without knowing it yet.
      batch.sent = false;
      this.conn.reconnectNow();
    } else if (RETRY.has(ack.code)) {
      const wait = Number.isFinite(ack.retry_ms) ? ack.retry_ms : RETRY_MS * 4;
      setTimeout(
        () => {
          if (this.inflight === batch) batch.sent = false;
        },
        ack.code === "not_started" ? RETRY_MS : wait,
      );
    } else if (FINAL.has(ack.code)) {
      this.stop();
      this.onRefused(ack);
    } else {
      // Refused and not applied (seq_gap, bad_timestamp, ...): the server's state is the
      // truth; the controller resumes from it and the keys typed since are replayed on top.
      this.inflight = null;
      this.onRefused(ack);
    }
  }

  /**
   * Resume after a reconnect from the server's `you`: drop what the server already has,
   * renumber what it lacks. Returns {items, lost}: the items to replay on the server's
   * state, and how many too-old keys were dropped instead of sent.
   */
  resume(you, nowT) {
    this.attempt += 1;
    this.held = false;
    this.seq = you.seq;
    let items = this.queue;
    if (this.inflight && this.inflight.seq >= you.seq) items = [...this.inflight.items, ...items];
    this.inflight = null;
    let lost = 0;
    if (items.length && nowT - items[0].t > STALE_MS) {
      lost = items.length;
      items = [];
    }
    this.queue = items;
    return { items, lost };
  }
}

/** Say what became of `lost` keys that `resume` dropped (typed just before the page knew
 * the connection had dropped, and too old by the time it was back). */
export function lostText(lost) {
  const keys = lost === 1 ? "1 key" : `${lost} keys`;
  return (
    `${keys} typed just before the connection dropped arrived too late to count; ` +
    "carry on from the caret."
  );
}
