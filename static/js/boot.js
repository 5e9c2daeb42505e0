// Apply the remembered theme before the first paint (a classic script, run in <head>).
(function () {
  try {
    var theme = localStorage.getItem("coderace.theme");
    if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  } catch (e) {
    /* storage blocked: follow the system */
  }
})();
