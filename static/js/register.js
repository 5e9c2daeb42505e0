// Registering: send this browser's token (its player's races become the account's) and say
// which player that is.
import { token } from "./identity.js";
import { profileUrl, tabPlayer } from "./identity.js";

const field = document.getElementById("token");
if (field && !field.value) field.value = token() || "";
const player = tabPlayer();
const note = document.getElementById("as-player");
if (player && note) {
  const link = document.createElement("a");
  link.href = profileUrl(note.dataset.profile, player.id);
  link.textContent = player.name;
  note.textContent = "You are playing as ";
  note.append(link, ": the races of that player become your account's history.");
}
