/* static/js/discussion.js: a send the server refuses goes back into the box, with the reason.
   Run: node tests/js/discussion_compose.test.js (tests/js/test_static_js.py runs it in pytest). */
"use strict";
const assert = require("assert");
const { settle } = require("./fake_dom");
const { page } = require("./thread_page");

async function refusedOverTheSocket() {
  const p = page();
  p.frame({ type: "hello", v: 1 });
  p.submit("Can I offer 15% for a 3-year term?");
  assert.strictEqual(p.textarea.value, "", "the box empties while the message is on its way");
  const message = p.sent.find((f) => f.type === "message");
  assert.ok(message && message.body === "Can I offer 15% for a 3-year term?");
  p.frame({ type: "error", v: 1, code: "rate_limited", ref: message.client_id, retry_after: 30,
            detail: "You can post 20 messages a minute; try again in 30 seconds." });
  assert.strictEqual(p.textarea.value, "Can I offer 15% for a 3-year term?", "the refused message is back");
  assert.ok(p.textarea.focused);
  assert.strictEqual(p.errorBox.hidden, false);
  assert.match(p.errorBox.textContent, /20 messages a minute/);
  assert.match(p.errorBox.textContent, /back in the box/);
  p.timers.run(); // the ack timer was cleared: nothing is re-sent over HTTP
  assert.strictEqual(p.posts.length, 0);
}

async function refusedOverHttpKeepsWhatWasTypedSinceAndTheReply() {
  const p = page(); // no hello: not live, so the message is posted over HTTP at once
  p.replyInput.value = "41";
  p.replyName.textContent = "Marcus Reyes";
  p.replyExcerpt.textContent = "Send the MAP before the call";
  p.replyBox.hidden = false;
  p.context.nextApiAnswer = { ok: false, status: 403, data: { detail: "You cannot post in this discussion." } };
  p.submit("Agreed, sending it tonight.");
  assert.strictEqual(p.textarea.value, "");
  assert.strictEqual(p.replyBox.hidden, true, "the reply is cleared while sending");
  p.textarea.value = "PS"; // typed while the post was on its way
  await settle();
  assert.strictEqual(p.posts.length, 1);
  assert.strictEqual(p.posts[0].options.body.reply_to, 41);
  assert.strictEqual(p.textarea.value, "Agreed, sending it tonight.\n\nPS", "nothing typed is lost");
  assert.strictEqual(p.replyInput.value, "41");
  assert.strictEqual(p.replyBox.hidden, false);
  assert.strictEqual(p.replyName.textContent, "Marcus Reyes");
  assert.match(p.errorBox.textContent, /cannot post in this discussion/);
}

async function acceptedStaysSent() {
  const p = page();
  p.frame({ type: "hello", v: 1 });
  p.submit("Thanks!");
  const message = p.sent.find((f) => f.type === "message");
  const stored = { id: 9, thread: 7, seq: 1, updated_seq: 1, client_id: message.client_id, body: "Thanks!",
                   body_html: "<p>Thanks!</p>", author: { id: 3, name: "Nina", initials: "NP", url: "/people/newhire/" },
                   created_at: "2026-11-25T10:02:11+00:00", edited_at: null, deleted: false, reply_to: null };
  p.frame({ type: "ack", v: 1, id: 9, seq: 1, updated_seq: 1, client_id: message.client_id, message: stored });
  p.frame({ type: "error", v: 1, code: "rate_limited", ref: message.client_id, detail: "late" });
  assert.strictEqual(p.textarea.value, "", "an acked message never comes back");
}

(async () => {
  for (const test of [refusedOverTheSocket, refusedOverHttpKeepsWhatWasTypedSinceAndTheReply, acceptedStaysSent]) {
    await test();
    console.log("ok", test.name);
  }
})().catch((error) => { console.error(error); process.exit(1); });
