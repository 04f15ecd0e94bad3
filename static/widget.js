/* Hearken chat widget, loaded by /widget.js: a launcher and a chat panel in a Shadow DOM root
 * (the page's CSS cannot reach in, ours cannot leak out). The visitor's token is kept in
 * localStorage and sent explicitly, never as a cookie. All text is set with textContent. */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || document.getElementById("hearken-widget")) return;
  const ORIGIN = script.getAttribute("data-hearken-origin") || new URL(script.src).origin;
  const KEYS = { token: "hearken.visitor", seen: "hearken.seen", open: "hearken.open", draft: "hearken.draft" };
  const UNAVAILABLE = "The chat is not available right now. Please try again in a moment.";

  // Storage can be switched off or full: the chat then lasts as long as the page.
  function read(store, key) {
    try { return window[store].getItem(key); } catch (_) { return null; }
  }
  function write(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key); else window[store].setItem(key, value);
    } catch (_) { /* not kept */ }
  }

  const state = {
    token: read("localStorage", KEYS.token), seen: Number(read("localStorage", KEYS.seen)) || 0,
    settings: null, conversation: null, lastId: 0, unread: 0, open: false, sending: false,
    stream: null, events: null, eventsKey: null, failedKey: null, poll: null,
  };

  const CSS = `
:host{all:initial!important}
[hidden]{display:none!important}
.hk{--hk-colour:#2557d6;--hk-ink:#fff;--hk-link:#2557d6;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330}
.hk *{box-sizing:border-box}
button,input,textarea{font:inherit;color:inherit}
:focus-visible{outline:2px solid #1d2330;outline-offset:2px}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;min-height:48px;max-width:calc(100vw - 40px);padding:10px 18px;border:0;border-radius:24px;background:var(--hk-colour);color:var(--hk-ink);font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(20,30,50,.28)}
.launcher svg{flex:none;width:20px;height:20px;fill:currentColor}
.badge{position:absolute;top:-6px;right:-4px;min-width:22px;height:22px;padding:0 6px;border:2px solid #fff;border-radius:11px;background:#b42318;color:#fff;font-size:12px;line-height:18px;text-align:center}
.panel{position:fixed;right:20px;bottom:80px;z-index:2147483001;display:flex;flex-direction:column;width:380px;max-width:calc(100vw - 40px);height:min(620px,calc(100vh - 110px));background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(20,30,50,.3)}
.header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 10px 12px 16px;background:var(--hk-colour);color:var(--hk-ink)}
h2{margin:0;font-size:16px;overflow-wrap:anywhere}
.close{flex:none;width:34px;height:34px;border:0;border-radius:8px;background:none;font-size:22px;line-height:1;cursor:pointer}
.close:hover{background:rgba(255,255,255,.18)}
.log{flex:1;overflow-y:auto;padding:14px;background:#f4f6f9;display:flex;flex-direction:column;gap:10px}
.greeting,.bubble{margin:0;padding:8px 11px;background:#fff;border:1px solid #dfe3ea;border-radius:12px;overflow-wrap:anywhere}
.greeting{white-space:pre-line}
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
.msg{max-width:86%;align-self:flex-start}
.from-you{align-self:flex-end}
.meta{font-size:12px;color:#5d6678;margin:0 2px 2px}
.from-you .meta{text-align:right}
.bubble{white-space:pre-wrap}
.from-you .bubble{background:var(--hk-colour);color:var(--hk-ink);border-color:transparent}
.cites{margin:6px 0 0;padding:6px 0 0;border-top:1px solid #dfe3ea;list-style:none;font-size:13.5px;white-space:normal}
.cites a{color:var(--hk-link);font-weight:600}
.note,.waiting{align-self:center;margin:0;font-size:12.5px;color:#5d6678;text-align:center}
.actions{padding:10px 14px 0;display:flex;flex-wrap:wrap;gap:6px}
.actions button,.toggle{border:1px solid #c5ccd8;border-radius:999px;background:#fff;padding:6px 14px;font-weight:600;font-size:14px;cursor:pointer}
.actions button:hover,.toggle:hover{border-color:#5d6678}
form{display:flex;flex-direction:column;gap:6px;padding:10px 14px 12px;border-top:1px solid #dfe3ea}
.actions:not([hidden])+form{border-top:0}
label{font-size:13px;font-weight:600}
label span{font-weight:400;color:#5d6678}
input,textarea{width:100%;padding:7px 9px;border:1px solid #c5ccd8;border-radius:8px;background:#fff}
.details{display:flex;flex-direction:column;gap:4px}
.toggle{align-self:flex-start;padding:3px 10px;font-size:13px}
.row{display:flex;gap:8px;align-items:flex-end}
textarea{flex:1;resize:none;min-height:42px;max-height:140px}
.send{flex:none;min-height:42px;padding:0 16px;border:0;border-radius:8px;background:var(--hk-colour);color:var(--hk-ink);font-weight:600;cursor:pointer}
.send:disabled{opacity:.6;cursor:progress}
.hint{margin:0;font-size:12px;color:#5d6678}
.error{margin:0;padding:6px 9px;background:#fdeceb;border:1px solid #f3c1bd;border-radius:8px;color:#b42318;font-size:13.5px}
@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:auto;border-radius:0}.is-open .launcher{display:none}}
@media (prefers-reduced-motion:no-preference){.panel{animation:hk-in .16s ease-out}}
@keyframes hk-in{from{opacity:0;transform:translateY(8px)}}
`;

  // A tiny element builder: attributes set as attributes, text only as text nodes.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((name) => {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  const host = document.createElement("hearken-chat");
  host.id = "hearken-widget";
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    // A constructed stylesheet is not an inline style: a strict CSP on the page allows it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", { text: CSS }));
  }

  const svg = (tag) => document.createElementNS("http://www.w3.org/2000/svg", tag);
  const icon = svg("svg");
  const path = svg("path");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  icon.append(path);

  const ui = {};
  ui.launcherText = el("span");
  ui.badge = el("span", { class: "badge", "aria-hidden": "true", hidden: "" });
  ui.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "hk-panel" }, [icon, ui.launcherText, ui.badge]);
  ui.title = el("h2", { id: "hk-title" });
  ui.close = el("button", { type: "button", class: "close", "aria-label": "Close chat", text: "\u00d7" });
  ui.greeting = el("p", { class: "greeting" });
  ui.messages = el("ol", { "aria-label": "Messages" });
  ui.waiting = el("p", { class: "waiting", hidden: "", text: "A person from the team will join shortly." });
  ui.verdict = el("div", { class: "waiting", hidden: "" });
  ui.log = el("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0", "aria-label": "Conversation" }, [ui.greeting, ui.messages, ui.waiting, ui.verdict]);
  ui.person = el("button", { type: "button", class: "person", text: "Talk to a person" });
  ui.yes = el("button", { type: "button", text: "That answered my question" });
  ui.more = el("button", { type: "button", text: "I still need help" });
  ui.actions = el("div", { class: "actions", hidden: "" }, [ui.yes, ui.more, ui.person]);
  ui.error = el("p", { class: "error", role: "alert", hidden: "" });
  ui.toggle = el("button", { type: "button", class: "toggle", "aria-expanded": "false", "aria-controls": "hk-details", hidden: "", text: "Your details" });
  ui.name = el("input", { id: "hk-name", autocomplete: "name" });
  ui.email = el("input", { id: "hk-email", type: "email", autocomplete: "email" });
  ui.details = el("div", { class: "details", id: "hk-details" }, [
    el("label", { for: "hk-name" }, ["Your name ", el("span", { text: "(optional)" })]), ui.name,
    el("label", { for: "hk-email" }, ["Email ", el("span", { text: "(optional, for a reply by email)" })]), ui.email,
  ]);
  ui.body = el("textarea", { id: "hk-body", rows: "2", "aria-describedby": "hk-hint" });
  ui.send = el("button", { type: "submit", class: "send", text: "Send" });
  ui.hint = el("p", { class: "hint", id: "hk-hint" });
  ui.form = el("form", { novalidate: "" }, [
    ui.error, ui.toggle, ui.details,
    el("label", { for: "hk-body", text: "Message" }),
    el("div", { class: "row" }, [ui.body, ui.send]),
    ui.hint,
  ]);
  ui.panel = el("section", { class: "panel", id: "hk-panel", role: "dialog", "aria-labelledby": "hk-title", hidden: "" }, [
    el("div", { class: "header" }, [ui.title, ui.close]), ui.log, ui.actions, ui.form,
  ]);
  ui.wrap = el("div", { class: "hk" }, [ui.panel, ui.launcher]);
  root.appendChild(ui.wrap);

  // Text on the team's colour: white, unless the colour is light enough for dark text to read
  // better (WCAG relative luminance).
  function inkOn(hex) {
    const n = parseInt(hex.slice(1), 16);
    const lin = (v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#1d2330";
  }

  function applySettings(settings) {
    state.settings = settings;
    if (/^#[0-9a-fA-F]{6}$/.test(settings.colour)) {
      const ink = inkOn(settings.colour);
      ui.wrap.style.setProperty("--hk-colour", settings.colour);
      ui.wrap.style.setProperty("--hk-ink", ink);
      ui.wrap.style.setProperty("--hk-link", ink === "#ffffff" ? settings.colour : "#1d2330");
    }
    ui.launcherText.textContent = settings.launcher;
    ui.title.textContent = settings.launcher;
    ui.greeting.textContent = settings.greeting;
    ui.body.maxLength = settings.max_message_chars;
    ui.name.maxLength = settings.max_name_chars;
    ui.email.maxLength = settings.max_email_chars;
    ui.hint.textContent = "Enter sends, Shift+Enter adds a line. Up to " + settings.max_message_chars.toLocaleString("en-US") + " characters.";
    showUnread();
  }

  function showUnread() {
    const text = state.settings ? state.settings.launcher : "Chat with us";
    ui.badge.textContent = String(state.unread);
    ui.badge.hidden = state.unread === 0;
    ui.launcher.setAttribute("aria-label", state.unread ? text + ", " + state.unread + " unread" : text);
  }

  function messageItem(message) {
    if (message.from === "note") return el("li", { class: "note", text: message.body });
    const who = { you: "You", assistant: "Assistant" }[message.from] || message.name || "Support";
    const at = new Date(message.at);
    const meta = el("div", { class: "meta", text: who });
    if (!isNaN(at)) meta.append(" \u00b7 ", el("time", { datetime: message.at, text: at.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) }));
    const bubble = el("div", { class: "bubble", text: message.body });
    // Links are paths on the chat's server: anything else is not shown.
    const links = (message.citations || []).filter((c) => typeof c.url === "string" && /^\/help\//.test(c.url));
    if (links.length) {
      bubble.append(el("ul", { class: "cites", "aria-label": "Articles" }, links.map((c) =>
        el("li", {}, [el("a", { href: ORIGIN + c.url, target: "_blank", rel: "noopener noreferrer", text: c.title })]))));
    }
    return el("li", { class: "msg from-" + message.from }, [meta, bubble]);
  }

  // Applies an answer of the API: settings, the conversation's state, new messages.
  function apply(data) {
    if (data.token && data.token !== state.token) {
      state.token = data.token;
      write("localStorage", KEYS.token, data.token);
    }
    applySettings(data.settings);
    state.conversation = data.conversation;
    state.stream = data.stream || null;
    const fresh = (data.messages || []).filter((m) => m.id > state.lastId);
    fresh.forEach((message) => {
      ui.messages.appendChild(messageItem(message));
      state.lastId = message.id;
      if (!state.open && message.from !== "you" && message.id > state.seen) state.unread += 1;
    });
    if (data.verdict !== state.verdict) verdict(state.verdict = data.verdict);
    const conversation = state.conversation;
    ui.waiting.hidden = !(conversation && conversation.waiting);
    ui.yes.hidden = ui.more.hidden = !(conversation && conversation.confirm);
    ui.person.hidden = !(conversation && conversation.may_ask_for_person);
    ui.actions.hidden = ui.yes.hidden && ui.person.hidden;
    if (data.notice) ui.messages.appendChild(el("li", { class: "note", text: data.notice }));
    // Name and email belong to the start of a chat; later they wait behind "Your details".
    const started = state.lastId > 0;
    ui.toggle.hidden = !started;
    if (started && ui.toggle.getAttribute("aria-expanded") !== "true") ui.details.hidden = true;
    if (!started) ui.details.hidden = false;
    if (state.open) markSeen();
    showUnread();
    if (fresh.length && state.open) ui.log.scrollTop = ui.log.scrollHeight;
    live();
  }

  // After a close, once (never the outcome).
  function verdict(v) {
    ui.verdict.hidden = !v;
    ui.verdict.textContent = v === "answered" ? "Thank you for your answer." : "";
    if (v !== "ask") return;
    const comment = el("input", { "aria-label": "Anything to add? (optional)", maxlength: "1000" });
    const answer = (a, t) => {
      const b = el("button", { type: "button", class: "person", text: t });
      b.onclick = () => api("/widget/api/verdict", { token: state.token, answer: a, comment: comment.value })
        .then(apply, (e) => showError(e.message));
      return b;
    };
    ui.verdict.append(el("p", { text: "Did we solve your problem?" }), comment, answer("yes", "Yes"), answer("no", "No"));
  }

  function markSeen() {
    state.unread = 0;
    if (state.lastId > state.seen) {
      state.seen = state.lastId;
      write("localStorage", KEYS.seen, String(state.seen));
    }
  }

  async function api(path, form) {
    const init = { credentials: "omit", cache: "no-store" };
    if (form) {
      init.method = "POST";
      init.body = new URLSearchParams(form);
    }
    const response = await fetch(ORIGIN + path, init).catch(() => { throw new Error(UNAVAILABLE); });
    const data = await response.json().catch(() => null);
    if (!response.ok || !data) {
      const error = new Error((data && data.error) || UNAVAILABLE);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // The token goes in the body, never in an address (addresses end up in logs).
  function readChat(after) {
    return api("/widget/api/chat", { token: state.token || "", after: String(after || 0) });
  }

  // One request at a time; a change announced while one is on its way asks again after it.
  let refreshing = null;
  let again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = readChat(state.lastId).then(apply, () => { /* the next tick tries again */ })
      .then(() => {
        refreshing = null;
        if (again) {
          again = false;
          return refresh();
        }
      });
    return refreshing;
  }

  // Live updates: server-sent events for the open conversation, opened with the read-only key
  // the last answer carried; polling where EventSource is missing or the stream was refused
  // (every 3 s while open, 15 s for the badge). A refused key is tried again once a new one comes.
  function live() {
    const key = state.token && state.conversation ? state.stream : null;
    const current = state.events && state.events.readyState !== 2;
    if (state.events && (!key || (!current && key !== state.eventsKey))) {
      state.events.close();
      state.events = null;
    }
    if (key && !state.events && typeof EventSource === "function" && key !== state.failedKey) {
      const events = new EventSource(ORIGIN + "/widget/api/events?key=" + encodeURIComponent(key));
      state.events = events;
      state.eventsKey = key;
      events.onmessage = refresh;
      events.onopen = refresh;
      events.onerror = () => {
        if (events.readyState === 2 && state.events === events) {
          state.events = null;
          state.failedKey = key;
          schedulePoll();
        }
      };
    }
    schedulePoll();
  }

  function schedulePoll() {
    clearTimeout(state.poll);
    const streaming = state.events && state.events.readyState !== 2;
    if (!state.token || !state.conversation || streaming) return;
    state.poll = setTimeout(() => refresh().then(schedulePoll), state.open ? 3000 : 15000);
  }

  function showError(sentence) {
    ui.error.textContent = "";
    ui.error.hidden = !sentence;
    // Emptied first, so the same sentence twice is announced twice.
    if (sentence) setTimeout(() => { ui.error.textContent = sentence; }, 30);
  }

  async function sendMessage() {
    if (state.sending) return;
    const body = ui.body.value;
    if (!body.trim()) {
      showError("Write a message before sending.");
      ui.body.focus();
      return;
    }
    state.sending = true;
    ui.send.disabled = true;
    try {
      const data = await api("/widget/api/messages", {
        token: state.token || "", body, name: ui.name.value, email: ui.email.value, after: String(state.lastId),
      });
      ui.body.value = "";
      ui.name.value = "";
      ui.email.value = "";
      write("sessionStorage", KEYS.draft, null);
      showError("");
      apply(data);
    } catch (error) {
      showError(error.message); // What was typed stays in the box.
    } finally {
      state.sending = false;
      ui.send.disabled = false;
      ui.body.focus();
    }
  }

  async function askForPerson() {
    ui.person.disabled = true;
    try {
      apply(await api("/widget/api/person", { token: state.token || "", after: String(state.lastId) }));
      showError("");
    } catch (error) { showError(error.message); }
    ui.person.disabled = false;
  }

  async function feedback(path) {
    try {
      apply(await api("/widget/api/" + path, { token: state.token || "", message: String(state.conversation.confirm), after: String(state.lastId) }));
      showError("");
    } catch (error) { showError(error.message); }
  }

  function setOpen(open, moveFocus) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.wrap.classList.toggle("is-open", open);
    ui.launcher.setAttribute("aria-expanded", String(open));
    write("sessionStorage", KEYS.open, open ? "1" : null);
    if (open) {
      markSeen();
      showUnread();
      ui.log.scrollTop = ui.log.scrollHeight;
      if (moveFocus) ui.body.focus();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
    schedulePoll();
  }

  ui.launcher.addEventListener("click", () => setOpen(!state.open, true));
  ui.close.addEventListener("click", () => setOpen(false, true));
  ui.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      setOpen(false, true);
    }
  });
  ui.form.addEventListener("submit", (event) => { event.preventDefault(); sendMessage(); });
  ui.body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendMessage();
    }
  });
  ui.body.addEventListener("input", () => write("sessionStorage", KEYS.draft, ui.body.value || null));
  ui.person.addEventListener("click", askForPerson);
  ui.yes.addEventListener("click", () => feedback("answered"));
  ui.more.addEventListener("click", () => feedback("more-help"));
  ui.toggle.addEventListener("click", () => {
    const expanded = ui.toggle.getAttribute("aria-expanded") !== "true";
    ui.toggle.setAttribute("aria-expanded", String(expanded));
    ui.details.hidden = !expanded;
    if (expanded) ui.name.focus();
  });

  // Shown once the team's settings are known; a website the team has not listed gets nothing.
  async function start(attempt) {
    try {
      const data = await readChat(0);
      ui.body.value = read("sessionStorage", KEYS.draft) || "";
      document.body.appendChild(host);
      apply(data);
      if (read("sessionStorage", KEYS.open) === "1") setOpen(true, false);
    } catch (error) {
      if (error.status === 403) {
        console.warn("Hearken chat: " + error.message + " Add this website under Settings \u2192 Chat widget.");
      } else if (attempt < 5) {
        setTimeout(() => start(attempt + 1), 5000 * (attempt + 1));
      }
    }
  }

  if (document.body) start(0);
  else document.addEventListener("DOMContentLoaded", () => start(0));
})();
