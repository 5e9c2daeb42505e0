// Language names as every page shows them ("JavaScript", not "javascript"). The one mapping
// is the server's (race.core.snippet.LANGUAGE_NAMES), handed over by base.html.

let names = null;

/** Return the name a page shows for a language id (an unknown id is shown as it is). */
export function languageName(id) {
  if (names === null) {
    try {
      names = JSON.parse(document.getElementById("language-names")?.textContent || "{}");
    } catch {
      names = {};
    }
  }
  return names[id] || id;
}
