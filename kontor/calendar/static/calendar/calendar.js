/* The calendar page: FullCalendar in UTC mode showing the viewer's wall times from the feed
   (kontor/calendar/events.py), quick create in a dialog, moves and resizes posted to the server,
   which may refuse them: the event then goes back where it was. */
(function () {
  "use strict";

  function wall(date) {
    // In UTC mode a Date's UTC fields are the viewer's wall time.
    return date.toISOString().slice(0, 19);
  }

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: {"X-CSRFToken": csrf(), "Accept": "application/json"},
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().catch(function () { return {ok: false, message: ""}; });
    });
  }

  function say(box, text) {
    box.textContent = text || "";
    box.classList.toggle("d-none", !text);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const root = document.getElementById("calendar");
    const opts = JSON.parse(document.getElementById("calendar-options").textContent);
    const message = document.getElementById("calendar-message");
    const dialogBox = document.getElementById("calendar-dialog");
    const createForm = document.getElementById("calendar-create");
    let dialog = null;

    const calendar = new FullCalendar.Calendar(root, {
      timeZone: "UTC",
      locale: opts.locale,
      firstDay: 1,
      now: opts.now,
      initialView: opts.view,
      initialDate: opts.date,
      headerToolbar: {left: "prev,next today", center: "title",
        right: "timeGridDay,timeGridWeek,dayGridMonth,listWeek"},
      contentHeight: 620,
      scrollTime: "07:00:00",
      allDaySlot: false,
      nowIndicator: true,
      selectable: Boolean(opts.create),
      selectMirror: true,
      editable: true,
      dayMaxEvents: true,
      eventTimeFormat: {hour: "2-digit", minute: "2-digit", hour12: opts.locale !== "de"},
      slotLabelFormat: {hour: "2-digit", minute: "2-digit", hour12: opts.locale !== "de"},
      events: function (info, success, failure) {
        const q = "start=" + wall(info.start) + "&end=" + wall(info.end) +
          (opts.query ? "&" + opts.query : "");
        fetch(opts.feed + "?" + q, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
          .then(function (found) { say(message, ""); success(found); })
          .catch(function (e) { say(message, opts.failed); failure(e); });
      },
      datesSet: function (info) {
        root.querySelectorAll(".fc-icon").forEach(function (icon) {
          icon.removeAttribute("role");
          icon.setAttribute("aria-hidden", "true");
        });
        const params = new URLSearchParams(window.location.search);
        params.set("view", info.view.type);
        params.set("date", wall(calendar.getDate()).slice(0, 10));
        window.history.replaceState(null, "", "?" + params.toString());
      },
      select: function (info) {
        let start = info.start, minutes = Math.round((info.end - info.start) / 60000);
        if (info.allDay) {
          start = new Date(info.start.getTime() + 9 * 3600000);
          minutes = 60;
        }
        openDialog(start, minutes);
        calendar.unselect();
      },
      // Accessibility fixes of FullCalendar's markup (axe): icons inside named buttons are
      // decoration, a "+ 3 more" link is a button, a day cell is named by its link alone.
      moreLinkDidMount: function (arg) {
        arg.el.setAttribute("role", "button");
        if (!arg.el.getAttribute("aria-controls")) arg.el.removeAttribute("aria-controls");
      },
      dayCellDidMount: function (arg) { arg.el.removeAttribute("aria-labelledby"); },
      eventDrop: moved,
      eventResize: moved,
    });

    function moved(info) {
      const ev = info.event;
      const data = new FormData();
      data.append("start", wall(ev.start));
      if (ev.end && ev.extendedProps.type !== "tasks") data.append("end", wall(ev.end));
      data.append("version", ev.extendedProps.version);
      const parts = ev.id.split(":");
      const url = opts.move.replace("TYPE", parts[0]).replace(
        "00000000-0000-0000-0000-000000000000", parts[1]);
      post(url, data).then(function (answer) {
        if (answer.ok) {
          say(message, "");
          ev.setExtendedProp("version", answer.event.extendedProps.version);
        } else {
          info.revert();
          say(message, answer.message || opts.refused);
          if (answer.event === undefined) calendar.refetchEvents();
        }
      }).catch(function () { info.revert(); say(message, opts.refused); });
    }

    function openDialog(start, minutes) {
      if (!createForm) return;
      createForm.reset();
      const picker = createForm.querySelector("select[data-parent-record]");
      if (picker && picker.tomselect) picker.tomselect.clear(true);
      clearErrors();
      createForm.elements.start.value = wall(start).slice(0, 16);
      createForm.elements.duration_minutes.value = minutes || 60;
      dialog = dialog || new bootstrap.Modal(dialogBox);
      dialog.show();
    }

    function clearErrors() {
      say(document.getElementById("calendar-create-message"), "");
      createForm.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
      createForm.querySelectorAll(".invalid-feedback").forEach(function (el) {
        el.textContent = "";
        el.classList.remove("d-block");
      });
    }

    if (createForm) {
      dialogBox.addEventListener("shown.bs.modal", function () { createForm.elements.name.focus(); });
      createForm.addEventListener("submit", function (event) {
        event.preventDefault();
        clearErrors();
        post(opts.create, new FormData(createForm)).then(function (answer) {
          if (answer.ok) {
            // Into the feed's source: its next fetch replaces it rather than adding a twin.
            calendar.addEvent(answer.event, calendar.getEventSources()[0]);
            dialog.hide();
            return;
          }
          const general = [];
          Object.keys(answer.errors || {}).forEach(function (field) {
            const input = createForm.elements[field === "date_start" ? "start" : field];
            const box = document.getElementById("error-" + (field === "date_start" ? "start" : field));
            if (input && box) {
              if (input.classList) input.classList.add("is-invalid");
              box.textContent = answer.errors[field].join(" ");
              box.classList.add("d-block");
            } else {
              general.push(answer.errors[field].join(" "));
            }
          });
          say(document.getElementById("calendar-create-message"),
            general.join(" ") || (Object.keys(answer.errors || {}).length ? "" : answer.message || opts.refused));
        });
      });
      document.getElementById("calendar-new").addEventListener("click", function () {
        const now = new Date(opts.now + "Z");
        now.setUTCMinutes(0, 0, 0);
        openDialog(new Date(now.getTime() + 3600000), 60);
      });
    }

    calendar.render();
  });
})();
