// Logging out: the browser's token names the account's player; forget it (in every tab),
// so the browser plays as a new guest.
import { saveToken } from "./identity.js";

document.getElementById("logout-form").addEventListener("submit", () => saveToken(null));
