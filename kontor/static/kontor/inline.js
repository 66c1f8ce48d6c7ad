/* Inline edit (kontor.core.records.inline): a field's value on a record page or in a list cell
   becomes its editor on a click; Enter saves, Esc cancels, Tab saves and opens the next field,
   and a click elsewhere closes an editor whose value was not changed. Without this file the pencil beside each value links to the edit form. */
(function () {
  "use strict";

  const kept = new WeakMap();  // editor form → the value it replaced (for Esc)
  const shown = new WeakMap();  // editor form → what its fields held when it opened

  function values(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function csrf(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fragment(html) {
    const t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  function focusEditor(form) {
    const input = form.querySelector("input:not([type=hidden]), select, textarea");
    if (!input) return;
    input.focus();
    if (input.select && input.type !== "checkbox" && input.tagName !== "SELECT") input.select();
  }

  function say(target, text) {
    const note = document.createElement("div");
    note.className = "inline-note small text-danger";
    note.setAttribute("role", "alert");
    note.textContent = text;
    target.appendChild(note);
    setTimeout(() => note.remove(), 4000);
  }

  // A refusal in a sentence (403) is said beside the field; any other answer is left to the
  // edit form, which explains itself.
  function refused(where, text, value) {
    if (text && !text.trim().startsWith("<")) return say(where, text);
    const link = (value || where).querySelector(".inline-edit");
    if (link) window.location.href = link.href;
  }

  function open(value) {
    if (value.dataset.loading) return;
    value.dataset.loading = "1";
    fetch(value.dataset.inline, {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then((r) => r.text().then((text) => ({ok: r.ok, text: text})))
      .then(function (answer) {
        delete value.dataset.loading;
        if (!answer.ok) return refused(value, answer.text);
        const form = fragment(answer.text);
        kept.set(form, value);
        value.replaceWith(form);
        shown.set(form, values(form));
        focusEditor(form);
      })
      .catch(() => delete value.dataset.loading);
  }

  // The fields the page offers for inline edit, in reading order (for Tab).
  function neighbour(url, step) {
    const all = Array.from(document.querySelectorAll("[data-inline]"));
    const here = all.findIndex((el) => el.dataset.inline === url);
    return here < 0 ? null : all[here + step] || null;
  }

  function save(form, step) {
    if (form.dataset.saving) return;
    form.dataset.saving = "1";
    const url = form.dataset.inline;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(form), "HX-Request": "true"},
    })
      .then((r) => r.text().then((text) => ({status: r.status, text: text})))
      .then(function (answer) {
        delete form.dataset.saving;
        if (answer.status === 200) {
          const value = fragment(answer.text);
          form.replaceWith(value);
          const next = step ? neighbour(url, step) : null;
          if (next && next.matches(".inline-value")) open(next);
          else if (!step) value.querySelector(".inline-edit")?.focus();
          return;
        }
        if (answer.status === 400 || answer.status === 409) {
          const again = fragment(answer.text);
          kept.set(again, kept.get(form));
          form.replaceWith(again);
          focusEditor(again);
          return;
        }
        refused(form, answer.text, kept.get(form));
      })
      .catch(() => delete form.dataset.saving);
  }

  function cancel(form) {
    const value = kept.get(form);
    if (form.dataset.stale) {
      // After a conflict the value shown before is no longer the stored one: ask for it.
      fetch(form.dataset.inline + "?display=1", {credentials: "same-origin"})
        .then((r) => (r.ok ? r.text() : Promise.reject()))
        .then(function (html) {
          const fresh = fragment(html);
          form.replaceWith(fresh);
          fresh.querySelector(".inline-edit")?.focus();
        })
        .catch(() => value && form.replaceWith(value));
      return;
    }
    if (value) {
      form.replaceWith(value);
      value.querySelector(".inline-edit")?.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const t = event.target;
    // A click elsewhere closes the editors nobody typed in; a changed one waits for Enter or Esc.
    document.querySelectorAll("form.inline-editor").forEach(function (form) {
      if (form.contains(t) || form.dataset.saving || form.dataset.stale) return;
      if (shown.has(form) && shown.get(form) === values(form)) cancel(form);
    });
    const value = t.closest(".inline-value");
    if (value && (t.closest(".inline-edit") || !t.closest("a"))) {
      // The pencil, or the value itself unless it is a link to another record.
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;  // a new tab: the edit form
      event.preventDefault();
      open(value);
      return;
    }
    const cancelButton = t.closest("[data-inline-cancel]");
    if (cancelButton) cancel(cancelButton.closest("form.inline-editor"));
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("form.inline-editor")) return;
    event.preventDefault();
    save(form, 0);
  });

  document.addEventListener("keydown", function (event) {
    const form = event.target.closest && event.target.closest("form.inline-editor");
    if (!form || event.target.tagName === "BUTTON") return;
    if (event.key === "Escape") {
      event.preventDefault();
      cancel(form);
    } else if (event.key === "Enter" && !(event.target.tagName === "TEXTAREA" && event.shiftKey)) {
      event.preventDefault();  // Shift+Enter starts a new line in a long text
      save(form, 0);
    } else if (event.key === "Tab") {
      event.preventDefault();
      save(form, event.shiftKey ? -1 : 1);
    }
  });
})();
