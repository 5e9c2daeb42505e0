// Settings kept per browser: code size, smooth caret, typing one's own indentation, the
// restart key (one JSON key in localStorage, checked field by field on read), and the
// settings panel of the race page, which shows the theme (theme.js keeps it) beside them.
import { chooseTheme, themeChoice } from "./theme.js";

const KEY = "coderace.settings";
//: A stored value longer than this is not read (it cannot be one this page wrote).
const MAX_STORED = 512;
//: Code sizes offered (px); null is the page's own size (smaller on a phone).
export const SIZES = [12, 14, 16, 18, 20, 22, 24];
//: The restart keys a player may choose (instant.js). Shift+Tab by default: Tab itself is a
//: key of the code (typed where indentation is, out of habit, it is absorbed).
export const RESTART_KEYS = ["Shift+Tab", "Tab"];
export const DEFAULTS = Object.freeze({
  fontSize: null,
  smoothCaret: true,
  ownIndent: false,
  restartKey: RESTART_KEYS[0],
});

const root = document.documentElement;

/** Return the settings a stored string holds: each field checked, a bad one at its default. */
export function parseSettings(raw) {
  let data = null;
  try {
    data = typeof raw === "string" && raw.length <= MAX_STORED ? JSON.parse(raw) : null;
  } catch {
    data = null;
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) return { ...DEFAULTS };
  return {
    fontSize: SIZES.includes(data.fontSize) ? data.fontSize : DEFAULTS.fontSize,
    smoothCaret: typeof data.smoothCaret === "boolean" ? data.smoothCaret : DEFAULTS.smoothCaret,
    ownIndent: typeof data.ownIndent === "boolean" ? data.ownIndent : DEFAULTS.ownIndent,
    restartKey: RESTART_KEYS.includes(data.restartKey) ? data.restartKey : DEFAULTS.restartKey,
  };
}

function read() {
  try {
    return parseSettings(localStorage.getItem(KEY));
  } catch {
    return { ...DEFAULTS }; // storage blocked: defaults, for this page
  }
}

/** This browser's settings (change them with `saveSettings`). */
export const settings = read();
/** The fields every request that seats this player carries (net.js's `seating`). */
export const seatFields = {};
let asked = null; // the own_indent request in flight: "<code>:<own>"

/** Draw the settings that are only looks: the code size and the caret's glide. */
function apply() {
  if (settings.fontSize) root.style.setProperty("--code-size", `${settings.fontSize}px`);
  else root.style.removeProperty("--code-size");
  root.classList.toggle("caret-jumps", !settings.smoothCaret);
  seatFields.own_indent = settings.ownIndent;
}

/** Change some settings, keep them for this browser, and tell the page (`coderace:settings`). */
export function saveSettings(patch) {
  Object.assign(settings, parseSettings(JSON.stringify({ ...settings, ...patch })));
  try {
    localStorage.setItem(KEY, JSON.stringify(settings));
  } catch {
    /* storage blocked: the change lasts for this page */
  }
  apply();
  window.dispatchEvent(new CustomEvent("coderace:settings", { detail: { ...settings } }));
}

/**
 * Bring the server's indentation setting of this player's seat in line with this browser's:
 * it changes in the lobby only (a waiting practice run is in the lobby). Return the note
 * for the panel ("" when they agree).
 */
export function syncIndent(conn, room, me) {
  const seat = room?.racers.find((r) => r.id === me);
  if (!seat || seat.own_indent === settings.ownIndent) return "";
  if (room.phase !== "lobby") return "Applies from the next round.";
  const ask = `${room.code}:${settings.ownIndent}`;
  if (asked !== ask) {
    asked = ask;
    conn.request("own_indent", { code: room.code, own: settings.ownIndent }).then(() => {
      if (asked === ask) asked = null;
    });
  }
  return "";
}

/** Wire the race page's settings panel; `onIndent()` runs when own indentation is changed. */
export function wirePanel(onIndent) {
  const size = document.getElementById("set-size");
  const smooth = document.getElementById("set-smooth");
  const own = document.getElementById("set-own-indent");
  const theme = document.getElementById("set-theme");
  const restart = document.getElementById("set-restart");
  if (!size || !smooth || !own || !theme || !restart) return;
  size.value = settings.fontSize ? String(settings.fontSize) : "";
  smooth.checked = settings.smoothCaret;
  own.checked = settings.ownIndent;
  theme.value = themeChoice();
  restart.value = settings.restartKey;
  restart.addEventListener("change", () => saveSettings({ restartKey: restart.value }));
  size.addEventListener("change", () => saveSettings({ fontSize: Number(size.value) || null }));
  smooth.addEventListener("change", () => saveSettings({ smoothCaret: smooth.checked }));
  own.addEventListener("change", () => {
    saveSettings({ ownIndent: own.checked });
    onIndent();
  });
  theme.addEventListener("change", () => chooseTheme(theme.value));
  window.addEventListener("coderace:theme", () => {
    theme.value = themeChoice();
  });
}

apply();
