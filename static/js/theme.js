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

/** Return what this browser chose: "light", "dark" or "system" (follow the system). */
export function themeChoice() {
  const chosen = root.dataset.theme;
  return chosen === "light" || chosen === "dark" ? chosen : "system";
}

/** Choose a theme ("light", "dark" or "system"), remember it, and tell the page. */
export function chooseTheme(choice) {
  try {
    if (choice === "light" || choice === "dark") localStorage.setItem(KEY, choice);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage blocked: the choice lasts for this page */
  }
  if (choice === "light" || choice === "dark") root.dataset.theme = choice;
  else delete root.dataset.theme;
  if (button) label(button);
  announce();
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
  button.addEventListener("click", () => chooseTheme(currentTheme() === "dark" ? "light" : "dark"));
  media.addEventListener("change", () => {
    label(button);
    announce();
  });
}
