/* A few lines of DOM, enough to run static/js/*.js under plain Node (no jsdom, no npm):
   elements answer the selectors a test wires up, timers run only when the test says so. */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

class El {
  constructor(tag) {
    this.tagName = (tag || "div").toUpperCase();
    this.attrs = {};
    this.children = [];
    this.dataset = {};
    this.hidden = false;
    this.value = "";
    this.textContent = "";
    this.innerHTML = "";
    this.listeners = {};
    this.sel = {};
    this.all = {};
    this.style = { setProperty() {} };
    this.classList = { add() {}, remove() {}, toggle() { return false; } };
    this.scrollHeight = 0;
    this.clientHeight = 0;
    this.scrollTop = 0;
    this.focused = false;
  }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
  append(...nodes) { this.children.push(...nodes); }
  insertBefore(node) { this.children.push(node); }
  insertAdjacentElement() {}
  after(...nodes) { this.siblingsAfter = [...(this.siblingsAfter || []), ...nodes]; }
  remove() {}
  replaceWith() {}
  scrollIntoView() {}
  focus() { this.focused = true; }
  closest() { return null; }
  contains() { return false; }
  getBoundingClientRect() { return { bottom: 0 }; }
  get lastElementChild() { return this.children[this.children.length - 1] || null; }
  querySelector(selector) { return this.sel[selector] || null; }
  querySelectorAll(selector) { return this.all[selector] || []; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, event) { (this.listeners[type] || []).forEach((fn) => fn(event || {})); }
  dispatchEvent(event) { this.dispatch(event.type, event); return true; }
  requestSubmit() { this.dispatch("submit", { preventDefault() {} }); }
}

/* Timers that fire only when the test calls run(): nothing runs behind its back. */
function fakeTimers() {
  let next = 1;
  const pending = new Map();
  return {
    setTimeout(fn, ms) { const id = next++; pending.set(id, { fn, ms }); return id; },
    clearTimeout(id) { pending.delete(id); },
    setInterval() { return next++; },
    clearInterval() {},
    pending,
    run() {
      const due = [...pending.entries()];
      pending.clear();
      due.forEach(([, t]) => t.fn());
      return due.length;
    },
  };
}

function makeDocument() {
  const doc = new El("#document");
  doc.documentElement = new El("html");
  doc.visibilityState = "visible";
  doc.cookie = "csrftoken=test";
  doc.createElement = (tag) => new El(tag);
  doc.createTextNode = (text) => ({ textContent: text });
  doc.getElementById = (id) => doc.sel["#" + id] || null;
  return doc;
}

/* Run `file` (relative to the repository) in a fresh context; returns the context. */
function load(file, context) {
  const source = fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8");
  vm.createContext(context);
  vm.runInContext(source, context, { filename: file });
  return context;
}

/* Let pending promise callbacks (fetch results) run. */
function settle() { return new Promise((resolve) => setImmediate(resolve)); }

module.exports = { El, fakeTimers, makeDocument, load, settle };
