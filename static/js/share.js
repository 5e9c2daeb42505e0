// A finished race's share link: focusing the field selects it, ready to copy.
for (const field of document.querySelectorAll("input.share-link")) {
  field.addEventListener("focus", () => field.select());
}
