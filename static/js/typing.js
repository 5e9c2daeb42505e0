// The typing rules, mirrored from race/core/scorer.py so keystrokes render at once.
// The server's fold is the truth: the mirror is reset to its pos/error_run when an ack disagrees.
// Positions count code points, like Python strings (the text is split with Array.from).

const WORD = /^[A-Za-z0-9_]$/;
const isWord = (ch) => WORD.test(ch);
const isBlank = (ch) => ch === " " || ch === "\t";

/** Return what one Tab types for an indent style ("tab" or "spaces:N"). */
export function indentUnit(indent) {
  const match = /^spaces:([1-8])$/.exec(indent || "");
  if (indent === "tab") return "\t";
  return " ".repeat(match ? Number(match[1]) : 4);
}

/** Return the rules a racer types a room's round under: own indentation turns auto-indent off. */
export function seatRules(room, playerId) {
  const seat = room.racers.find((r) => r.id === playerId);
  return seat?.own_indent ? { ...room.rules, skip_indent: false } : room.rules;
}

/** A snippet prepared for typing: its characters and the auto-indentation tables. */
export class Course {
  constructor(text, rules = {}, unit = "    ") {
    const chars = Array.from(text);
    const n = chars.length;
    this.chars = chars;
    this.length = n;
    this.unit = unit;
    this.skipIndent = rules.skip_indent !== false;
    // Spaces and Tabs typed over filled-in indentation are taken in silently (Rules.absorb_indent).
    this.absorbs = this.skipIndent && rules.absorb_indent === true;
    this.maxErrorRun = rules.max_error_run ?? 10;
    this.isAuto = new Array(n + 1).fill(false);
    this.skipTo = Array.from({ length: n + 1 }, (_, i) => i);
    if (this.skipIndent) {
      let lineStart = 0;
      while (lineStart <= n) {
        let end = lineStart;
        while (end < n && isBlank(chars[end])) end += 1;
        for (let i = lineStart; i < end; i += 1) {
          this.isAuto[i] = true;
          this.skipTo[i] = end;
        }
        const nl = chars.indexOf("\n", end);
        if (nl < 0) break;
        lineStart = nl + 1;
      }
    }
    this.autoBefore = new Array(n + 1).fill(0);
    for (let i = 0; i < n; i += 1) this.autoBefore[i + 1] = this.autoBefore[i] + this.isAuto[i];
    this.typeable = n - this.autoBefore[n];
  }

  /** Return the cursor before the first key (past any leading indentation). */
  get start() {
    return this.skipTo[0];
  }

  /** Return what one Tab types after the typed characters (an array): one indent unit. */
  tabText(typed) {
    if (this.unit === "\t") return this.unit;
    const column = typed.length - (typed.lastIndexOf("\n") + 1);
    return " ".repeat(this.unit.length - (column % this.unit.length));
  }

  /** Return how many of the `left` filled-in characters before `pos` one Tab absorbs (0: none). */
  absorbTab(pos, left) {
    const at = pos - left;
    const lineStart = at > 0 ? this.chars.lastIndexOf("\n", at - 1) + 1 : 0;
    const unit = this.tabText(this.chars.slice(lineStart, at));
    if (unit.length > left) return 0;
    for (let i = 0; i < unit.length; i += 1) if (this.chars[at + i] !== unit[i]) return 0;
    return unit.length;
  }

  /** Return the share of typeable characters before a cursor, 0..1. */
  progress(pos) {
    const p = Math.max(0, Math.min(pos, this.length));
    return this.typeable ? (p - this.autoBefore[p]) / this.typeable : 1;
  }
}

/** Return where Ctrl+Backspace stops in the typed characters (an array). */
export function wordCut(typed, end) {
  let i = end;
  while (i > 0 && isBlank(typed[i - 1])) i -= 1;
  if (i > 0 && isWord(typed[i - 1])) {
    while (i > 0 && isWord(typed[i - 1])) i -= 1;
  } else {
    while (i > 0 && !isWord(typed[i - 1]) && !isBlank(typed[i - 1]) && typed[i - 1] !== "\n") {
      i -= 1;
    }
  }
  return end > 0 ? Math.min(i, end - 1) : 0;
}

/**
 * One player's typing state, folded key by key like the server: the cursor, the error run,
 * and `absorb`, the filled-in indentation before the cursor still open to habitual spaces/Tabs.
 */
export class Mirror {
  constructor(course, pos = course.start, errorRun = "", absorb = null) {
    this.course = course;
    this.reset(pos, errorRun, absorb ?? (course.absorbs ? course.start : 0));
  }

  /** Jump to a state the server reported. */
  reset(pos, errorRun = "", absorb = 0) {
    this.pos = pos;
    this.err = Array.from(errorRun);
    this.absorb = absorb;
    this.finished = pos >= this.course.length;
  }

  /** Return the error run as a string. */
  get errorRun() {
    return this.err.join("");
  }

  /** Fold one key: a printable character, "Enter", "Tab", "Backspace" or "C-Backspace". */
  feed(key) {
    if (this.finished) return;
    if (this.absorb && !this.err.length) {
      // Over filled-in indentation: a habitual space or Tab is taken in, typing nothing.
      const c = this.course;
      const reach =
        key === " " ? Number(c.chars[this.pos - this.absorb] === " ")
        : key === "Tab" ? c.absorbTab(this.pos, this.absorb)
        : 0;
      if (reach) {
        this.absorb -= reach;
        return;
      }
    }
    if (key === "Enter") this.#type("\n", true);
    else if (key === "Tab") this.#tab();
    else if (key === "Backspace") this.#backspace();
    else if (key === "C-Backspace") this.#wordBackspace();
    else this.#type(key, true);
  }

  #type(ch, skip) {
    const c = this.course;
    if (!this.err.length && this.pos < c.length && c.chars[this.pos] === ch) {
      this.pos += 1;
      this.absorb = 0; // the cursor moved: the window closes (an Enter opens the next one)
      if (skip && ch === "\n") {
        const landed = c.skipTo[this.pos];
        if (c.absorbs) this.absorb = landed - this.pos;
        this.pos = landed;
      }
      if (this.pos === c.length) this.finished = true;
    } else if (this.err.length < c.maxErrorRun) {
      this.err.push(ch);
    }
  }

  #backOverIndent(pos) {
    let p = pos;
    while (p > 0 && this.course.isAuto[p]) p -= 1;
    return Math.max(p, this.course.start);
  }

  #backspace() {
    if (this.err.length) this.err.pop();
    else if (this.pos > this.course.start) {
      this.pos = this.#backOverIndent(this.pos - 1);
      this.absorb = 0;
    }
  }

  #wordBackspace() {
    const c = this.course;
    const pos = this.pos;
    if (!this.err.length && pos > c.start && (c.chars[pos - 1] === "\n" || c.isAuto[pos - 1])) {
      this.pos = this.#backOverIndent(pos - 1);
      this.absorb = 0;
      return;
    }
    const typed = c.chars.slice(0, pos).concat(this.err);
    const cut = wordCut(typed, typed.length);
    if (cut >= pos) {
      this.err = this.err.slice(0, cut - pos);
    } else {
      this.err = [];
      this.pos = Math.max(c.skipTo[cut], c.start);
      if (this.pos !== pos) this.absorb = 0;
    }
  }

  #tab() {
    const c = this.course;
    const unit = c.tabText(c.chars.slice(0, this.pos).concat(this.err));
    for (const ch of unit) {
      this.#type(ch, false);
      if (this.finished) break;
    }
  }
}
