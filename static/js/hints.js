// The line under the code: what the keys do now, in every state of the page.

/**
 * Return the hint for this moment. `practice`: this tab races a practice room; `restart`:
 * its restart key; `waiting`: before the start; `finished`: this racer's run is done;
 * `focused`: the typing area has the keyboard; `paused`: the connection is down mid-run;
 * `skipIndent`: Enter fills in indentation for this racer (off when they type their own;
 * the room's rules if not given).
 */
export function hintText({
  room,
  spectator,
  finished,
  waiting,
  focused,
  restart,
  paused,
  skipIndent,
}) {
  if (!room) return "";
  if (paused && !finished && !spectator && room.phase !== "finished")
    return "Typing is paused while the connection is down; it resumes when you are back.";
  const practice = room.kind === "practice" && !spectator;
  const again = practice ? ` · ${restart} starts again` : "";
  if (room.phase === "finished" || (practice && finished)) {
    if (spectator) return "The race is over.";
    if (practice)
      return room.snippet.id === "custom"
        ? `Enter or ${restart}: type it again`
        : `Enter: next snippet · ${restart}: this one again`;
    return room.kind === "quick" ? "Enter: race again" : "";
  }
  if (spectator) return "You are watching: the colored carets show where each racer is.";
  // With skip_indent (the default) Enter types the next line's indentation too (typing it
  // anyway costs nothing: it is absorbed); without it (own indentation), Tab types one level.
  const filled = skipIndent ?? room.rules?.skip_indent !== false;
  const keys = filled ? "Enter ends a line and indents the next" : "Enter ends a line · Tab indents";
  if (practice && room.phase === "lobby")
    return `Start typing: the clock starts with your first key · ${keys}${again}`;
  if (room.phase === "lobby") return "The race has not started yet: read the code while you wait.";
  if (finished) return "Done! Waiting for the others…";
  if (room.phase === "countdown" && waiting) {
    return filled
      ? "Get ready. Enter ends a line and fills in the next one's indentation."
      : "Get ready. Enter ends a line; type the indentation yourself (Tab types one level).";
  }
  if (!focused) return `Click the code or start typing to carry on${again}.`;
  return `${keys} · Backspace fixes${again} · Esc lets go of the keyboard`;
}
