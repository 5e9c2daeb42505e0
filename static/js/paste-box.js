// The host's paste box: a live count against the one custom-code limit, and the check
// the server makes before it takes pasted code (race.core.snippet.custom_snippet), in the
// same words, so the host hears of a problem before sending.
import { byId } from "./dom.js";
import { count, problem } from "./typeable.js";

/** Keep the paste box's counter and its warning line up to date as the host types. */
export class PasteBox {
  constructor({ maxChars, lookalikes }) {
    this.maxChars = maxChars;
    this.lookalikes = lookalikes || {};
    this.box = byId("custom-code");
    this.box.addEventListener("input", () => this.update());
    this.update();
  }

  /** The code in the box. */
  get code() {
    return this.box.value;
  }

  /** Return why the server would refuse the code in the box (null if it would take it). */
  problem() {
    return problem(this.code, this.maxChars, this.lookalikes);
  }

  update() {
    const length = [...this.code].length;
    const over = length - this.maxChars;
    const counter = byId("custom-count");
    counter.textContent =
      `${count(length)} / ${count(this.maxChars)} characters` +
      (over > 0 ? ` — ${count(over)} over the limit` : "");
    counter.classList.toggle("over", over > 0);
    const why = this.problem();
    const warning = byId("custom-problem");
    warning.textContent = why ? `Cannot race this: ${why}.` : "";
    warning.hidden = !why;
    this.box.setAttribute("aria-invalid", why ? "true" : "false");
  }
}
