/* The pipeline board: drag a card to another column (SortableJS, pointer events so touch
   screens and browser tests drive it alike) or open its "Move to …" dialog (keyboard, touch).
   Both POST to the card's move URL; the server saves through the same action as the edit
   form. A moved card lands where its new column's order puts it (expected close date, then
   id: the board's sort), not where it was dropped. A refused move puts the card back where it
   was and shows the reason; a successful one replaces the card (new version, probability) and
   both columns' headers. */
(function () {
  "use strict";
  var board, alertBox, dialog, dialogCard, pendingFocus;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function say(message, ok) {
    alertBox.textContent = message;
    alertBox.className = "alert py-2 " + (ok ? "alert-success" : "alert-danger");
  }

  function list(stage) {
    return board.querySelector('.board-cards[data-stage="' + CSS.escape(stage) + '"]');
  }

  function putBack(card, from, index) {
    var items = from.querySelectorAll(".board-card");
    var before = items[index] && items[index] !== card ? items[index] : null;
    from.insertBefore(card, before || from.querySelector(".board-more"));
  }

  /* Put `card` among the cards of `cards` in the board's order (`data-order`: the close date
     and id). One that sorts after the last card loaded while more are still to load waits
     above the "more" row; the copy those bring in takes its place (see `dedupe`). */
  function place(card, cards) {
    var key = card.dataset.order || "", before = null;
    var items = cards.querySelectorAll(".board-card");
    for (var i = 0; i < items.length; i++) {
      if (items[i] !== card && (items[i].dataset.order || "") > key) { before = items[i]; break; }
    }
    cards.insertBefore(card, before || cards.querySelector(".board-more"));
  }

  /* A card loaded by a column's "more" row that is already on the board (moved there while
     it waited above that row) is shown once: where the loaded page puts it. */
  function dedupe(card) {
    board.querySelectorAll('.board-card[data-id="' + CSS.escape(card.dataset.id) + '"]').forEach(function (other) {
      if (other !== card) { other.remove(); }
    });
  }

  function move(card, stage, from, index) {
    var body = new URLSearchParams();
    body.set("stage", stage);
    body.set("version", card.dataset.version);
    body.set("query", board.dataset.query || "");
    card.classList.add("is-moving");
    card.setAttribute("aria-busy", "true");
    return fetch(card.dataset.move, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false }; });
    }).catch(function () { return { ok: false }; }).then(function (answer) {
      card.classList.remove("is-moving");
      card.removeAttribute("aria-busy");
      Object.keys(answer.headers || {}).forEach(function (key) {
        var head = board.querySelector('[data-stage-header="' + CSS.escape(key) + '"]');
        if (head) { head.innerHTML = answer.headers[key]; }
      });
      if (!answer.ok) {
        putBack(card, from, index);
        say(answer.message || board.dataset.failed, false);
        focus(card);
        return;
      }
      var fresh = document.createElement("template");
      fresh.innerHTML = answer.card.trim();
      var replacement = fresh.content.firstElementChild;
      card.replaceWith(replacement);
      var empty = replacement.parentElement.querySelector(".board-empty");
      if (empty) { empty.remove(); }
      alertBox.className = "alert d-none";
      focus(replacement);
    });
  }

  /* Focus `element`, or once the move dialog has finished closing (until then Bootstrap
     keeps the focus inside it). */
  function focus(element) {
    if (dialog && dialog.style.display === "block") { pendingFocus = element; return; }
    element.focus();
  }

  function openDialog(card) {
    dialogCard = card;
    document.getElementById("board-move-name").textContent = card.querySelector(".board-card-name").textContent;
    dialog.querySelectorAll("[data-move-to]").forEach(function (button) {
      var current = button.dataset.moveTo === card.dataset.stage;
      button.disabled = current;
      button.classList.toggle("active", current);
      if (current) { button.setAttribute("aria-current", "true"); } else { button.removeAttribute("aria-current"); }
    });
    bootstrap.Modal.getOrCreateInstance(dialog).show();
  }

  function init() {
    board = document.getElementById("board");
    if (!board) { return; }
    alertBox = document.getElementById("board-alert");
    dialog = document.getElementById("board-move");
    var editable = !!dialog;
    board.querySelectorAll(".board-unfold").forEach(function (button) {
      button.addEventListener("click", function () {
        var column = button.closest(".board-column");
        var folded = column.classList.toggle("is-folded");
        button.setAttribute("aria-expanded", folded ? "false" : "true");
      });
    });
    board.addEventListener("htmx:load", function (event) {
      if (event.target.classList && event.target.classList.contains("board-card")) { dedupe(event.target); }
    });
    if (!editable) { return; }
    if (typeof Sortable !== "undefined") {
      board.querySelectorAll(".board-cards").forEach(function (cards) {
        Sortable.create(cards, {
          group: "board", draggable: ".board-card", filter: "a, button", preventOnFilter: false,
          animation: 120, forceFallback: true, fallbackTolerance: 4, delayOnTouchOnly: true, delay: 150,
          onEnd: function (event) {
            place(event.item, event.to);  // within its own column too: the order stays
            if (event.from === event.to) { return; }
            move(event.item, event.to.dataset.stage, event.from, event.oldIndex);
          }
        });
      });
    }
    board.addEventListener("click", function (event) {
      var opener = event.target.closest("[data-move-open]");
      if (opener) { openDialog(opener.closest(".board-card")); }
    });
    board.addEventListener("keydown", function (event) {
      var card = event.target.closest && event.target.closest(".board-card");
      if (!card || event.target !== card) { return; }
      if (event.key === "Enter" || event.key === "m" || event.key === " ") {
        event.preventDefault();
        openDialog(card);
      }
    });
    dialog.addEventListener("click", function (event) {
      var target = event.target.closest("[data-move-to]");
      if (!target || !dialogCard) { return; }
      var card = dialogCard, from = card.parentElement;
      var index = Array.prototype.indexOf.call(from.querySelectorAll(".board-card"), card);
      var to = list(target.dataset.moveTo);
      dialogCard = null;
      bootstrap.Modal.getOrCreateInstance(dialog).hide();
      if (!to) { return; }
      place(card, to);
      move(card, target.dataset.moveTo, from, index);
    });
    dialog.addEventListener("shown.bs.modal", function () {
      var first = dialog.querySelector("[data-move-to]:not([disabled])");
      if (first) { first.focus(); }
    });
    dialog.addEventListener("hidden.bs.modal", function () {
      var element = pendingFocus || dialogCard;
      pendingFocus = dialogCard = null;
      if (element && element.isConnected) { element.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
