/* Questions and answers: similar questions while asking, voting without a reload, new answers
   as they arrive.
   Every page works without this file (the forms post normally). */
(function () {
  "use strict";
  const R = window.Rainmaker;

  /* While the asker types the title, show similar questions and techniques from the search
     service (GET /api/v1/search/similar?q=...: only what the asker may see, those sharing more
     words first). The panel stays hidden when the endpoint is missing or errors, so asking
     never depends on search. */
  function setupSimilar() {
    const input = document.querySelector("input[data-similar]");
    const panel = document.querySelector("[data-similar-panel]");
    if (!input || !panel || !R) return;
    const list = panel.querySelector("[data-similar-list]");
    const endpoint = input.getAttribute("data-similar");
    let latest = 0;
    let broken = false;
    let lastQuery = "";
    const search = R.debounce(async () => {
      const q = input.value.trim();
      if (broken) return;
      if (q.length < 8) { panel.hidden = true; list.innerHTML = ""; lastQuery = ""; return; }
      if (q === lastQuery) return;
      lastQuery = q;
      const ticket = ++latest;
      let result;
      try {
        result = await R.api(endpoint + "?q=" + encodeURIComponent(q) + "&limit=6");
      } catch (e) { result = { ok: false }; }
      if (ticket !== latest) return; /* a newer keystroke won */
      if (!result.ok || !result.data || !Array.isArray(result.data.results)) {
        if (result.status === 404) broken = true; /* no search service here: stop asking */
        panel.hidden = true;
        return;
      }
      const items = result.data.results;
      list.innerHTML = "";
      items.forEach((r) => {
        const li = document.createElement("li");
        li.className = "qa-similar__item";
        const type = document.createElement("span");
        type.className = "qa-similar__type";
        type.textContent = r.type === "technique" ? "Technique" : "Question";
        const a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.title; /* text, never HTML */
        li.appendChild(type);
        li.appendChild(a);
        if (r.signal) {
          const meta = document.createElement("div");
          meta.className = "meta";
          meta.textContent = r.signal;
          li.appendChild(meta);
        }
        list.appendChild(li);
      });
      panel.hidden = items.length === 0;
      if (items.length) {
        R.announce(items.length + " similar question" + (items.length === 1 ? "" : "s") + " or techniques found.");
      }
    }, 350);
    input.addEventListener("input", search);
    if (input.value.trim()) search();
  }

  /* Votes through the API: POST /api/v1/posts/{id}/vote; the form posts normally without JS.
     Delegated from the document, so answers that arrive live vote like the others. */
  function setupVotes() {
    document.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-vote] button[data-value]");
      if (!button || !R) return;
      const box = button.closest("[data-vote]");
      event.preventDefault();
      const mine = parseInt(box.dataset.myVote || "0", 10);
      const pressed = parseInt(button.dataset.value, 10);
      const value = mine === pressed ? 0 : pressed;
      button.disabled = true;
      const result = await R.api("/api/v1/posts/" + box.dataset.post + "/vote", { method: "POST", body: { value } });
      button.disabled = false;
      if (!result.ok) {
        R.announce((result.data && result.data.detail) || "Your vote could not be saved.");
        window.alert((result.data && result.data.detail) || "Your vote could not be saved.");
        return;
      }
      box.dataset.myVote = String(result.data.my_vote);
      const score = box.querySelector("[data-score]");
      score.textContent = String(result.data.score);
      score.setAttribute("aria-label", "Score " + result.data.score + ": " + result.data.upvotes + " up, " + result.data.downvotes + " down");
      box.querySelectorAll("button[data-value]").forEach((b) => {
        const v = parseInt(b.dataset.value, 10);
        const on = v === result.data.my_vote;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.value = on ? "0" : String(v);
      });
      R.announce(value === 0 ? "Vote withdrawn. Score " + result.data.score + "." : "Voted. Score " + result.data.score + ".");
    });
  }

  /* New answers appear on an open question page without a reload. A socket on
     /ws/questions/<id>/ says when one arrives; the page then asks GET /questions/<id>/answers/
     ?after=<last id shown> for them, rendered for this reader, and also after every reconnect
     (nothing missed while offline). Where WebSockets cannot connect it asks every 30 seconds;
     without JavaScript a reload shows them. */
  function setupLiveAnswers() {
    const section = document.querySelector("[data-answers]");
    if (!section || !R) return;
    const questionId = section.dataset.answers;
    const list = section.querySelector("[data-answer-list]");
    const heading = section.querySelector("[data-answer-count]");
    let last = parseInt(section.dataset.lastAnswer || "0", 10);
    let busy = null;
    let socket = null;

    async function fetchNew() {
      const response = await fetch("/questions/" + questionId + "/answers/?after=" + last, {
        headers: { Accept: "text/html" }, credentials: "same-origin",
      });
      if (!response.ok) return;
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim(); /* rendered and sanitised server-side */
      const added = [];
      template.content.querySelectorAll("article[id^='post-']").forEach((article) => {
        const id = parseInt(article.id.slice(5), 10);
        if (id > last) last = id;
        if (document.getElementById(article.id)) return;
        article.classList.add("qa-post--new");
        list.appendChild(article);
        added.push(article);
      });
      if (!added.length) return;
      section.dataset.lastAnswer = String(last);
      const empty = section.querySelector("[data-answers-empty]");
      if (empty) empty.remove();
      const count = list.querySelectorAll("article.qa-post").length;
      heading.textContent = count + " answer" + (count === 1 ? "" : "s");
      R.setupPreviews(list);
      const names = added.map((a) => (a.getAttribute("aria-label") || "").replace(/^Answer by /, "").replace(/, accepted$/, ""));
      R.announce(added.length === 1 ? "New answer from " + names[0] + "." : added.length + " new answers.");
    }

    function catchUp() {
      /* One request at a time; a signal during a request asks once more afterwards. */
      if (busy) { busy.again = true; return; }
      busy = { again: false };
      fetchNew().catch(() => {}).finally(() => {
        const again = busy.again;
        busy = null;
        if (again) catchUp();
      });
    }

    if ("WebSocket" in window) {
      socket = R.reconnectingSocket("/ws/questions/" + questionId + "/", {
        onOpen: catchUp,
        onMessage(data) { if (data.type === "answer") catchUp(); },
      });
    }
    window.setInterval(() => {
      if (!socket || socket.readyState !== WebSocket.OPEN) catchUp();
    }, 30000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupSimilar();
    setupVotes();
    setupLiveAnswers();
  });
})();
