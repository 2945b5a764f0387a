/* Rainmaker progressive enhancement. Every page works without this file; it adds live
   updates, previews and conveniences. No framework, no CDN. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  function getCookie(name) {
    const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* JSON API call with the session's CSRF token. Resolves to {ok, status, data}. */
  async function api(path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    let body = opts.body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    if ((opts.method || "GET").toUpperCase() !== "GET") headers["X-CSRFToken"] = getCookie("csrftoken");
    const response = await fetch(path, { method: opts.method || "GET", headers, body, credentials: "same-origin" });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }

  function debounce(fn, ms) {
    let timer;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  /* Announce a short message to screen readers (and show it as a toast). */
  function announce(text) {
    const region = document.getElementById("live-region");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  /* Close codes 4400-4499 are the server's "no" (signed out, forbidden, not found, unsupported
     version): never reconnect after them (docs/threads-protocol.md). 4429 (too many open
     connections) is retried, slowly: closing another page frees a slot. */
  const TOO_MANY = 4429;
  function mayReconnect(code) {
    return !(code >= 4400 && code < 4500) || code === TOO_MANY;
  }

  /* A WebSocket that reconnects with backoff; `onOpen` runs after every (re)connect. */
  function reconnectingSocket(path, handlers) {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    let socket = null;
    let attempts = 0;
    let opens = 0;
    let closedByUs = false;
    function connect() {
      socket = new WebSocket(scheme + window.location.host + path);
      socket.addEventListener("open", () => {
        attempts = 0;
        opens += 1;
        handlers.onOpen && handlers.onOpen(socket, { reconnected: opens > 1 });
      });
      socket.addEventListener("message", (event) => {
        let data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        handlers.onMessage && handlers.onMessage(data, socket);
      });
      socket.addEventListener("close", (event) => {
        handlers.onClose && handlers.onClose(event);
        if (closedByUs || !mayReconnect(event.code)) return;
        attempts += 1;
        const backoff = event.code === TOO_MANY ? 30000 : Math.min(30000, 500 * Math.pow(2, attempts));
        const delay = backoff + Math.random() * 400;
        window.setTimeout(connect, delay);
      });
    }
    connect();
    return {
      send(obj) { if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(obj)); return true; } return false; },
      close() { closedByUs = true; socket && socket.close(); },
      get readyState() { return socket ? socket.readyState : WebSocket.CLOSED; },
    };
  }

  /* Live Markdown preview under every textarea marked data-markdown-preview. */
  function setupPreviews(root) {
    (root || document).querySelectorAll("textarea[data-markdown-preview]").forEach((textarea) => {
      if (textarea.dataset.previewReady) return;
      textarea.dataset.previewReady = "1";
      const preview = document.createElement("div");
      preview.className = "markdown-preview";
      /* A named group (a bare div may not carry aria-label). Not a live region: it changes
         with every keystroke, and reading it out each time would drown the typing. */
      preview.setAttribute("role", "group");
      preview.setAttribute("aria-label", "Preview");
      textarea.insertAdjacentElement("afterend", preview);
      const update = debounce(async () => {
        if (!textarea.value.trim()) { preview.innerHTML = ""; return; }
        const result = await api("/api/v1/markdown/preview", { method: "POST", body: { body: textarea.value } });
        if (result.ok && result.data) preview.innerHTML = result.data.body_html; /* sanitised server-side */
      }, 250);
      textarea.addEventListener("input", update);
      if (textarea.value.trim()) update();
    });
  }

  /* Mobile navigation toggle. */
  function setupNav() {
    const toggle = document.querySelector(".nav-toggle");
    const nav = document.getElementById("main-nav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Live notification bell. Pushes raise the count; the count is also read again when the
     socket reconnects (pushes sent meanwhile were missed) and when the tab comes back into
     view (notifications a task worker created reach the socket only through a shared Redis
     channel layer). No polling loop: each refresh answers an event. */
  const BELL_REFRESH_MIN_MS = 15000;
  function setupBell() {
    const bell = document.querySelector("[data-bell]");
    if (!bell) return;
    const counter = bell.querySelector(".bell__count");
    let lastRead = Date.now(); // the page was rendered with a fresh count
    function show(count) {
      counter.textContent = String(count);
      counter.hidden = count === 0;
      bell.setAttribute("aria-label", count + " unread notifications");
    }
    async function refresh() {
      lastRead = Date.now();
      const result = await api("/api/v1/notifications?unread=true&page_size=1");
      if (result.ok && result.data && typeof result.data.count === "number") show(result.data.count);
    }
    function refreshIfStale() {
      if (document.visibilityState === "visible" && Date.now() - lastRead >= BELL_REFRESH_MIN_MS) refresh();
    }
    document.addEventListener("visibilitychange", refreshIfStale);
    window.addEventListener("focus", refreshIfStale);
    window.addEventListener("pageshow", (event) => { if (event.persisted) refresh(); }); // back/forward cache
    if (!("WebSocket" in window)) return;
    reconnectingSocket("/ws/notifications/", {
      onOpen(socket, info) { if (info && info.reconnected) refresh(); },
      onMessage(data) {
        if (data.type !== "notification") return;
        show((parseInt(counter.textContent, 10) || 0) + 1);
        announce("New notification: " + data.title);
        document.dispatchEvent(new CustomEvent("rainmaker:notification", { detail: data }));
      },
    });
  }

  /* Close open <details> menus on Escape or outside click. */
  function setupMenus() {
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details.menu[open]").forEach((d) => { d.removeAttribute("open"); d.querySelector("summary").focus(); });
    });
    document.addEventListener("click", (event) => {
      document.querySelectorAll("details.menu[open]").forEach((d) => { if (!d.contains(event.target)) d.removeAttribute("open"); });
    });
  }

  /* Read-only fields holding something to copy (a new token, an invitation link). */
  function setupSelectOnFocus() {
    document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
      input.addEventListener("focus", () => input.select());
    });
  }

  window.Rainmaker = { api, debounce, announce, reconnectingSocket, mayReconnect, setupPreviews, getCookie };

  document.addEventListener("DOMContentLoaded", () => {
    setupNav();
    setupMenus();
    setupPreviews(document);
    setupBell();
    setupSelectOnFocus();
  });
})();
