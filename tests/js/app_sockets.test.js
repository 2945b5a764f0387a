/* static/js/app.js: which closes reconnect (docs/threads-protocol.md: none after 44xx except
   4429), and how slowly. Run: node tests/js/app_sockets.test.js */
"use strict";
const assert = require("assert");
const { fakeTimers, makeDocument, load } = require("./fake_dom");

function site() {
  const timers = fakeTimers();
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
    document: makeDocument(),
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
  load("static/js/app.js", context);
  return { R: context.Rainmaker, timers, sockets };
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

for (const test of [noReconnectAfterTheServersNo, reconnectsAfterADropWithBackoff, tooManyConnectionsIsRetriedSlowly,
                    closedByThePageStaysClosed]) {
  test();
  console.log("ok", test.name);
}
