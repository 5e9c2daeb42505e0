// The snippet library: the filter form works without JS (a GET); with JS the list follows
// the search as you type (the server's page is fetched and its list swapped in, so the
// browser never filters on its own), and the previews are highlighted like the race page.
import { highlight } from "./syntax.js";

const form = document.getElementById("library-filter");
const data = JSON.parse(document.getElementById("library-data").textContent);
/** Wait this long after the last key before asking the server (ms). */
const DEBOUNCE_MS = 250;

/** Highlight every preview under `root` that is not highlighted yet. */
async function paint(root) {
  for (const pre of root.querySelectorAll("pre.snippet-preview:not([data-painted])")) {
    pre.dataset.painted = "1";
    const code = pre.querySelector("code");
    const fragment = await highlight(code.textContent, pre.dataset.language, data.grammars);
    if (fragment) code.replaceChildren(fragment);
  }
}

let asked = 0;

/** Fetch the library for the form's current values and swap in its list and count. */
async function refresh() {
  const params = new URLSearchParams(new FormData(form));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  const url = `${form.action}${params.size ? `?${params}` : ""}`;
  const mine = ++asked;
  let html;
  try {
    const res = await fetch(url, { headers: { Accept: "text/html" } });
    if (!res.ok) return;
    html = await res.text();
  } catch {
    return;
  }
  if (mine !== asked) return; // a newer search is on its way
  const page = new DOMParser().parseFromString(html, "text/html");
  for (const id of ["library", "library-count", "library-empty"]) {
    const fresh = page.getElementById(id);
    if (fresh) document.getElementById(id).replaceWith(document.adoptNode(fresh));
  }
  history.replaceState(null, "", url);
  paint(document.getElementById("library"));
}

let timer = 0;
document.getElementById("library-q").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(refresh, DEBOUNCE_MS);
});
document.getElementById("library-language").addEventListener("change", refresh);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  refresh();
});
paint(document.getElementById("library"));
