/* static/js/discussion.js: a thread archived while open (its mentorship ended) turns read-only,
   and whatever was being written is given back, never thrown away.
   Run: node tests/js/discussion_archived.test.js (tests/js/test_static_js.py runs it in pytest). */
"use strict";
const assert = require("assert");
const { page } = require("./thread_page");

function notices(p) {
  return (p.form.siblingsAfter || []).filter((n) => n.attrs["data-thread-archived"] !== undefined);
}

async function archivedFrameClosesTheComposerAndKeepsTheDraft() {
  const p = page();
  p.frame({ type: "hello", v: 1, thread: { id: 7, archived_at: null } });
  p.submit("Sending the recap now"); // on its way, no ack yet
  p.textarea.value = "and one more thing"; // still being typed
  const before = p.sent.length;
  p.frame({ type: "archived", v: 1, archived_at: "2026-12-07T10:00:00+00:00",
            detail: "This mentorship was completed: its coaching thread stays readable; no new messages can be posted." });
  assert.strictEqual(p.form.hidden, true, "the composer is gone");
  const [notice] = notices(p);
  assert.ok(notice, "a notice says why");
  assert.match(notice.textContent, /mentorship was completed/);
  const kept = (notice.siblingsAfter || [])[0];
  assert.ok(kept && kept.attrs.role === "alert", "the unsent text is shown");
  const box = kept.children.find((c) => c.tagName === "TEXTAREA");
  assert.strictEqual(box.value, "Sending the recap now\n\nand one more thing");
  p.timers.run(); // the pending message is not retried over HTTP or the socket
  assert.strictEqual(p.posts.length, 0);
  assert.strictEqual(p.sent.slice(before).filter((f) => f.type === "message").length, 0);
}

async function helloOfAnArchivedThreadIsReadOnlyFromTheStart() {
  const p = page();
  p.frame({ type: "hello", v: 1, thread: { id: 7, archived_at: "2026-12-01T09:00:00+00:00" } });
  assert.strictEqual(p.form.hidden, true);
  assert.strictEqual(notices(p).length, 1);
  assert.strictEqual((notices(p)[0].siblingsAfter || []).length, 0, "nothing was being written: no draft box");
  // Messages that arrive later (replayed history) get no reply/edit/delete links.
  p.frame({ type: "message", v: 1, message: { id: 9, thread: 7, seq: 1, updated_seq: 1, client_id: "x", body: "Hi",
    body_html: "<p>Hi</p>", author: { id: 3, name: "Nina", initials: "NP", url: "/people/newhire/" },
    created_at: "2026-11-25T10:02:11+00:00", edited_at: null, deleted: false, reply_to: null } });
  p.frame({ type: "archived", v: 1, archived_at: "2026-12-01T09:00:00+00:00" });
  assert.strictEqual(notices(p).length, 1, "a second archived frame changes nothing");
}

(async () => {
  for (const test of [archivedFrameClosesTheComposerAndKeepsTheDraft, helloOfAnArchivedThreadIsReadOnlyFromTheStart]) {
    await test();
    console.log("ok", test.name);
  }
})().catch((error) => { console.error(error); process.exit(1); });
