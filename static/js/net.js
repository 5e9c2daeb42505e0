// The socket: connecting with this browser's identity (and this tab's id), requests with
// acks, and server clock sync.
import { io } from "socket.io-client";
import * as identity from "./identity.js";

const PROBES = 5;
const REQUEST_TIMEOUT_MS = 5000;
//: Requests that seat the player: each carries `seating` (the seat's settings, settings.js).
const SEATING = new Set(["quick", "create", "practice", "join"]);
/** How long the page shows that its session ended before it reloads as a guest. */
const REVOKED_RELOAD_MS = 3000;

const clientNow = () => performance.timeOrigin + performance.now();

/** A random balance token: a load balancer in front keeps a connection's requests on one
 * worker by it (deploy/nginx.conf), and a new token may reach another worker. */
const balanceToken = () => Math.random().toString(36).slice(2, 10);

/** How long to wait before try number `tries` (from 1): doubling from `baseMs`, at most
 * 15 s, jittered by a quarter either way so refused pages do not come back together. */
export function retryDelay(tries, baseMs) {
  return Math.min(15000, baseMs * 2 ** tries) * (0.75 + Math.random() / 2);
}

/**
 * One Socket.IO connection. Emits (as DOM events on itself):
 * "welcome" (detail: {player_id, name, token}), "ready" (connected, clock synced),
 * "down" (connection lost), "revoked" (detail: {message}; the account's session ended, the
 * page reloads as a guest shortly), and "event" (detail: {name, data}) for every server event.
 */
export class Connection extends EventTarget {
  constructor() {
    super();
    this.offset = 0;
    this.rtt = null;
    this.player = null;
    this.connected = false;
    this.refusals = 0;
    this.downSince = null;
    this.seating = {};
    this.socket = io({
      auth: (cb) => cb(this.#auth()),
      transports: ["websocket", "polling"],
      query: { lb: balanceToken() },
      reconnectionDelay: 300,
      reconnectionDelayMax: 1500,
      randomizationFactor: 0.3,
    });
    this.socket.on("welcome", (data) => this.#welcome(data));
    this.socket.on("disconnect", () => this.#down());
    this.socket.on("connect_error", (err) => this.#refused(err));
    this.socket.on("error", (err) => this.#revoked(err));
    this.socket.on("session_revoked", (data) => this.#sessionEnded(data));
    this.socket.onAny((name, data) => this.#fire("event", { name, data }));
    // The browser knows before the socket does: drop at once, reconnect as soon as it is back.
    window.addEventListener("offline", () => this.socket.io.engine?.close());
    window.addEventListener("online", () => {
      if (!this.socket.connected) this.socket.disconnect().connect(); // skip the backoff wait
    });
    // Another tab now plays as another player (it started afresh, or logged in or out):
    // follow it, so every tab of the browser is one player.
    identity.onPlayerChange((player) => {
      if (player && this.player && player.id !== this.player.id && this.socket.connected)
        this.socket.disconnect().connect();
    });
  }

  #auth() {
    const auth = { tab: identity.tabId() };
    const token = identity.token();
    const name = identity.savedName();
    if (token) auth.token = token;
    if (name && !identity.checkName(name).error) auth.name = name;
    return auth;
  }

  #fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  async #welcome(data) {
    this.player = { id: data.player_id, name: data.name };
    identity.saveToken(data.token);
    this.offset = data.server_ms - clientNow();
    this.#fire("welcome", data);
    await this.sync();
    if (!this.socket.connected) return;
    this.connected = true;
    this.downSince = null;
    this.refusals = 0;
    this.#fire("ready", this.player);
  }

  // A handshake the server refused (busy, rate_limited) is not retried by the client
  // library: try again later ourselves, a little later each time.
  #refused(err) {
    this.#down();
    if (this.socket.active) return; // a transport error: the library reconnects by itself
    this.refusals = (this.refusals || 0) + 1;
    const data = (err && err.data) || {};
    const code = data.code || "refused";
    if (code === "busy") this.#rebalance(); // this worker is full: try for another
    // A rate limit says when it has room again; the first tries after it are spread a little.
    const wait = Number.isFinite(data.retry_ms)
      ? data.retry_ms + Math.random() * 250
      : retryDelay(this.refusals, 1000);
    this.#fire("refused", { code, message: err && err.message, retry_ms: wait });
    setTimeout(() => this.socket.connect(), wait);
  }

  // The server closes a socket whose identity it could not check at the handshake and
  // then found stale: a tab token of a player who has since registered starts afresh as
  // a new guest; a logged-out (or re-passworded) cookie goes to log in again.
  #revoked(err) {
    if (!err || err.event !== "connect") return;
    if (err.code === "token_revoked") {
      identity.saveToken(null);
      setTimeout(() => this.socket.connect(), 300);
    } else if (err.code === "session_revoked") {
      location.assign("/login");
    }
  }

  // The account's session ended while this socket was open (a logout or a password change,
  // in this browser or another): the server closes the socket soon if it has not yet. If
  // this browser is still logged in (it changed the password), connect again with its new
  // cookie; otherwise say so, forget the account's token, and reload as a guest.
  async #sessionEnded(data) {
    if (this.ending) return;
    this.ending = true;
    let me = null;
    try {
      const answer = await fetch("/api/me", { credentials: "same-origin" });
      if (answer.ok) me = await answer.json();
    } catch {
      /* offline: treat as logged out, the reload sorts it out */
    }
    if (me) {
      this.ending = false;
      this.socket.disconnect().connect();
      return;
    }
    identity.saveToken(null);
    this.socket.disconnect();
    this.#fire("revoked", { message: (data && data.message) || "This session has ended." });
    setTimeout(() => location.reload(), REVOKED_RELOAD_MS);
  }

  #down() {
    if (this.downSince === null) this.downSince = performance.now();
    const was = this.connected;
    this.connected = false;
    if (was) this.#fire("down", null);
  }

  #rebalance() {
    this.socket.io.opts.query.lb = balanceToken();
  }

