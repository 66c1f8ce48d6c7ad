/* Studio: drag and drop ordering with SortableJS. Every page also works without JavaScript
   (up/down buttons, checkboxes and position numbers). */
(function () {
  "use strict";
  function keysOf(list) {
    return Array.from(list.querySelectorAll(":scope > [data-key]")).map(function (el) {
      return el.dataset.key;
    });
  }
  function sync(form) {
    // One hidden input per item and list: name = the list's data-name, value = the key.
    form.querySelectorAll("input[data-synced]").forEach(function (el) { el.remove(); });
    // Tell the server to read the ordered lists, not the no-JavaScript selects.
    var flag = form.querySelector("input[name=js]");
    if (flag) { flag.value = "1"; }
    document.querySelectorAll("[data-sortable][data-form='" + form.id + "']").forEach(function (list) {
      keysOf(list).forEach(function (key) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = list.dataset.name; input.value = key;
        input.dataset.synced = "1";
        form.appendChild(input);
      });
    });
  }
  function preview(form) {
    var target = document.querySelector("[data-preview='" + form.id + "']");
    if (!target) { return; }
    target.innerHTML = "";
    document.querySelectorAll("[data-sortable][data-form='" + form.id + "']").forEach(function (list) {
      if (list.dataset.hiddenList) { return; }
      var box = document.createElement("div");
      box.className = "border rounded p-2 mb-2";
      var title = document.createElement("div");
      title.className = "fw-semibold small mb-1";
      title.textContent = list.dataset.title || "";
      box.appendChild(title);
      list.querySelectorAll(":scope > [data-key]").forEach(function (item) {
        var row = document.createElement("div");
        row.className = "small text-body-secondary";
        row.textContent = item.dataset.label || item.dataset.key;
        box.appendChild(row);
      });
      target.appendChild(box);
    });
  }
  function init() {
    if (typeof Sortable === "undefined") { return; }
    document.querySelectorAll("[data-sortable]").forEach(function (list) {
      var form = document.getElementById(list.dataset.form);
      document.querySelectorAll(".studio-nojs").forEach(function (el) { el.classList.add("d-none"); });
      Sortable.create(list, {
        handle: ".drag-handle", animation: 150, group: list.dataset.group || undefined,
        // Pointer events instead of native drag and drop: the same on every browser and
        // touch screen, and drivable by browser tests.
        forceFallback: true,
        onSort: function () {
          if (!form) { return; }
          sync(form); preview(form);
          if (list.dataset.autosubmit) { form.requestSubmit(); }
        }
      });
      if (form) { sync(form); preview(form); }
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
