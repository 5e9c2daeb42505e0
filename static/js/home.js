// Home: the quick-race language is remembered; every way in carries it; the name is kept.
import { byId, el, fill } from "./dom.js";
import { languageName } from "./languages.js";
import * as identity from "./identity.js";
import { watchPresence } from "./presence.js";

const select = byId("quick-language");
const remembered = identity.savedLanguage();
if ([...select.options].some((o) => o.value === remembered)) select.value = remembered;

function links() {
  const language = select.value;
  identity.saveLanguage(language);
  for (const id of ["create-room", "practise"]) {
    const link = byId(id);
    const url = new URL(link.href, location.href);
    if (language === "any") url.searchParams.delete("language");
    else url.searchParams.set("language", language);
    link.href = url.pathname + url.search;
  }
}
const presence = watchPresence(byId("presence"), byId("presence-list"), () => select.value);
select.addEventListener("change", () => {
  links();
  glance();
  presence.show();
});
links();
glance();

/** Today's top five for the chosen language, from the leaderboard API (hidden if empty). */
async function glance() {
  const language = select.value === "any" ? "python" : select.value;
  const box = byId("leaderboard");
  try {
    const res = await fetch(`/api/leaderboard?language=${language}&period=today&limit=5`);
    if (!res.ok) throw new Error(String(res.status));
    const board = await res.json();
    byId("leaderboard-language").textContent = `· ${languageName(language)}`;
    byId("leaderboard-more").href = `/leaderboard?language=${language}&period=today`;
    fill(
      byId("leaderboard-top"),
      board.top.map((row) =>
        el(
          "li",
          {},
          el("a", { href: `/players/${row.player_id}` }, row.name),
          el("span", { class: "meta" }, ` ${row.net_wpm.toFixed(1)} wpm`),
        ),
      ),
    );
    box.hidden = !board.top.length;
  } catch {
    box.hidden = true;
  }
}

const nameInput = byId("home-name");
nameInput.value = identity.savedName() || "";
byId("home-name-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const msg = byId("home-name-msg");
  if (!nameInput.value.trim()) {
    identity.saveName(null);
    msg.textContent = "A guest name will be picked for you.";
    return;
  }
  const { name, error } = identity.checkName(nameInput.value);
  if (error) {
    msg.textContent = error;
    return;
  }
  identity.saveName(name);
  nameInput.value = name;
  msg.textContent = "Saved.";
});
