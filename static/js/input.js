// Keyboard capture: a focused hidden textarea turns key events into protocol keys.
// Only keys a person typed are passed on: no modifiers, no auto-repeat, no IME composition,
// and paste or drop does nothing.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SPECIAL = new Set(["Enter", "Tab", "Backspace", "C-Backspace"]);

/** Map a keydown event to a protocol key, or null to ignore it. */
export function mapKey(event) {
  const { key } = event;
  const altGraph = event.getModifierState && event.getModifierState("AltGraph");
  if (key === "Backspace") {
    if (event.metaKey) return null;
    return event.ctrlKey || event.altKey ? "C-Backspace" : "Backspace";
  }
  if (event.ctrlKey || event.metaKey || (event.altKey && !altGraph)) {
    if (altGraph && Array.from(key).length === 1) return printable(key);
    return null;
  }
  if (key === "Enter") return event.shiftKey ? null : "Enter";
  if (key === "Tab") return event.shiftKey ? null : "Tab";
  return printable(key);
}

function printable(key) {
  const ch = key === "\u00a0" ? " " : key;
  return Array.from(ch).length === 1 && PRINTABLE.test(ch) ? ch : null;
}

/**
 * Keeps a hidden textarea focused while `enabled` and calls onKey(key) for each key.
 * Clicking anywhere on the page refocuses it (except on form controls and links).
 */
export class KeyInput {
  constructor(textarea, onKey) {
    this.area = textarea;
    this.onKey = onKey;
    this.enabled = false;
    this.released = false;
    textarea.addEventListener("keydown", (e) => this.#keydown(e));
    textarea.addEventListener("beforeinput", (e) => this.#beforeinput(e));
    textarea.addEventListener("input", () => {
      textarea.value = "";
    });
    for (const type of ["paste", "drop", "cut"]) {
      textarea.addEventListener(type, (e) => e.preventDefault());
    }
    textarea.addEventListener("blur", () => {
      // Focus lost to the page itself (not to a control the person chose): take it back.
      setTimeout(() => {
        const active = document.activeElement;
        const idle = active === null || active === document.body;
        if (this.enabled && !this.released && idle) this.focus();
      }, 0);
    });
    document.addEventListener("mousedown", (e) => {
      if (!this.enabled || e.target.closest("input, select, textarea, button, a, label")) return;
      e.preventDefault();
      this.focus();
    });
    // Typing while nothing else has the focus (after Escape) goes to the race again.
    document.addEventListener("keydown", (e) => {
      const idle = e.target === document.body || e.target === document.documentElement;
      const key = mapKey(e);
      if (!this.enabled || !idle || e.defaultPrevented || key === null || SPECIAL.has(key)) return;
      this.focus();
      this.#keydown(e);
    });
  }

  /** Accept keys (and hold the focus) or not. */
  setEnabled(enabled) {
    this.enabled = enabled;
    this.area.setAttribute("aria-disabled", String(!enabled));
    if (enabled) this.focus();
  }

  /** Put the keyboard focus in the typing area. */
  focus() {
    this.released = false;
    if (document.activeElement !== this.area) this.area.focus({ preventScroll: true });
  }

  /** Tell whether the typing area has the keyboard focus. */
  get focused() {
    return document.activeElement === this.area;
  }

  #keydown(event) {
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === "Escape") {
      this.released = true;
      this.area.blur();
      return;
    }
    const key = mapKey(event);
    if (key === null) {
      if (event.key === "Tab") event.preventDefault(); // Shift+Tab must not leave the race
      return;
    }
    event.preventDefault();
    if (event.repeat || !this.enabled) return;
    this.onKey(key);
  }

  // Keyboards that send no usable keydown (some on-screen ones) still produce input events.
  #beforeinput(event) {
    if (event.isComposing) return;
    event.preventDefault();
    if (!this.enabled) return;
    const type = event.inputType;
    if (type === "insertText" && event.data) {
      // One character per event, as a key makes; longer inserts are pastes or text expansion.
      const key = printable(event.data);
      if (key) this.onKey(key);
    } else if (type === "insertLineBreak" || type === "insertParagraph") this.onKey("Enter");
    else if (type === "deleteContentBackward") this.onKey("Backspace");
    else if (type === "deleteWordBackward") this.onKey("C-Backspace");
  }
}
