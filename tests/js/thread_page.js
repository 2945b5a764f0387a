/* A thread block ([data-thread]) wired for static/js/discussion.js, with a fake socket and API. */
"use strict";
const { El, fakeTimers, makeDocument, load } = require("./fake_dom");

function page() {
  const timers = fakeTimers();
  const document = makeDocument();
  const root = new El("div");
  root.dataset = { thread: "7", userId: "3", canPost: "1", manager: "0", lastSeq: "0" };
  const log = new El("div");
  const list = new El("ol");
  list.parentElement = log;
  const form = new El("form");
  const textarea = new El("textarea");
  const errorBox = new El("p");
  errorBox.hidden = true;
  const replyBox = new El("p");
  replyBox.hidden = true;
  const replyName = new El("strong");
  const replyExcerpt = new El("span");
  replyBox.sel = { "[data-replying-name]": replyName, "[data-replying-excerpt]": replyExcerpt };
  const replyInput = new El("input");
  form.sel = {
    "textarea[name=body]": textarea,
    "[data-thread-error]": errorBox,
    "[data-replying]": replyBox,
    "input[name=reply_to]": replyInput,
  };
  const status = new El("p");
  const statusText = new El("span");
  root.sel = {
    "[data-thread-messages]": list,
    "[data-thread-empty]": new El("p"),
    "[data-status-text]": statusText,
    "[data-thread-status]": status,
    "[data-thread-typing]": new El("p"),
    "[data-thread-form]": form,
  };
  document.all = { "[data-thread]": [root] };
  const sent = [];
  const posts = [];
  let handlers = null;
  const context = {
    document,
    crypto: { randomUUID: () => "uuid-" + (sent.length + posts.length + 1) },
    location: { hash: "", protocol: "http:", host: "testserver" },
    innerHeight: 800,
    WebSocket: function () {},
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    confirm: () => true,
    Rainmaker: {
      announce() {},
      mayReconnect: (code) => !(code >= 4400 && code < 4500) || code === 4429,
      reconnectingSocket(path, h) {
        handlers = h;
        return { send(frame) { sent.push(frame); return true; }, readyState: 1 };
      },
      async api(url, options) {
        posts.push({ url, options });
        return context.nextApiAnswer;
      },
    },
  };
  context.window = context;
  load("static/js/discussion.js", context);
  document.dispatch("DOMContentLoaded");
  const submit = (text) => { textarea.value = text; form.requestSubmit(); };
  return { context, timers, root, form, status, statusText, textarea, errorBox, replyBox, replyInput, replyName, replyExcerpt, sent, posts, submit,
           frame: (f) => handlers.onMessage(f), close: (code) => handlers.onClose({ code }) };
}

module.exports = { page };
