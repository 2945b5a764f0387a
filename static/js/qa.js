/* Questions and answers: similar questions while asking, voting and accepting without a reload.
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

  /* Votes through the API: POST /api/v1/posts/{id}/vote; the form posts normally without JS. */
  function setupVotes() {
    document.querySelectorAll("[data-vote]").forEach((box) => {
      box.addEventListener("click", async (event) => {
        const button = event.target.closest("button[data-value]");
        if (!button || !R) return;
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
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupSimilar();
    setupVotes();
  });
})();
