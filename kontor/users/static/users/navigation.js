/* Settings → Navigation: order the record types of the top bar by dragging (SortableJS) or
   with the arrow buttons (keyboard), and choose bar or "More". Every change is saved at once
   and the top bar is swapped in place (HTMX, the form's hx-post); without JavaScript the
   arrow buttons and "Save order" post the form. */
(function () {
  "use strict";
  function changed(form) {
    if (window.htmx) { window.htmx.trigger(form, "kontor:nav-changed"); } else { form.submit(); }
  }
  function move(item, direction) {
    var list = item.parentElement;
    if (direction === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      return true;
    }
    if (direction === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      return true;
    }
    return false;
  }
  function init() {
    var form = document.getElementById("nav-form");
    var list = form && form.querySelector("[data-nav-order]");
    if (!list) { return; }
    var save = form.querySelector(".nav-save");
    if (save && window.htmx) { save.classList.add("d-none"); }
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button) { return; }
      event.preventDefault();
      if (move(button.closest("[data-slug]"), button.dataset.move)) {
        button.focus();  // the moved row keeps the keyboard where it was
        changed(form);
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "bar") { changed(form); }
    });
    if (typeof Sortable !== "undefined") {
      Sortable.create(list, {
        handle: ".drag-handle", animation: 150,
        // Pointer events instead of native drag and drop: the same on every browser and
        // touch screen, and drivable by browser tests.
        forceFallback: true,
        onSort: function () { changed(form); }
      });
    }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
