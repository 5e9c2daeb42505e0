// Logging out: the tab's token names the account's player; forget it, so the tab plays as
// a new guest.
import { saveToken } from "./identity.js";

document.getElementById("logout-form").addEventListener("submit", () => saveToken(null));