  /**
   * Leave this worker (it is full) and connect again in `delayMs` with a new balance
   * token, so that the load balancer may send us to another worker.
   */
  moveElsewhere(delayMs) {
    this.#rebalance();
    this.socket.disconnect();
    setTimeout(() => this.socket.connect(), delayMs);
  }

  /** Drop the connection and reconnect at once (it has stopped answering). */
  reconnectNow() {
    if (this.socket.connected) this.socket.io.engine?.close();
  }

  /** Return how long the connection has been down (ms), or 0 while up. */
  downFor() {
    return this.downSince === null ? 0 : performance.now() - this.downSince;
  }

  /** Estimate the server clock: offset of the lowest-RTT probe out of a few. */
  async sync() {
    let best = null;
    for (let i = 0; i < PROBES; i += 1) {
      const c = clientNow();
      const ack = await this.request("sync", { c }, 2000);
      const back = clientNow();
      if (!ack.ok) continue;
      const rtt = back - c;
      if (best === null || rtt < best.rtt) best = { rtt, offset: ack.s - (c + rtt / 2) };
    }
    if (best !== null) {
      this.offset = best.offset;
      this.rtt = best.rtt;
    }
  }

  /** Return the server's clock now (ms since the epoch), by the synced offset. */
  serverNow() {
    return clientNow() + this.offset;
  }

  /**
   * Send a request; resolve with the server's answer ({ok: true, ...} or {ok: false, code,
   * message}), or {ok: false, code: "offline" | "timeout"} when no answer can come.
   */
  request(event, payload, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (SEATING.has(event)) payload = { ...payload, ...this.seating };
    return new Promise((resolve) => {
      if (!this.socket.connected) {
        resolve({ ok: false, code: "offline", message: "not connected" });
        return;
      }
      this.socket.timeout(timeoutMs).emit(event, payload, (err, answer) => {
        if (err) resolve({ ok: false, code: "timeout", message: "no answer from the server" });
        else resolve(answer);
      });
    });
  }

  /** Ask the server to change the display name; remember it if accepted. */
  async setName(raw) {
    const { name, error } = identity.checkName(raw);
    if (error) return { ok: false, code: "bad_name", message: error };
    const answer = await this.request("set_name", { name });
    if (answer.ok) {
      identity.saveName(answer.name);
      identity.saveToken(answer.token);
      this.player = { ...this.player, name: answer.name };
    }
    return answer;
  }
}
