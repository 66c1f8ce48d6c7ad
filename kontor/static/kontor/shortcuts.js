/* Keyboard use of every page: the type-ahead under the top search (↓ ↑ Enter Esc) and the
   shortcuts listed by "?" (core/_keyboard.html). Single keys act only while the user is not
   typing in a field; saving a form (Ctrl/Cmd+Enter, Ctrl/Cmd+S) acts in fields too. */
(function () {
  "use strict";

  const MIN_LENGTH = 2; // kontor.core.suggest.MIN_LENGTH
  const LIST_KEY = "kontor.list"; // the record addresses of the list last opened from

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    if (tag !== "input") return false;
    return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(
      (el.type || "").toLowerCase()
    );
  }

  // Modals live in the sticky navigation's include; under it their backdrop would cover them.
  document.querySelectorAll("#shortcut-help, #command-palette").forEach((modal) => {
    document.body.appendChild(modal);
  });

  // --- The type-ahead of the top search -----------------------------------------------------

  const input = document.getElementById("top-search");
  const box = document.getElementById("search-suggest");
  if (input && box) {
    let active = -1;
    const options = () => Array.from(box.querySelectorAll("[role=option]"));

    const choose = (index) => {
      const opts = options();
      active = index;
      opts.forEach((opt, n) => {
        opt.classList.toggle("active", n === index);
        opt.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      if (index >= 0 && opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
        opts[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    const open = (show) => {
      const shown = show && options().length > 0;
      box.classList.toggle("show", shown);
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      if (!shown) choose(-1);
    };
    const short = () => input.value.trim().length < MIN_LENGTH;

    input.addEventListener("htmx:beforeRequest", (event) => {
      if (short()) {
        event.preventDefault();
        box.innerHTML = "";
        open(false);
      }
    });
    box.addEventListener("htmx:afterSwap", () => {
      if (short()) box.innerHTML = "";
      choose(-1);
      open(document.activeElement === input);
    });
    input.addEventListener("focus", () => open(!short()));
    input.addEventListener("blur", () => open(false));
    // A click on a suggestion keeps the focus in the box until the link opens.
    box.addEventListener("mousedown", (event) => event.preventDefault());
    input.addEventListener("keydown", (event) => {
      const opts = options();
      const shown = box.classList.contains("show");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!opts.length) return;
        event.preventDefault();
        if (!shown) open(true);
        const step = event.key === "ArrowDown" ? 1 : -1;
        choose(Math.max(-1, Math.min(opts.length - 1, active + step)));
      } else if (event.key === "Enter" && shown && active >= 0 && opts[active]) {
        event.preventDefault();
        window.location.assign(opts[active].href);
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (shown) open(false);
        else input.blur();
      }
    });
  }

  // --- Lists: j/k move along the rows, and remember the rows for the record pages -----------

  function listRows() {
    return Array.from(document.querySelectorAll("#list-table tbody tr")).filter(recordLink);
  }

  function recordLink(row) {
    const box = row.querySelector("input[name=ids]");
    return box ? row.querySelector(`a[href*="${box.value}"]`) : null;
  }

  function rememberList() {
    const urls = listRows().map((row) => recordLink(row).getAttribute("href"));
    if (urls.length) sessionStorage.setItem(LIST_KEY, JSON.stringify(urls));
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("#list-table tbody a")) rememberList();
  });

  function moveInList(step) {
    const rows = listRows();
    if (!rows.length) return false;
    const current = rows.findIndex((row) => row.classList.contains("row-keyboard"));
    const next = Math.max(0, Math.min(rows.length - 1, current < 0 ? 0 : current + step));
    rows.forEach((row, n) => row.classList.toggle("row-keyboard", n === next));
    rememberList();
    recordLink(rows[next]).focus();
    return true;
  }

  function moveInRecords(step) {
    let urls = [];
    try {
      urls = JSON.parse(sessionStorage.getItem(LIST_KEY) || "[]");
    } catch (error) {
      return;
    }
    const here = urls.indexOf(window.location.pathname);
    const next = urls[here + step];
    if (here >= 0 && next) window.location.assign(next);
  }

  // --- Shortcuts ------------------------------------------------------------------------------

  const keys = document.getElementById("kontor-keys");
  let pendingGo = 0;

  function formToSave(target) {
    const own = target && target.closest ? target.closest("form") : null;
    if (own && (own.method || "").toLowerCase() === "post") return own;
    return document.querySelector("main form.record-form");
  }

  function go(url) {
    if (url) window.location.assign(url);
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || !keys) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && (event.key === "Enter" || event.key.toLowerCase() === "s")) {
      const form = formToSave(event.target);
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (mod || event.altKey || isTyping(event.target)) return;
    if (document.querySelector(".modal.show")) return;
    const key = event.key;
    if (pendingGo && Date.now() - pendingGo < 1500) {
      pendingGo = 0;
      const target =
        key === "h"
          ? keys.dataset.homeUrl
          : (keys.querySelector(`[data-go="${CSS.escape(key)}"]`) || {}).href;
      if (target) {
        event.preventDefault();
        go(target);
      }
      return;
    }
    pendingGo = 0;
    if (key === "/" && input) {
      event.preventDefault();
      input.focus();
      input.select();
    } else if (key === "?") {
      event.preventDefault();
      bootstrap.Modal.getOrCreateInstance(document.getElementById("shortcut-help")).show();
    } else if (key === "g") {
      pendingGo = Date.now();
    } else if (key === "c" && keys.dataset.createUrl) {
      event.preventDefault();
      go(keys.dataset.createUrl);
    } else if (key === "e" && keys.dataset.editUrl) {
      event.preventDefault();
      go(keys.dataset.editUrl);
    } else if (key === "j" || key === "k") {
      event.preventDefault();
      const step = key === "j" ? 1 : -1;
      if (!moveInList(step)) moveInRecords(step);
    }
  });
})();
