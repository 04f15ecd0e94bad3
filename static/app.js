// Hearken's small amount of JavaScript. Every action also works without it:
// - "Close conversation" opens a native <dialog> instead of the close page;
// - Enter sends a reply, Shift+Enter adds a line;
// - Live support refreshes its columns every few seconds and keeps wait times counting.
"use strict";

function waitingText(sinceMs) {
  const minutes = Math.max(0, Math.floor((Date.now() - sinceMs) / 60000));
  if (minutes === 0) return "Waiting for less than a minute";
  return minutes === 1 ? "Waiting for 1 minute" : "Waiting for " + minutes + " minutes";
}

function tickWaitingTimes(root) {
  root.querySelectorAll("time[data-since]").forEach((el) => {
    const since = Number(el.dataset.since);
    if (since) el.textContent = waitingText(since);
  });
}

function setUpDialogs() {
  document.querySelectorAll("[data-open-dialog]").forEach((opener) => {
    const dialog = document.getElementById(opener.dataset.openDialog);
    if (!dialog || typeof dialog.showModal !== "function") return;
    opener.addEventListener("click", (event) => {
      event.preventDefault();
      dialog.showModal();
      const first = dialog.querySelector("input[type=radio]:checked, input[type=radio]");
      if (first) first.focus();
    });
    dialog.querySelectorAll("[data-dialog-cancel]").forEach((cancel) => {
      cancel.addEventListener("click", (event) => {
        event.preventDefault();
        dialog.close();
      });
    });
  });
  // A second click on Confirm while the first is on its way is ignored here; the server's
  // version check catches what gets through anyway.
  document.addEventListener("submit", (event) => {
    event.target.querySelectorAll("button[type=submit]").forEach((b) => {
      setTimeout(() => { b.disabled = true; }, 0);
    });
  });
}

function setUpEnterToSend() {
  document.querySelectorAll("textarea[data-enter-sends]").forEach((area) => {
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (area.value.trim() !== "") area.form.requestSubmit();
      }
    });
  });
}

function setUpLiveBoard() {
  const board = document.querySelector("[data-live-board]");
  if (!board) return;
  const url = board.dataset.liveBoard;
  let busy = false;
  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (response.redirected || response.status === 401 || response.status === 303) {
        window.location.reload();
        return;
      }
      if (response.ok) {
        board.innerHTML = await response.text();
        const waiting = board.querySelector("[data-count=waiting]");
        const mine = board.querySelector("[data-count=mine]");
        const waitingTile = document.getElementById("waiting-now");
        const mineTile = document.getElementById("my-conversations");
        if (waiting && waitingTile) waitingTile.textContent = waiting.textContent;
        if (mine && mineTile) mineTile.textContent = mine.textContent;
      }
    } catch (_) {
      // Offline for a moment: the next tick tries again.
    } finally {
      busy = false;
    }
  }
  setInterval(refresh, 3000);
  document.addEventListener("visibilitychange", refresh);
}

function setUpLiveHistory() {
  const history = document.querySelector("[data-live-history]");
  if (!history) return;
  setInterval(async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(history.dataset.liveHistory, { credentials: "same-origin" });
      if (response.ok) {
        const html = await response.text();
        if (html !== history.dataset.last) {
          history.dataset.last = html;
          history.innerHTML = html;
        }
      }
    } catch (_) {
      // Try again on the next tick.
    }
  }, 3000);
}

// Reports: typing dates means a custom period; choosing a preset clears the dates.
function setUpPeriodForm() {
  const form = document.querySelector(".period-form");
  if (!form) return;
  const period = form.querySelector("select[name=period]");
  const dates = form.querySelectorAll("input[type=date]");
  dates.forEach((input) => input.addEventListener("change", () => { period.value = "custom"; }));
  period.addEventListener("change", () => {
    if (period.value !== "custom") dates.forEach((input) => { input.value = ""; });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpPeriodForm();
  setUpLiveHistory();
  setUpDialogs();
  setUpEnterToSend();
  setUpLiveBoard();
  tickWaitingTimes(document);
  setInterval(() => tickWaitingTimes(document), 10000);
});

// Settings → Chat widget: the preview follows the colour, greeting and launcher text as they are
// typed (the colour through a custom property, as the CSP allows no inline styles), a colour
// picker mirrors the hex field, and Copy puts the script tag on the clipboard.
function widgetInk(hex) {
  const n = parseInt(hex.slice(1), 16);
  const channel = (v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const l = 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  // White text unless the colour is light enough that dark text reads better.
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? "#ffffff" : "#1d2330";
}

function setUpWidgetPreview() {
  const preview = document.querySelector("[data-widget-preview]");
  if (!preview) return;
  const colour = document.getElementById("widget-colour");
  const picker = document.getElementById("widget-colour-picker");
  const greeting = document.getElementById("widget-greeting");
  const launcher = document.getElementById("widget-launcher");
  const valid = (value) => /^#[0-9a-fA-F]{6}$/.test(value.trim());
  function paint() {
    const value = colour.value.trim();
    if (valid(value)) {
      preview.style.setProperty("--widget-colour", value);
      preview.style.setProperty("--widget-ink", widgetInk(value));
      if (picker) picker.value = value.toLowerCase();
    }
    preview.querySelectorAll("[data-preview=greeting]").forEach((el) => { el.textContent = greeting.value.trim(); });
    preview.querySelectorAll("[data-preview=launcher]").forEach((el) => { el.textContent = launcher.value.trim(); });
  }
  [colour, greeting, launcher].forEach((input) => input.addEventListener("input", paint));
  if (picker) {
    picker.closest("label").hidden = false;
    picker.addEventListener("input", () => { colour.value = picker.value; paint(); });
  }
  paint();
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        button.textContent = "Copied";
      } catch (_) {
        source.select();
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  });
}

document.addEventListener("DOMContentLoaded", setUpWidgetPreview);
