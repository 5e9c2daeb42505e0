// A leaderboard for a guest: ask for this browser's player's rank and show it under the board.
import { tabPlayer } from "./identity.js";

const player = tabPlayer();
const board = document.getElementById("board");
if (player && board) {
  const url = new URL(board.dataset.api, location.href);
  new URLSearchParams(location.search).forEach((v, k) => url.searchParams.set(k, v));
  url.searchParams.set("player", player.id);
  fetch(url).then((res) => (res.ok ? res.json() : null)).then((found) => {
    const you = found && found.you;
    if (!you) return;
    const mine = document.querySelector(`#board tr[data-player="${you.player_id}"]`);
    if (mine) {
      mine.classList.add("me");
      return;
    }
    const row = document.createElement("tr");
    row.className = "me";
    const cells = [
      String(you.rank), `${you.name} (you)`, you.net_wpm.toFixed(1), you.raw_wpm.toFixed(1),
      `${you.accuracy.toFixed(1)}%`, `${(you.duration_ms / 1000).toFixed(1)} s`, you.finished_at.slice(0, 10),
    ];
    for (const [i, text] of cells.entries()) {
      const cell = document.createElement("td");
      cell.textContent = text;
      if (i !== 1 && i !== 6) cell.className = "num";
      row.append(cell);
    }
    document.getElementById("you").append(row);
  });
}
