/* Live discussion threads (protocol v1, docs/threads-protocol.md).

   Every [data-thread] block works without this file (form posts, reload). With it:
   - a WebSocket to /ws/threads/<id>/ says hello with the last sequence number the page
     showed, so nothing between the page render and the socket is lost; after a drop it
     reconnects and resumes from the last number it saw (each change once, in order);
   - messages are sent with a client id; without an ack in a few seconds the same message is
     posted over HTTP with the same id (the server keeps one), so a retry never duplicates;
     a send the server refuses (rate limit, too long, closed) goes back into the box with the
     reason, so nothing typed is lost;
   - without WebSockets (blocked proxy) it polls GET /api/v1/threads/<id>/messages?after=N.
   Messages are placed by their seq; a change applies only if its updated_seq is newer. */
(function () {
  "use strict";
  if (window.RainmakerThreads) return;
  window.RainmakerThreads = true;

  const ACK_TIMEOUT_MS = 5000;
  const GAP_WAIT_MS = 1500;
  const POLL_MS = 5000;
  const PING_MS = 30000;
  const TYPING_SEND_MS = 3000;
  const TYPING_SHOW_MS = 4000;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "className") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach((c) => c && node.append(c));
    return node;
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return "web-" + crypto.randomUUID();
    return "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function formatTime(iso) {
    const d = new Date(iso);
    return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function avatarHue(id) {
    const hues = [210, 150, 25, 280, 340, 190, 45, 120];
    return hues[Math.abs(id || 0) % hues.length];
  }

  function setupThread(root) {
    const threadId = parseInt(root.dataset.thread, 10);
    const me = parseInt(root.dataset.userId, 10);
    let canPost = root.dataset.canPost === "1"; // false once the thread is archived
    const isManager = root.dataset.manager === "1";
    const list = root.querySelector("[data-thread-messages]");
    const empty = root.querySelector("[data-thread-empty]");
    const statusText = root.querySelector("[data-status-text]");
    const statusBox = root.querySelector("[data-thread-status]");
    const reloadLink = root.querySelector("[data-reload-link]");
    const typingBox = root.querySelector("[data-thread-typing]");
    const form = root.querySelector("[data-thread-form]");
    const textarea = form && form.querySelector("textarea[name=body]");
    const errorBox = form && form.querySelector("[data-thread-error]");
    const replyBox = form && form.querySelector("[data-replying]");
    const replyInput = form && form.querySelector("input[name=reply_to]");
    const presenceBox = document.querySelector('[data-thread-presence="' + threadId + '"]');
    const apiBase = "/api/v1/threads/" + threadId + "/messages";

    let lastSeq = parseInt(root.dataset.lastSeq, 10) || 0; // contiguous: everything up to here applied
    const ahead = new Set(); // numbers seen above lastSeq
    let gapTimer = null;
    let pollTimer = null;
    let pingTimer = null;
    let live = false;
    let lastTypingSent = 0;
    const typers = new Map();
    const pending = new Map(); // client_id -> {body, reply_to, reply_name, reply_excerpt, timer}
    const known = new Map(); // message id -> updated_seq
    list.querySelectorAll("li[data-id]").forEach((li) => known.set(parseInt(li.dataset.id, 10), parseInt(li.dataset.updatedSeq, 10)));

    const log = list.parentElement;
    function scrollable() { return log.scrollHeight > log.clientHeight + 4; }
    function nearBottom() {
      if (scrollable()) return log.scrollHeight - log.scrollTop - log.clientHeight < 160;
      return list.getBoundingClientRect().bottom - window.innerHeight < 160;
    }
    function toBottom() {
      if (scrollable()) log.scrollTop = log.scrollHeight;
    }

    function setStatus(text, state) {
      statusText.textContent = text;
      statusBox.dataset.state = state;
      if (reloadLink) reloadLink.hidden = state === "live";
    }
    setStatus("Connecting…", "connecting");
    // Times in the reader's own time zone (the server renders UTC).
    list.querySelectorAll("time[datetime]").forEach((t) => { t.textContent = formatTime(t.getAttribute("datetime")); });
    // Open on the latest messages (or on the linked one: #m-<seq>).
    const target = window.location.hash.startsWith("#m-") && list.querySelector(window.location.hash);
    if (target) log.scrollTop = target.offsetTop - log.offsetTop - 40;
    else if (scrollable()) toBottom();
    else if ("standalone" in root.dataset && list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "center" });

    /* --- Sequence bookkeeping --- */
    function saw(seq) {
      if (!seq || seq <= lastSeq) return;
      ahead.add(seq);
      while (ahead.has(lastSeq + 1)) { lastSeq += 1; ahead.delete(lastSeq); }
      if (ahead.size && !gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = null;
          if (ahead.size) resume(); // a frame was lost on the way: ask the database
        }, GAP_WAIT_MS);
      }
    }
    function caughtUp(seq) {
      if (seq > lastSeq) lastSeq = seq;
      [...ahead].forEach((s) => { if (s <= lastSeq) ahead.delete(s); });
      while (ahead.has(lastSeq + 1)) { lastSeq += 1; ahead.delete(lastSeq); }
    }

    /* --- Rendering --- */
    function renderMessage(m) {
      const own = m.author && m.author.id === me;
      const li = el("li", {
        className: "msg" + (m.deleted ? " msg--deleted" : "") + (own ? " msg--own" : "") + " msg--new",
        id: "m-" + m.seq,
        "data-id": m.id,
        "data-seq": m.seq,
        "data-updated-seq": m.updated_seq,
        "data-author": m.author ? m.author.username : null,
      });
      const avatar = el("span", { className: "avatar avatar--sm", "aria-hidden": "true", text: m.author ? m.author.initials : "?" });
      avatar.style.setProperty("--avatar-hue", avatarHue(m.author ? m.author.id : 0));
      const head = el("div", { className: "msg__head" }, [
        m.author ? el("a", { className: "msg__author", href: m.author.url, text: m.author.name }) : el("span", { className: "msg__author", text: "a former member" }),
        el("a", { className: "msg__time", href: "#m-" + m.seq }, [el("time", { datetime: m.created_at, text: formatTime(m.created_at) })]),
        m.edited_at && !m.deleted ? el("span", { className: "msg__edited", text: "(edited)" }) : null,
      ]);
      const main = el("div", { className: "msg__main" }, [head]);
      if (m.reply_to && !m.deleted) {
        const q = el("blockquote", { className: "msg__quote" }, [el("a", { href: "#m-" + m.reply_to.seq, text: m.reply_to.author }), document.createTextNode(": ")]);
        q.append(m.reply_to.deleted ? el("em", { text: "deleted message" }) : document.createTextNode(m.reply_to.excerpt));
        main.append(q);
      }
      if (m.deleted) {
        main.append(el("p", { className: "msg__body msg__body--deleted", text: "This message was deleted." }));
      } else {
        const body = el("div", { className: "msg__body" });
        body.innerHTML = m.body_html; /* cleaned server-side by core.markdown (bleach allow-list) */
        main.append(body);
        const actions = el("div", { className: "msg__actions" });
        if (canPost) actions.append(el("a", { href: "?reply_to=" + m.id + "#compose-" + threadId, "data-action": "reply", text: "Reply" }));
        if (own && canPost) actions.append(el("a", { href: "/discussions/" + threadId + "/messages/" + m.id + "/edit/", "data-action": "edit", text: "Edit" }));
        if ((own || isManager) && canPost) actions.append(el("a", { href: "/discussions/" + threadId + "/messages/" + m.id + "/delete/", "data-action": "delete", text: "Delete" }));
        main.append(actions);
      }
      li.append(avatar, main);
      li.dataset.body = m.body || "";
      return li;
    }


    /* Insert or update one message; returns true when it changed the page. */
    function upsert(m, opts) {
      const have = known.get(m.id);
      if (have !== undefined && have >= m.updated_seq) return false;
      known.set(m.id, m.updated_seq);
      const stick = nearBottom();
      const node = renderMessage(m);
      const old = list.querySelector('li[data-id="' + m.id + '"]');
      if (old) {
        node.classList.remove("msg--new");
        old.replaceWith(node);
      } else {
        let before = null;
        for (const li of list.children) { if (parseInt(li.dataset.seq, 10) > m.seq) { before = li; break; } }
        list.insertBefore(node, before);
        if (empty) empty.hidden = true;
        if (!(opts && opts.quiet) && m.author && m.author.id !== me) {
          window.Rainmaker.announce(m.author.name + ": " + (node.querySelector(".msg__body") || node).textContent.slice(0, 140));
        }
        if (stick || (m.author && m.author.id === me)) { toBottom(); if (!scrollable()) node.scrollIntoView({ block: "nearest" }); }
      }
      if (m.author && typers.has(m.author.id)) { typers.delete(m.author.id); renderTyping(); }
      scheduleRead();
      return true;
    }

    function replaceAll(items) {
      list.innerHTML = "";
      known.clear();
      items.forEach((m) => upsert(m, { quiet: true }));
      if (empty) empty.hidden = items.length > 0;
    }

    function renderTyping() {
      const names = [...typers.values()].map((t) => t.name);
      typingBox.textContent = names.length === 0 ? "" : names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
    }

    function renderPresence(users) {
      if (!presenceBox) return;
      presenceBox.innerHTML = "";
      if (!users.length) presenceBox.append(el("li", { className: "meta", text: "Nobody else right now." }));
      users.forEach((u) => presenceBox.append(el("li", { className: "chip" + (u.id === me ? " chip--me" : ""), text: u.id === me ? u.name + " (you)" : u.name })));
    }

    function showError(text) {
      if (!errorBox) { window.Rainmaker.announce(text); return; }
      errorBox.textContent = text;
      errorBox.hidden = !text;
    }

    /* --- Read state --- */
    let readTimer = null;
    function scheduleRead() {
      if (document.visibilityState !== "visible") return;
      clearTimeout(readTimer);
      readTimer = setTimeout(() => { if (live) socket.send({ type: "read", seq: lastSeq }); }, 800);
    }
    document.addEventListener("visibilitychange", scheduleRead);

    /* --- Frames from the server --- */
    function onFrame(f) {
      switch (f.type) {
        case "hello":
          live = true;
          setStatus("Live: new messages appear as they are sent.", "live");
          stopPolling();
          clearInterval(pingTimer);
          pingTimer = setInterval(() => socket.send({ type: "ping" }), PING_MS);
          if (f.thread && f.thread.archived_at) { archived(); break; }
          pending.forEach((p, clientId) => sendPending(clientId)); // retry what had no ack
          break;
        case "archived":
          archived(f.detail);
          break;
        case "message": case "edit": case "delete":
          upsert(f.message);
          if (f.replay) return; // the "replayed" frame moves lastSeq past the compacted log
          saw(f.message.updated_seq);
          break;
        case "replayed":
          caughtUp(f.last_seq);
          scheduleRead();
          break;
        case "ack": {
          upsert(f.message, { quiet: true });
          saw(f.updated_seq);
          const p = f.client_id && pending.get(f.client_id);
          if (p) { clearTimeout(p.timer); pending.delete(f.client_id); }
          break;
        }
        case "resync":
          reloadRecent(f.history_url, f.last_seq);
          break;
        case "presence":
          renderPresence(f.users || []);
          break;
        case "typing":
          if (!f.user || f.user.id === me) return;
          clearTimeout((typers.get(f.user.id) || {}).timer);
          typers.set(f.user.id, { name: f.user.name, timer: setTimeout(() => { typers.delete(f.user.id); renderTyping(); }, TYPING_SHOW_MS) });
          renderTyping();
          break;
        case "error":
          if (f.ref && pending.has(f.ref)) { giveBack(f.ref, f.detail); break; } // a refused send
          if (f.code === "removed" || f.code === "forbidden" && !f.ref) setStatus(f.detail, "closed");
          else if (f.code === "too_many_connections") startPolling(f.detail);
          else showError(f.detail);
          break;
        default:
          break;
      }
    }

    /* The thread became read-only (its mentorship ended): no composer, no reply/edit/delete. */
    function archived(detail) {
      if (!canPost) return;
      canPost = false;
      root.querySelectorAll(".msg__actions [data-action]").forEach((a) => a.remove());
      if (!form) return;
      const notice = el("p", { className: "notice", "data-thread-archived": "",
        text: (detail || "This discussion was archived: it stays readable, but no new messages can be posted.") });
      const unsent = [...pending.values()].map((p) => p.body);
      pending.forEach((p) => clearTimeout(p.timer));
      pending.clear();
      if (textarea && textarea.value.trim()) unsent.push(textarea.value.trim());
      form.hidden = true;
      form.after(notice);
      if (unsent.length) {
        // What was being written is given back, never thrown away.
        const keep = el("textarea", { readonly: "", rows: 4, "aria-label": "Your unsent message", id: "unsent-" + threadId });
        keep.value = unsent.join("\n\n");
        notice.after(el("div", { className: "notice", role: "alert" }, [
          el("p", { text: "Your message was not posted. Here is what you wrote, so you can keep it." }), keep]));
      }
      window.Rainmaker.announce(notice.textContent);
    }

    async function reloadRecent(url, seq) {
      const result = await window.Rainmaker.api(url);
      if (!result.ok) return;
      replaceAll(result.data.items);
      lastSeq = 0; ahead.clear();
      caughtUp(Math.max(seq, result.data.last_seq));
    }

    function resume() {
      if (live) socket.send({ type: "resume", last_seq: lastSeq });
      else poll();
    }

    /* --- HTTP fallback: polling and posting --- */
    async function poll() {
      const result = await window.Rainmaker.api(apiBase + "?after=" + lastSeq + "&page_size=100");
      if (!result.ok) return;
      result.data.items.forEach((m) => upsert(m));
      caughtUp(result.data.next_after);
      if (result.data.count > result.data.items.length) poll();
    }
    function startPolling(reason) {
      // The reason stays on screen (e.g. too many discussions open) until live updates return.
      setStatus((reason ? reason + " Meanwhile new messages are checked every few seconds."
        : "Live updates unavailable: checking for new messages every few seconds."), "polling");
      if (pollTimer) return;
      poll();
      pollTimer = setInterval(poll, POLL_MS);
    }
    function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

    async function postOverHttp(clientId) {
      const p = pending.get(clientId);
      if (!p) return;
      const result = await window.Rainmaker.api(apiBase, { method: "POST", body: { body: p.body, client_id: clientId, reply_to: p.reply_to } });
      if (result.ok) {
        pending.delete(clientId);
        upsert(result.data, { quiet: true });
        saw(result.data.updated_seq);
      } else if (result.status >= 400 && result.status < 500) {
        giveBack(clientId, (result.data && result.data.detail) || "Your message was not sent.");
      } else {
        p.timer = setTimeout(() => postOverHttp(clientId), ACK_TIMEOUT_MS); // server trouble: retry, same id
      }
    }

    /* The server refused a send: put the message back into the box (before anything typed
       since), with its reply, and say why. */
    function giveBack(clientId, reason) {
      const p = pending.get(clientId);
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(clientId);
      if (textarea) {
        const typedSince = textarea.value.trim();
        textarea.value = typedSince ? p.body + "\n\n" + typedSince : p.body;
        if (p.reply_to && replyInput && !replyInput.value) {
          replyInput.value = String(p.reply_to);
          replyBox.querySelector("[data-replying-name]").textContent = p.reply_name;
          replyBox.querySelector("[data-replying-excerpt]").textContent = p.reply_excerpt;
          replyBox.hidden = false;
        }
        textarea.focus();
      }
      showError(reason + (textarea ? " Your message is back in the box." : ""));
    }

    function sendPending(clientId) {
      const p = pending.get(clientId);
      if (!p) return;
      clearTimeout(p.timer);
      const sent = live && socket.send({ type: "message", client_id: clientId, body: p.body, reply_to: p.reply_to });
      if (sent) p.timer = setTimeout(() => postOverHttp(clientId), ACK_TIMEOUT_MS);
      else postOverHttp(clientId);
    }

    /* --- The socket --- */
    const socket = ("WebSocket" in window) ? window.Rainmaker.reconnectingSocket("/ws/threads/" + threadId + "/", {
      onOpen(ws) { ws.send(JSON.stringify({ type: "hello", v: 1, last_seq: lastSeq })); },
      onMessage: onFrame,
      onClose(event) {
        live = false;
        clearInterval(pingTimer);
        if (!window.Rainmaker.mayReconnect(event.code)) { if (statusBox.dataset.state !== "closed") setStatus("Disconnected. Reload to continue.", "closed"); return; }
        if (event.code === 4429) { // polling until a slot frees; the status says why
          if (statusBox.dataset.state !== "polling") startPolling("You have too many discussions open; close one to get live updates here.");
          return;
        }
        setStatus("Reconnecting… (messages you send are kept)", "connecting");
        setTimeout(() => { if (!live) startPolling(); }, 8000);
      },
    }) : null;
    if (!socket) startPolling();

    /* --- Composing --- */
    if (form && textarea) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const body = textarea.value.trim();
        if (!body) { showError("Write a message first."); textarea.focus(); return; }
        showError("");
        const clientId = newClientId();
        const replyTo = replyInput && replyInput.value ? parseInt(replyInput.value, 10) : null;
        pending.set(clientId, {
          body,
          reply_to: replyTo,
          reply_name: replyBox ? replyBox.querySelector("[data-replying-name]").textContent : "",
          reply_excerpt: replyBox ? replyBox.querySelector("[data-replying-excerpt]").textContent : "",
          timer: null,
        });
        textarea.value = "";
        cancelReply();
        sendPending(clientId);
      });
      textarea.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      textarea.addEventListener("input", () => {
        const now = Date.now();
        if (live && textarea.value && now - lastTypingSent > TYPING_SEND_MS) {
          lastTypingSent = now;
          socket.send({ type: "typing" });
        }
      });
    }

    function cancelReply() {
      if (replyInput) replyInput.value = "";
      if (replyBox) replyBox.hidden = true;
    }
    const cancelLink = form && form.querySelector("[data-reply-cancel]");
    if (cancelLink) cancelLink.addEventListener("click", (event) => { event.preventDefault(); cancelReply(); });

    /* --- Reply, edit, delete on a message --- */
    list.addEventListener("click", async (event) => {
      const link = event.target.closest("a[data-action]");
      if (!link) return;
      const li = link.closest("li[data-id]");
      const id = parseInt(li.dataset.id, 10);
      const action = link.dataset.action;
      if (action === "reply" && form) {
        event.preventDefault();
        replyInput.value = String(id);
        replyBox.querySelector("[data-replying-name]").textContent = (li.querySelector(".msg__author") || {}).textContent || "";
        replyBox.querySelector("[data-replying-excerpt]").textContent = (li.querySelector(".msg__body") || {}).textContent.trim().slice(0, 100);
        replyBox.hidden = false;
        textarea.focus();
      } else if (action === "delete") {
        event.preventDefault();
        if (!window.confirm("Delete this message? Everyone will see that it was deleted.")) return;
        if (!(live && socket.send({ type: "delete", id, ref: "del-" + id }))) {
          const result = await window.Rainmaker.api(apiBase + "/" + id, { method: "DELETE" });
          if (result.ok) upsert(result.data); else showError((result.data && result.data.detail) || "Could not delete.");
        }
      } else if (action === "edit") {
        event.preventDefault();
        startEdit(li, id);
      }
    });

    function startEdit(li, id) {
      const bodyNode = li.querySelector(".msg__body");
      if (!bodyNode || li.querySelector("form")) return;
      const editor = el("form", { className: "msg__editor" });
      const label = el("label", { className: "visually-hidden", for: "edit-" + id, text: "Edit your message" });
      const area = el("textarea", { id: "edit-" + id, rows: "3" });
      area.value = li.dataset.body || bodyNode.textContent.trim();
      const save = el("button", { className: "btn btn--small btn--primary", type: "submit", text: "Save" });
      const cancel = el("button", { className: "btn btn--small", type: "button", text: "Cancel" });
      editor.append(label, area, el("div", { className: "actions" }, [save, cancel]));
      bodyNode.hidden = true;
      bodyNode.after(editor);
      area.focus();
      cancel.addEventListener("click", () => { editor.remove(); bodyNode.hidden = false; });
      editor.addEventListener("submit", async (event) => {
        event.preventDefault();
        const body = area.value.trim();
        if (!body) return;
        if (!(live && socket.send({ type: "edit", id, body, ref: "edit-" + id }))) {
          const result = await window.Rainmaker.api(apiBase + "/" + id, { method: "PATCH", body: { body } });
          if (result.ok) upsert(result.data); else { showError((result.data && result.data.detail) || "Could not save."); return; }
        }
        editor.remove();
        bodyNode.hidden = false;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-thread]").forEach(setupThread);
  });
})();
