/* Kontor's small behaviours: relate pickers, multi-selects, select-all, mass update, counts.
   Every page works without this file; it only makes the common steps quicker. */
(function () {
  "use strict";

  // htmx moves the focus to a swapped-in [autofocus] field (the filter panel's first filter,
  // the column chooser's first box) when the swap settles, by default 20 ms later on a timer.
  // The browser has usually focused that field already, and key presses outrun timers on a
  // busy page: a keyboard user who tabbed on was pulled back to it. Settling in the swap itself
  // focuses before any key is read. Nothing here animates the settling, so nothing is lost.
  if (window.htmx) window.htmx.config.defaultSettleDelay = 0;

  // Tom Select's own texts, in the page's language (set on <body> by base.html).
  function texts() {
    const body = document.body.dataset;
    return {
      no_results: () => '<div class="no-results">' + body.noResults + "</div>",
      option_create: () => "",
    };
  }
  const removeButton = () => ({remove_button: {title: document.body.dataset.remove}});

  // Tom Select points the <label> at its own input; the hidden <select> keeps the label's
  // text as its name, so assistive technology never meets a nameless field.
  function keepName(select) {
    const label = select.labels && select.labels[0];
    const name = label ? label.textContent.trim() : "";
    return () => { if (name && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", name); };
  }

  function relatePicker(select) {
    if (select.tomselect || !window.TomSelect) return;
    const named = keepName(select);
    new TomSelect(select, {
      render: texts(), create: false, plugins: select.multiple ? removeButton() : [],
      valueField: "value", labelField: "text", searchField: [], maxOptions: 20,
      // The server has already matched: show exactly its answer for the typed text.
      score: () => () => 1,
      load: function (query, callback) {
        const picker = this;
        const url = select.dataset.lookup;
        if (!url) return callback();
        fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then((r) => r.json())
          .then(function (j) {
            picker.clearOptions();  // keeps the chosen ones
            picker.loadedSearches = {};  // typing an earlier text again asks again
            callback(j.results);
          })
          .catch(() => callback());
      },
      preload: "focus",
    });
    named();
  }

  function enhance(root) {
    root.querySelectorAll("select[data-lookup]").forEach(relatePicker);
    root.querySelectorAll("select[data-enhance=multi]").forEach(function (s) {
      if (s.tomselect || !window.TomSelect) return;
      const named = keepName(s);
      new TomSelect(s, {plugins: removeButton(), render: texts()});
      named();
    });
  }

  // Parts of a form that count only while a checkbox or radio button is on (the conversion
  // form's sections): folded away while it is off. Without JavaScript all stay visible.
  function showChosen(root) {
    root.querySelectorAll("[data-shown-by]").forEach(function (box) {
      const input = document.getElementById(box.dataset.shownBy);
      box.hidden = Boolean(input) && !input.checked;
    });
  }

  document.addEventListener("change", function (event) {
    const t = event.target;
    if (t.matches("input[type=radio], input[type=checkbox]") && t.form) showChosen(t.form);
    if (t.matches("[data-select-all]")) {
      t.closest("table").querySelectorAll("input[name=ids]").forEach((c) => (c.checked = t.checked));
    }
    if (t.matches("[data-probabilities]")) {
      // Changing the sales stage fills the probability (the server does the same).
      const value = JSON.parse(t.dataset.probabilities)[t.value];
      const field = t.form.querySelector("[name=probability]");
      if (field && value !== undefined && value !== null) field.value = value;
    }
    if (t.matches("[data-parent-type]")) {
      // The "related to" picker follows the chosen record type.
      const picker = document.querySelector("select[data-parent-record]");
      if (picker) {
        if (picker.tomselect) picker.tomselect.destroy();
        picker.innerHTML = "";
        picker.dataset.lookup = t.value ? "/" + t.value + "/lookup/" : "";
        relatePicker(picker);
      }
    }
  });

  document.addEventListener("submit", function (event) {
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const el = event.detail.elt;
    if (el.dataset && el.dataset.countTarget && event.detail.successful) {
      const data = JSON.parse(event.detail.xhr.responseText);
      const target = document.getElementById(el.dataset.countTarget);
      if (target) target.textContent = data.text;
    }
  });

  document.addEventListener("htmx:afterSwap", (e) => enhance(e.target));
  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    showChosen(document);
  });
})();
