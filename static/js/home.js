// Home: the quick-race language is remembered; every way in carries it; the name is kept.
import { byId } from "./dom.js";
import * as identity from "./identity.js";

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
select.addEventListener("change", links);
links();

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
