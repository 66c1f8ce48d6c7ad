/* Kontor's colour theme: light, dark or the system's (the default), chosen in the user menu and
   remembered in this browser. Loaded in <head> without defer, so the page is drawn in the right
   theme from the start (the CSP allows no inline script). */
(function () {
  "use strict";
  var KEY = "kontor-theme";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "auto";
    } catch (error) {
      return "auto";
    }
  }

  function apply(choice) {
    var dark = choice === "dark" || (choice === "auto" && media !== null && media.matches);
    root.setAttribute("data-bs-theme", dark ? "dark" : "light");
    root.setAttribute("data-theme-choice", choice);
  }

  function mark() {
    var choice = stored();
    document.querySelectorAll("[data-theme-value]").forEach(function (button) {
      var on = button.getAttribute("data-theme-value") === choice;
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  apply(stored());
  if (media !== null && media.addEventListener) {
    media.addEventListener("change", function () {
      if (stored() === "auto") apply("auto");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-theme-value]") : null;
    if (button === null) return;
    var choice = button.getAttribute("data-theme-value");
    try {
      if (choice === "auto") window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, choice);
    } catch (error) {
      /* Storage refused (private mode): the choice holds for this page only. */
    }
    apply(choice);
    mark();
  });
  document.addEventListener("DOMContentLoaded", mark);
})();
