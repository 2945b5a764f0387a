/* static/js/discussion.js: what the status line says after each kind of close.
   Run: node tests/js/discussion_status.test.js */
"use strict";
const assert = require("assert");
const { page } = require("./thread_page");

function tooManyConnectionsSaysWhyAndPolls() {
  const p = page();
  p.context.nextApiAnswer = { ok: true, status: 200, data: { count: 0, items: [], last_seq: 0, next_after: 0 } };
  const detail = "You have 8 discussions open already; close one and reload.";
  p.frame({ type: "error", v: 1, code: "too_many_connections", detail });
  p.close(4429);
  assert.strictEqual(p.status.dataset.state, "polling");
  assert.ok(p.statusText.textContent.startsWith(detail), p.statusText.textContent);
  assert.match(p.statusText.textContent, /checked every few seconds/);
  assert.ok(p.posts.some((c) => c.url.startsWith("/api/v1/threads/7/messages?after=0")), "it polls meanwhile");
  p.timers.run(); // nothing scheduled may replace the reason with "Reconnecting…"
  assert.ok(p.statusText.textContent.startsWith(detail), p.statusText.textContent);
}

function tooManyConnectionsWithoutItsErrorFrame() {
  const p = page();
  p.context.nextApiAnswer = { ok: true, status: 200, data: { count: 0, items: [], last_seq: 0, next_after: 0 } };
  p.close(4429);
  assert.strictEqual(p.status.dataset.state, "polling");
  assert.match(p.statusText.textContent, /too many discussions open/);
}

function theServersNoIsFinal() {
  for (const code of [4400, 4401, 4404]) {
    const p = page();
    p.close(code);
    assert.strictEqual(p.status.dataset.state, "closed");
    assert.match(p.statusText.textContent, /Reload to continue/);
  }
  const removed = page();
  removed.frame({ type: "error", v: 1, code: "removed", detail: "You were removed from this discussion." });
  removed.close(4403);
  assert.strictEqual(removed.statusText.textContent, "You were removed from this discussion.");
}

function aDropReconnects() {
  const p = page();
  p.frame({ type: "hello", v: 1 });
  assert.strictEqual(p.status.dataset.state, "live");
  p.close(1006);
  assert.strictEqual(p.status.dataset.state, "connecting");
  assert.match(p.statusText.textContent, /Reconnecting/);
}

for (const test of [tooManyConnectionsSaysWhyAndPolls, tooManyConnectionsWithoutItsErrorFrame, theServersNoIsFinal,
                    aDropReconnects]) {
  test();
  console.log("ok", test.name);
}
