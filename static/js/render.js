// The code view: the snippet as highlighted characters, typing state, and racers' carets.
import { el, reducedMotion } from "./dom.js";
import { highlight } from "./syntax.js";

//: How wrong whitespace is drawn in the error run, so it can be seen (and backspaced).
const VISIBLE = { "\n": "↵", "\t": "→", " ": "·" };

/** Renders one snippet in a <pre><code> and keeps its per-character states up to date. */
export class CodeView {
  /** `scrollPage`: keep the caret in view by scrolling the window too (not in a replay,
   * where the viewer may be reading elsewhere on the page). */
  constructor(pre, { scrollPage = true } = {}) {
    this.pre = pre;
    this.scrollPage = scrollPage;
    this.code = pre.querySelector("code");
    this.chars = [];
    this.course = null;
    this.pos = -1;
    this.err = "";
    this.shown = null;
    this.errEl = el("span", { class: "err-run", "aria-hidden": "true" });
    this.caret = el("span", { class: "caret", "aria-hidden": "true" });
    this.ghosts = new Map();
  }

  /** Show a snippet (highlighted when its grammar loads); the state starts at its start. */
  async show(snippet, course, grammars) {
    const key = `${snippet.language}\u0000${course.skipIndent}\u0000${snippet.text}`;
    this.course = course;
    if (this.shown === key) return;
    this.shown = key;
    this.#build(document.createTextNode(snippet.text), course);
    const fragment = await highlight(snippet.text, snippet.language, grammars);
    if (fragment && this.shown === key) {
      const { pos, err } = this;
      this.#build(fragment, course);
      if (pos >= 0) this.setState(pos, err);
    }
  }

