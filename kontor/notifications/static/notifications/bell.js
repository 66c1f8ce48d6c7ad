// The bell in the top bar: asks for the unread count and the reminder pop-ups when the page
// opens and every 45 seconds while it is visible, and shows each pop-up as a Bootstrap toast.
(function () {
  "use strict";
  const bell = document.getElementById("notification-bell");
  if (!bell) return;
  const badge = document.getElementById("notification-count");
  const toasts = document.getElementById("notification-toasts");
  const EVERY = 45000;

  function show(count) {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.classList.toggle("d-none", count === 0);
    bell.setAttribute("aria-label", count ? `${bell.title}: ${count} ${bell.dataset.unreadLabel}` : bell.title);
  }

  function toast(popup) {
    const box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "alert");
    const head = document.createElement("div");
    head.className = "toast-header";
    const title = document.createElement("strong");
    title.className = "me-auto";
    title.innerHTML = '<i class="bi bi-alarm" aria-hidden="true"></i> ';
    title.append(toasts.dataset.title);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.dataset.bsDismiss = "toast";
    close.setAttribute("aria-label", toasts.dataset.close);
    head.append(title, close);
    const body = document.createElement("div");
    body.className = "toast-body";
    const link = document.createElement("a");
    link.href = popup.url;
    link.textContent = popup.text;
    body.append(link);
    box.append(head, body);
    toasts.append(box);
    new bootstrap.Toast(box, { autohide: false }).show();
  }

  function poll() {
    if (document.visibilityState === "hidden") return;
    fetch(bell.dataset.bellUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        if (!data) return;
        show(data.unread);
        data.popups.forEach(toast);
      })
      .catch(() => {});
  }

  poll();
  setInterval(poll, EVERY);
  document.addEventListener("visibilitychange", poll);
})();
