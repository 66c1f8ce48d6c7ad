// Saved views: forms that save "the list as it is now" take the address's query at the moment
// they are sent (filters changed in place by htmx move the address, not the tabs), and the
// drag-and-drop order of one's views (the buttons beside each do the same by keyboard).
(function () {
  "use strict";

  function currentQuery() {
    return window.location.search.replace(/^\?/, "");
  }

  // The move button last pressed: after the list is swapped, the focus goes back to it (or,
  // at the top or bottom where it is disabled, to its other arrow), so a keyboard user can
  // press again.
  let lastMove = null;

  document.addEventListener(
    "submit",
    function (event) {
      lastMove = event.submitter && event.submitter.name === "move" ? event.submitter.value : null;
      event.target.querySelectorAll("input[data-current-query]").forEach(function (input) {
        input.value = currentQuery();
      });
    },
    true,
  );

  document.addEventListener("htmx:configRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.id === "saved-view-new") {
      event.detail.path = elt.getAttribute("hx-get") + "?" + currentQuery();
    }
  });

  function sortable(root) {
    if (typeof Sortable === "undefined") return;
    root.querySelectorAll("[data-view-order]").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: "[data-drag]",
        animation: 150,
        onEnd: function () {
          list.closest("form").requestSubmit();
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sortable(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    sortable(event.target);
    if (lastMove) {
      const id = lastMove.split(":")[0];
      const buttons = Array.from(event.target.querySelectorAll("button[name=move]")).filter(
        function (b) {
          return b.value.split(":")[0] === id && !b.disabled;
        },
      );
      const same = buttons.find(function (b) {
        return b.value === lastMove;
      });
      if (same || buttons[0]) (same || buttons[0]).focus();
      lastMove = null;
    }
  });
})();
