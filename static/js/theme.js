// Light/dark theme: follows the system until the toggle picks one, which is remembered.
const KEY = "coderace.theme";
const root = document.documentElement;
const media = window.matchMedia("(prefers-color-scheme: dark)");

/** Return the theme in effect: "light" or "dark". */
export function currentTheme() {
  const chosen = root.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return media.matches ? "dark" : "light";
}

function label(button) {
  const next = currentTheme() === "dark" ? "light" : "dark";
  button.setAttribute("aria-label", `Switch to ${next} theme`);
  button.title = `Switch to ${next} theme`;
  button.dataset.current = currentTheme();
}

function announce() {
  window.dispatchEvent(new CustomEvent("coderace:theme", { detail: currentTheme() }));
}

const button = document.getElementById("theme-toggle");
if (button) {
  label(button);
  button.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      /* storage blocked: the choice lasts for this page */
    }
    label(button);
    announce();
  });
  media.addEventListener("change", () => {
    label(button);
    announce();
  });
}
