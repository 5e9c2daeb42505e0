// A ghost race: practise a snippet against a stored run (yours or anyone's), drawn as a
// caret and a lane that move exactly as that run did, from the server's frames.
import { Run, loadTrace } from "./trace.js";

export const GHOST_ID = "ghost";

export class Ghost {
  constructor(trace) {
    this.raceId = trace.race_id;
    this.snippet = trace.snippet;
    this.run = new Run(trace.players[0]);
    this.name = `${this.run.name} (ghost)`;
  }

  /** Load the run a page link names ({race, player}); throws an Error with a reason. */
  static async load(spec) {
    if (!spec.race || !spec.player) throw new Error("the ghost link is broken");
    const trace = await loadTrace(spec.race, spec.player);
    const player = trace.players[0];
    if (player.flagged) throw new Error("that run was flagged by the review");
    if (!player.completed) throw new Error("that run did not finish the snippet");
    const ghost = new Ghost(trace);
    if (ghost.run.lastPos < Array.from(trace.snippet.text).length)
      throw new Error("that run's keystrokes are not stored");
    return ghost;
  }

  /** What to ask the server to practise: the ghost's snippet, by id (so the run counts
   * on its leaderboard), or as custom code: when it was custom, or with `asTyped` when the
   * snippet has changed since the run. */
  pick(asTyped = false) {
    const sn = this.snippet;
    if (sn.id === "custom" || asTyped)
      return { custom: { code: sn.text, language: sn.language, indent: sn.indent } };
    return { snippet_id: sn.id };
  }

  /** Tell whether a room's snippet is the one the ghost typed. */
  fits(snippet) {
    return snippet.text === this.snippet.text;
  }

  /** The ghost as a racer of the room view (for the track's lanes). */
  racer(t) {
    const done = this.run.at(t).done;
    return { id: GHOST_ID, name: this.name, connected: true, left: false, finished: done };
  }

  /** The ghost at t ms from the race start, as a tick entry: {id, pos, done, wpm}. */
  at(t) {
    const { pos, done, wpm } = this.run.at(t);
    return { id: GHOST_ID, pos, done, wpm };
  }
}
