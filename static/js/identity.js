// Who this browser is: the server's token (shared by every tab, localStorage), this tab's
// own id (sessionStorage: a reload keeps it, another tab has its own), and the chosen name
// and language.
const TOKEN = "coderace.token";
const TAB = "coderace.tab";
const NAME = "coderace.name";
const LANGUAGE = "coderace.language";

function get(store, key) {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

function put(store, key, value) {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    /* storage blocked: keep going without it */
  }
}

/** Return this browser's token (every tab plays as its player), or null. A tab from
 * before tokens were shared keeps the one it had. */
export const token = () => get(localStorage, TOKEN) || get(sessionStorage, TOKEN);

/** Return this tab's id (random, kept for the tab's life): the server tells a seat's tab
 * from the browser's other tabs by it, so a reload or a reconnect is this tab again. */
export function tabId() {
  let id = get(sessionStorage, TAB);
  if (!id || !/^[A-Za-z0-9_-]{8,32}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
    put(sessionStorage, TAB, id);
  }
  return id;
}
/** Return a profile's address from a pattern whose placeholder is PLAYER. */
export const profileUrl = (pattern, id) => pattern.replace("PLAYER", encodeURIComponent(id));
/** Return the player this browser plays as ({id, name}), read from its token, or null.
 * The token is signed by the server, which checks it whenever it matters; here its
 * payload (base64 JSON) is only read. */
export const tabPlayer = () => playerOf(token());

function playerOf(raw) {
  if (!raw || raw.startsWith(".")) return null;
  try {
    const part = raw.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const data = JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
    return typeof data.p === "string" ? { id: data.p, name: data.n } : null;
  } catch {
    return null;
  }
}
/** Keep the token the server gave this browser (null forgets it, in every tab). */
export function saveToken(value) {
  put(localStorage, TOKEN, value);
  put(sessionStorage, TOKEN, null);
}

/** Call `fn(player)` when another tab of this browser keeps a token of another player (or
 * forgets it: `player` null), so this tab can follow it. */
export function onPlayerChange(fn) {
  window.addEventListener("storage", (e) => {
    if (e.key === TOKEN && e.storageArea === localStorage) fn(playerOf(e.newValue));
  });
}
/** Return the remembered display name, or null. */
export const savedName = () => get(localStorage, NAME);
/** Remember a display name for future connections. */
export const saveName = (value) => put(localStorage, NAME, value);
/** Return the remembered quick-race language ("any" by default). */
export const savedLanguage = () => get(localStorage, LANGUAGE) || "any";
/** Remember the quick-race language. */
export const saveLanguage = (value) => put(localStorage, LANGUAGE, value);

const NAME_CHARS = /^[\p{L}\p{N}_ .'-]+$/u;

/** Return a name cleaned like the server does, or an error message in `error`. */
export function checkName(raw) {
  const name = String(raw).normalize("NFKC").split(/\s+/).filter(Boolean).join(" ");
  if (name.length < 2 || name.length > 24) return { name, error: "Names are 2–24 characters." };
  if (!NAME_CHARS.test(name)) {
    return { name, error: "Use letters, digits, spaces and . - _ ' only." };
  }
  return { name, error: null };
}