  #build(content, course) {
    const holder = el("span");
    holder.append(content);
    const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    const chars = [];
    for (const node of texts) {
      const frag = document.createDocumentFragment();
      for (const ch of node.data) {
        const i = chars.length;
        const span = el("span", { class: "ch" }, ch);
        if (ch === "\n") span.classList.add("nl");
        if (course.isAuto[i]) span.classList.add("auto");
        chars.push(span);
        frag.append(span);
      }
      node.replaceWith(frag);
    }
    this.chars = chars;
    this.code.replaceChildren(...holder.childNodes);
    this.pre.append(this.caret, ...this.ghosts.values());
    this.pos = -1;
  }

  /** Draw the typing state: correct prefix up to pos, the error run after it, the caret. */
  setState(pos, errorRun = "") {
    const chars = this.chars;
    const n = chars.length;
    const old = this.pos;
    const [lo, hi] = old < 0 ? [0, n] : [Math.min(old, pos), Math.max(old, pos)];
    for (let i = lo; i < hi && i < n; i += 1) chars[i].classList.toggle("done", i < pos);
    if (old >= 0 && old < n) chars[old].classList.remove("cur", "miss");
    this.pos = pos;
    this.err = errorRun;
    if (pos < n) {
      chars[pos].classList.add("cur");
      chars[pos].classList.toggle("miss", errorRun.length > 0);
    }
    if (errorRun) {
      this.errEl.replaceChildren(
        ...Array.from(errorRun, (ch) => el("span", { class: "bad" }, VISIBLE[ch] || ch)),
      );
      if (pos < n) chars[pos].before(this.errEl);
      else this.code.append(this.errEl);
    } else {
      this.errEl.remove();
    }
    this.pre.classList.toggle("complete", n > 0 && pos >= n);
    this.#place(this.caret, pos, errorRun ? this.errEl.lastChild : null);
    this.#tuckTags();
  }

  /** Flash the error run: a key was not taken because the run is as long as allowed. */
  flashErrors() {
    this.errEl.classList.remove("capped");
    void this.errEl.offsetWidth; // restart the animation
    this.errEl.classList.add("capped");
  }

  /** Show whether this viewer has a caret of their own (racers do, spectators do not). */
  setOwnCaret(visible) {
    this.caret.hidden = !visible;
  }

  /** Draw other racers' cursors: [{id, pos, name, color}]. */
  setGhosts(list) {
    const seen = new Set();
    const placed = [];
    for (const ghost of list) {
      seen.add(ghost.id);
      let node = this.ghosts.get(ghost.id);
      if (!node) {
        // dir="auto": a right-to-left name reads (and is cut) from its start.
        const tag = el("span", { class: "tag", dir: "auto" });
        node = el("span", { class: "ghost", "aria-hidden": "true" }, tag);
        this.ghosts.set(ghost.id, node);
        this.pre.append(node);
      }
      node.style.setProperty("--c", ghost.color);
      node.firstChild.textContent = ghost.name;
      node.classList.toggle("done", ghost.done);
      const at = this.#place(node, ghost.pos, null);
      if (at) {
        placed.push({ node, ...at });
        node.dataset.top = String(at.top);
      }
    }
    for (const [id, node] of this.ghosts) {
      if (!seen.has(id)) {
        node.remove();
        this.ghosts.delete(id);
      }
    }
    this.#stackTags(placed);
    this.#tuckTags();
  }

  /**
   * Fade the name tags that would cover the line this player is typing or the next one (a
   * tag sits on the line above its racer's caret); the carets themselves stay.
   */
  #tuckTags() {
    const mine = this.caretAt;
    for (const node of this.ghosts.values()) {
      const top = Number(node.dataset.top);
      const below = mine && !this.caret.hidden ? (top - mine.top) / mine.height : 0;
      node.classList.toggle("tucked", below > 0.5 && below < 2.5);
    }
  }

  /** Lift name tags that would cover one another on the same line into a small stack. */
  #stackTags(placed) {
    placed.sort((a, b) => a.top - b.top || a.left - b.left);
    let previous = null;
    for (const item of placed) {
      const tag = item.node.firstChild;
      const near =
        previous && previous.top === item.top && item.left < previous.left + previous.width + 2;
      item.level = near ? previous.level + 1 : 0;
      item.width = tag.offsetWidth;
      item.node.style.setProperty("--stack", String(item.level));
      previous = item;
    }
  }

  /** Re-place every caret (after a resize or a font change). */
  relayout() {
    if (this.pos >= 0) this.#place(this.caret, this.pos, this.err ? this.errEl.lastChild : null);
  }

  #place(node, pos, after) {
    const chars = this.chars;
    if (!chars.length) return;
    let left;
    let top;
    let height;
    if (after) {
      left = after.offsetLeft + after.offsetWidth;
      ({ offsetTop: top, offsetHeight: height } = after);
    } else if (pos < chars.length) {
      ({ offsetLeft: left, offsetTop: top, offsetHeight: height } = chars[pos]);
    } else {
      const last = chars[chars.length - 1];
      left = last.offsetLeft + last.offsetWidth;
      ({ offsetTop: top, offsetHeight: height } = last);
    }
    node.style.transform = `translate(${left}px, ${top}px)`;
    node.style.height = `${height}px`;
    if (node === this.caret) this.caretAt = { top, height };
    if (node === this.caret && !node.hidden) this.#keepVisible(left, top, height);
    return { left, top };
  }

  #keepVisible(left, top, height) {
    const pre = this.pre;
    if (left < pre.scrollLeft + 24 || left > pre.scrollLeft + pre.clientWidth - 48) {
      pre.scrollLeft = Math.max(0, left - pre.clientWidth / 2);
    }
    if (!this.scrollPage) return;
    const rect = pre.getBoundingClientRect();
    const y = rect.top + top - pre.scrollTop;
    const margin = Math.min(120, window.innerHeight / 4);
    if (y < margin || y + height > window.innerHeight - margin) {
      const behavior = reducedMotion() ? "auto" : "smooth";
      window.scrollBy({ top: y - window.innerHeight / 2, behavior });
    }
  }
}
