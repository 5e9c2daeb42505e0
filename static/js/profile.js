// A profile page: when it is this browser's guest's own, the server is shown its token
// once (POST /api/me/guest), so the page lists the guest's private races too.
import { tabPlayer, token } from "./identity.js";

const root = document.getElementById("profile");

/** Ask the server to remember that this browser plays as its guest. */
async function prove() {
  try {
    const res = await fetch("/api/me/guest", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token() }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

const player = tabPlayer();
const shown = root.dataset.player;
if (!shown) {
  // /players/me for a guest: find this browser's player, then show their profile.
  if (player) {
    await prove();
    location.replace(root.dataset.url.replace("PLAYER", player.id));
  } else {
    document.getElementById("me-msg").textContent =
      "This browser has not raced yet: play a race first, or log in.";
  }
} else if (player && player.id === shown && root.dataset.mine !== "1" && (await prove())) {
  location.reload();
}
