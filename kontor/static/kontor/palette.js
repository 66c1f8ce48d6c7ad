/* The command palette (Ctrl/Cmd+K, core/_keyboard.html): go to a module, create a record, the
   recently viewed records and the favourites (loaded from /palette/ when it opens), filtered
   as the user types; the last entry searches everywhere for what was typed. Keyboard only:
   ↓ ↑ choose, Enter opens, Esc closes. */
(function () {
  "use strict";

  const modal = document.getElementById("command-palette");
  if (!modal) return;
  const input = document.getElementById("palette-input");
  const list = document.getElementById("palette-list");
  let items = []; // {el, text}
  let shown = [];
  let active = 0;

  // Letters of the query in order, not necessarily together ("gtl" finds "Go to leads");
  // a lower score is a better match (earlier, closer together).
  function score(text, query) {
    if (!query) return 0;
    const direct = text.indexOf(query);
    if (direct >= 0) return direct;
    let at = -1;
    let gaps = 0;
    for (const ch of query) {
      const found = text.indexOf(ch, at + 1);
      if (found < 0) return -1;
      if (at >= 0) gaps += found - at - 1;
      at = found;
    }
    return 1000 + gaps;
  }

  function searchEntry(query) {
    const link = document.createElement("a");
    link.className = "list-group-item list-group-item-action palette-item palette-search";
    link.setAttribute("role", "option");
    link.href = `${modal.dataset.searchUrl}?q=${encodeURIComponent(query)}`;
    const icon = document.createElement("i");
    icon.className = "bi bi-search";
    icon.setAttribute("aria-hidden", "true");
    link.append(icon, " ", modal.dataset.searchLabel.replace("%s", query));
    return link;
  }

  function render() {
    const query = input.value.trim().toLowerCase();
    shown = items
      .map((item) => ({ item, rank: score(item.text, query) }))
      .filter((x) => x.rank >= 0)
      .sort((a, b) => a.rank - b.rank)
      .map((x) => x.item.el);
    if (query) shown.push(searchEntry(input.value.trim()));
    list.replaceChildren(...shown);
    choose(0);
  }

  function choose(index) {
    active = Math.max(0, Math.min(shown.length - 1, index));
    shown.forEach((el, n) => {
      el.id = `palette-option-${n}`;
      el.classList.toggle("active", n === active);
      el.setAttribute("aria-selected", n === active ? "true" : "false");
    });
    if (shown[active]) {
      input.setAttribute("aria-activedescendant", shown[active].id);
      shown[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  async function load() {
    const response = await fetch(modal.dataset.url, { headers: { "HX-Request": "true" } });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    items = Array.from(holder.querySelectorAll(".palette-item")).map((el) => {
      el.tabIndex = -1;
      return { el, text: el.textContent.replace(/\s+/g, " ").trim().toLowerCase() };
    });
    render();
  }

  function open() {
    input.value = "";
    items = [];
    list.replaceChildren();
    bootstrap.Modal.getOrCreateInstance(modal).show();
    load();
  }

  modal.addEventListener("shown.bs.modal", () => input.focus());
  input.addEventListener("input", render);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (shown[active]) window.location.assign(shown[active].href);
    }
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      if (modal.classList.contains("show")) {
        bootstrap.Modal.getOrCreateInstance(modal).hide();
      } else {
        open();
      }
    }
  });
})();
