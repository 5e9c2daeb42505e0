// Who this tab is: the server's token (per tab, sessionStorage) and the chosen name and language.
const TOKEN = "coderace.token";
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

/** Return this tab's token (two tabs are two players), or null. */
export const token = () => get(sessionStorage, TOKEN);
/** Return a profile's address from a pattern whose placeholder is PLAYER. */
export const profileUrl = (pattern, id) => pattern.replace("PLAYER", encodeURIComponent(id));
/** Return the player this tab plays as ({id, name}), read from its token, or null. The
 * token is signed by the server, which checks it whenever it matters; here its payload
 * (base64 JSON) is only read. */
export function tabPlayer() {
  const raw = token();
  if (!raw || raw.startsWith(".")) return null;
  try {
    const part = raw.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const data = JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
    return typeof data.p === "string" ? { id: data.p, name: data.n } : null;
  } catch {
    return null;
  }
}
/** Keep the token the server gave this tab. */
export const saveToken = (value) => put(sessionStorage, TOKEN, value);
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
