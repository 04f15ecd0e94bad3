// Hearken's small amount of JavaScript. Every action also works without it:
// - "Close conversation" opens a native <dialog> instead of the close page;
// - Enter sends a reply, Shift+Enter adds a line;
// - Live support, the conversation view and the Conversations list update when something
//   changes (server-sent events), and wait times keep counting.
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
  // Delegated: the opener may be replaced by a live update.
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    if (!opener) return;
    const dialog = document.getElementById(opener.dataset.openDialog);
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    dialog.showModal();
    const first = dialog.querySelector("input[type=radio]:checked, input[type=radio]");
    if (first) first.focus();
  });
  document.querySelectorAll("dialog [data-dialog-cancel]").forEach((cancel) => {
    cancel.addEventListener("click", (event) => {
      event.preventDefault();
      cancel.closest("dialog").close();
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
  document.querySelectorAll("textarea[data-enter-sends]:not([data-bound])").forEach((area) => {
    area.dataset.bound = "1";
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (area.value.trim() !== "") area.form.requestSubmit();
      }
    });
  });
}

// Live updates: one event stream per page (server-sent events). Each event names the
// conversation that changed; the page then fetches what it shows again. Where EventSource is
// missing, the page asks every few seconds instead.
const live = {
  listeners: [],
  on(listener) { this.listeners.push(listener); },
  start(url) {
    if (this.listeners.length === 0) return;
    const tell = (change) => this.listeners.forEach((listener) => listener(change));
    if (typeof EventSource === "undefined") {
      setInterval(() => { if (!document.hidden) tell({ poll: true }); }, 3000);
      return;
    }
    const source = new EventSource(url);
    source.onmessage = (event) => {
      try { tell(JSON.parse(event.data)); } catch (_) { tell({ reload: true }); }
    };
    // Back after the connection was lost: what was missed comes as events (Last-Event-ID);
    // a refresh as well covers a stream that had to start over.
    source.onopen = () => { if (this.opened) tell({ reconnected: true }); this.opened = true; };
  },
};

// Runs `work` at most once per `gapMs`, and once more after the last call in a burst.
function throttled(work, gapMs) {
  let running = false;
  let again = false;
  return async function run() {
    if (running) { again = true; return; }
    running = true;
    try { await work(); } catch (_) { /* the next change tries again */ }
    setTimeout(() => {
      running = false;
      if (again) { again = false; run(); }
    }, gapMs);
  };
}

async function fetchHtml(url) {
  const response = await fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
  if (response.redirected || response.status === 401) {
    window.location.reload();
    return null;
  }
  return response.ok ? response.text() : null;
}

// Replaces each [data-live] part of this page with the same part of a fresh copy. A part marked
// data-live-keep-typing stays as it is while both copies have a text box (what the agent is
// typing is never lost); forms take the fresh version numbers.
async function refreshParts() {
  const html = await fetchHtml(window.location.href);
  if (html === null) return;
  const fresh = new DOMParser().parseFromString(html, "text/html");
  document.querySelectorAll("[data-live]").forEach((part) => {
    const next = fresh.querySelector('[data-live="' + part.dataset.live + '"]');
    if (!next) return;
    if (part.hasAttribute("data-live-keep-typing") && part.querySelector("textarea") && next.querySelector("textarea")) return;
    if (part.innerHTML !== next.innerHTML) part.innerHTML = next.innerHTML;
  });
  const version = fresh.querySelector("input[name=version]");
  if (version) document.querySelectorAll("input[name=version]").forEach((input) => { input.value = version.value; });
  setUpEnterToSend();
}

function setUpLiveParts() {
  const scope = document.querySelector("[data-live-scope]");
  if (!scope) return;
  const only = scope.dataset.liveScope === "any" ? null : Number(scope.dataset.liveScope);
  const refresh = throttled(refreshParts, 1000);
  live.on((change) => {
    if (only === null || change.conversation === only || change.conversation === undefined) refresh();
  });
}

function setUpLiveBoard() {
  const board = document.querySelector("[data-live-board]");
  if (!board) return;
  const url = board.dataset.liveBoard;
  const refresh = throttled(async () => {
    const html = await fetchHtml(url);
    if (html === null) return;
    board.innerHTML = html;
    const waiting = board.querySelector("[data-count=waiting]");
    const mine = board.querySelector("[data-count=mine]");
    const waitingTile = document.getElementById("waiting-now");
    const mineTile = document.getElementById("my-conversations");
    if (waiting && waitingTile) waitingTile.textContent = waiting.textContent;
    if (mine && mineTile) mineTile.textContent = mine.textContent;
    tickWaitingTimes(board);
  }, 500);
  live.on(refresh);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
}

// The full-page visitor chat: its history, refreshed when the conversation changes.
function setUpLiveHistory() {
  const history = document.querySelector("[data-live-history]");
  if (!history) return;
  const refresh = throttled(async () => {
    const html = await fetchHtml(history.dataset.liveHistory);
    if (html !== null && html !== history.innerHTML) history.innerHTML = html;
  }, 300);
  live.on(refresh);
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
  setUpLiveParts();
  const stream = document.querySelector("[data-live-stream]");
  live.start(stream ? stream.dataset.liveStream : "/events");
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
