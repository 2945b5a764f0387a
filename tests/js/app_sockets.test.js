/* static/js/app.js: which closes reconnect (docs/threads-protocol.md: none after 44xx except
   4429), and how slowly; the bell reads its count again after a reconnect and when the tab
   comes back. Run: node tests/js/app_sockets.test.js */
"use strict";
const assert = require("assert");
const { El, fakeTimers, makeDocument, load, settle } = require("./fake_dom");

function site(options) {
  const timers = fakeTimers();
  const document = makeDocument();
  const fetches = [];
  const clock = { now: 1_000_000 };
  const sockets = [];
  class FakeSocket {
    constructor(url) { this.url = url; this.listeners = {}; this.readyState = 0; this.sent = []; sockets.push(this); }
    addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
    emit(type, event) { if (type === "open") this.readyState = 1; (this.listeners[type] || []).forEach((fn) => fn(event || {})); }
    send(data) { this.sent.push(data); }
    close() { this.readyState = 3; }
  }
  FakeSocket.OPEN = 1;
  FakeSocket.CLOSED = 3;
  const context = {
    document,
    fetches,
    clock,
    fetch: async (url, init) => {
      fetches.push(url);
      return { ok: true, status: 200, json: async () => (options && options.answer) || {} };
    },
    Date: { now: () => clock.now },
    CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init && init.detail; } },
    location: { protocol: "http:", host: "testserver" },
    WebSocket: FakeSocket,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    Math,
    JSON,
  };
  context.window = context;
  const windowEvents = new El("window");
  context.addEventListener = (type, fn) => windowEvents.addEventListener(type, fn);
  if (options && options.bell) document.sel["[data-bell]"] = options.bell;
  load("static/js/app.js", context);
  return { R: context.Rainmaker, timers, sockets, document, fetches, clock, windowEvents };
}

function noReconnectAfterTheServersNo() {
  for (const code of [4400, 4401, 4403, 4404]) {
    const { R, timers, sockets } = site();
    const closes = [];
    R.reconnectingSocket("/ws/threads/7/", { onClose: (e) => closes.push(e.code) });
    sockets[0].emit("open");
    sockets[0].emit("close", { code });
    assert.deepStrictEqual(closes, [code], "the page hears of the close");
    assert.strictEqual(timers.pending.size, 0, `no reconnect scheduled after ${code}`);
    assert.strictEqual(sockets.length, 1);
    assert.strictEqual(R.mayReconnect(code), false);
  }
}

function reconnectsAfterADropWithBackoff() {
  const { R, timers, sockets } = site();
  const opens = [];
  R.reconnectingSocket("/ws/threads/7/", { onOpen: () => opens.push(sockets.length) });
  sockets[0].emit("open");
  sockets[0].emit("close", { code: 1006 });
  const [delay] = [...timers.pending.values()].map((t) => t.ms);
  assert.ok(delay >= 1000 && delay < 2000, `first retry after about a second (${delay})`);
  timers.run();
  assert.strictEqual(sockets.length, 2, "a new socket after a dropped connection");
  sockets[1].emit("open");
  assert.deepStrictEqual(opens, [1, 2]);
}

function tooManyConnectionsIsRetriedSlowly() {
  const { R, timers, sockets } = site();
  R.reconnectingSocket("/ws/threads/7/", {});
  sockets[0].emit("open");
  sockets[0].emit("close", { code: 4429 });
  const [delay] = [...timers.pending.values()].map((t) => t.ms);
  assert.ok(delay >= 30000, `4429 waits 30 s before trying again (${delay})`);
  timers.run();
  assert.strictEqual(sockets.length, 2);
  assert.strictEqual(R.mayReconnect(4429), true);
  assert.strictEqual(R.mayReconnect(1006), true);
}

function closedByThePageStaysClosed() {
  const { R, timers, sockets } = site();
  const socket = R.reconnectingSocket("/ws/threads/7/", {});
  sockets[0].emit("open");
  socket.close();
  sockets[0].emit("close", { code: 1000 });
  assert.strictEqual(timers.pending.size, 0);
}

function aBell(count) {
  const bell = new El("a");
  const counter = new El("span");
  counter.textContent = String(count);
  counter.hidden = count === 0;
  bell.sel = { ".bell__count": counter };
  return { bell, counter };
}

async function theBellReadsItsCountAgainAfterAReconnect() {
  const { bell, counter } = aBell(1);
  const s = site({ bell, answer: { count: 4, items: [] } });
  s.document.dispatch("DOMContentLoaded");
  const [socket] = s.sockets;
  assert.strictEqual(socket.url, "ws://testserver/ws/notifications/");
  socket.emit("open");
  await settle();
  assert.deepStrictEqual(s.fetches, [], "the rendered count is fresh: no request on the first open");
  socket.emit("message", { data: JSON.stringify({ type: "notification", title: "Marcus answered" }) });
  assert.strictEqual(counter.textContent, "2");
  socket.emit("close", { code: 1006 });
  s.timers.run();
  s.sockets[1].emit("open");
  await settle();
  assert.deepStrictEqual(s.fetches, ["/api/v1/notifications?unread=true&page_size=1"]);
  assert.strictEqual(counter.textContent, "4");
  assert.strictEqual(counter.hidden, false);
  assert.strictEqual(bell.getAttribute("aria-label"), "4 unread notifications");
}

async function theBellReadsItsCountAgainWhenTheTabComesBack() {
  const { bell, counter } = aBell(0);
  const s = site({ bell, answer: { count: 3, items: [] } });
  s.document.dispatch("DOMContentLoaded");
  s.document.dispatch("visibilitychange");
  await settle();
  assert.deepStrictEqual(s.fetches, [], "not within 15 s of the page load");
  s.clock.now += 20000;
  s.document.visibilityState = "hidden";
  s.document.dispatch("visibilitychange");
  await settle();
  assert.deepStrictEqual(s.fetches, [], "not while the tab is hidden");
  s.document.visibilityState = "visible";
  s.document.dispatch("visibilitychange");
  s.windowEvents.dispatch("focus"); // both fire when you come back: one request
  await settle();
  assert.strictEqual(s.fetches.length, 1);
  assert.strictEqual(counter.textContent, "3");
  assert.strictEqual(counter.hidden, false);
  s.windowEvents.dispatch("pageshow", { persisted: true }); // restored from the back/forward cache
  await settle();
  assert.strictEqual(s.fetches.length, 2);
  assert.strictEqual(s.timers.pending.size, 0, "no polling loop");
}

(async () => {
  for (const test of [noReconnectAfterTheServersNo, reconnectsAfterADropWithBackoff, tooManyConnectionsIsRetriedSlowly,
                      closedByThePageStaysClosed, theBellReadsItsCountAgainAfterAReconnect,
                      theBellReadsItsCountAgainWhenTheTabComesBack]) {
    await test();
    console.log("ok", test.name);
  }
})().catch((error) => { console.error(error); process.exit(1); });
