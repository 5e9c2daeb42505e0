// A finished run, frame by frame, as the server computed it (/api/races/<id>/trace): for
// replays and ghost races. Every position and figure comes from the server; the page only
// picks the frame in force at a moment.

/** Fetch a race's frames (one player's with `player`); throws an Error with a reason. */
export async function loadTrace(raceId, player = null) {
  const query = player ? `?player=${encodeURIComponent(player)}` : "";
  let res;
  try {
    res = await fetch(`/api/races/${encodeURIComponent(raceId)}/trace${query}`);
  } catch {
    throw new Error("the race could not be loaded (offline?)");
  }
  if (res.status === 404) throw new Error("that race or player was not found");
  if (!res.ok) throw new Error("the race could not be loaded; try again later");
  return res.json();
}

/** One player's run: where their cursor was at any moment, and their per-second WPM. */
export class Run {
  constructor(player) {
    this.id = player.player_id;
    this.name = player.name;
    this.place = player.place;
    this.completed = player.completed;
    this.netWpm = player.net_wpm;
    this.durationMs = player.duration_ms;
    this.wpm = player.wpm || [];
    this.frames = player.frames.length ? player.frames : [[0, 0]];
    const last = this.frames[this.frames.length - 1];
    //: When the last key changed anything, and where it left the cursor.
    this.lastMs = last[0];
    this.lastPos = last[1];
    //: When this player's race ended (the time limit, or leaving, may come after the last key).
    this.endMs = Math.max(this.lastMs, player.duration_ms || 0);
  }

  /** Return the state at t ms from the race start: {pos, err, done, wpm}. */
  at(t) {
    const frames = this.frames;
    let lo = 0;
    let hi = frames.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (frames[mid][0] <= t) lo = mid;
      else hi = mid;
    }
    const [, pos, err = ""] = frames[lo];
    const done = this.completed && t >= this.lastMs;
    // The series holds each second's figure as it stood at the second's end.
    const second = Math.min(Math.floor(t / 1000) - 1, this.wpm.length - 1);
    const wpm = done ? this.netWpm : second >= 0 ? this.wpm[second] : 0;
    return { pos, err, done, wpm };
  }
}
