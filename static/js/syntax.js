// Syntax highlighting with highlight.js, its grammars loaded on demand from /vendor.
import hljs from "highlight.js";

const loaded = new Map();

async function grammar(language, urls) {
  const url = urls[language];
  if (!url) return null;
  if (!loaded.has(language)) {
    loaded.set(
      language,
      import(url)
        .then((mod) => {
          hljs.registerLanguage(language, mod.default);
          return language;
        })
        .catch(() => null),
    );
  }
  return loaded.get(language);
}

/**
 * Return a fragment of the highlighted code, or null if it cannot be highlighted.
 * highlight.js escapes the code; the result is checked to hold only its own token spans
 * before it is used, so code (even pasted code) can never become markup.
 */
export async function highlight(text, language, urls) {
  const name = await grammar(language, urls);
  if (!name) return null;
  let html;
  try {
    html = hljs.highlight(text, { language: name, ignoreIllegals: true }).value;
  } catch {
    return null;
  }
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const node of template.content.querySelectorAll("*")) {
    const onlyClass = node.attributes.length === 1 && node.hasAttribute("class");
    if (node.tagName !== "SPAN" || !(onlyClass || node.attributes.length === 0)) return null;
  }
  if (template.content.textContent !== text) return null;
  return template.content;
}
