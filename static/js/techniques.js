/* Techniques: "I used this" without leaving the page. Without JavaScript the form posts
   normally and the page reloads with a message; with it, the same view answers JSON, and the
   numbers on the page refresh once the worker has recomputed them (a task after the commit). */
(function () {
  "use strict";

  function setupPracticeForms() {
    document.querySelectorAll("form[data-practice-form]").forEach((form) => {
      const status = form.querySelector("[data-practice-status]");
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const button = form.querySelector("button[type=submit]");
        button.disabled = true;
        status.classList.remove("is-error");
        status.textContent = "Saving…";
        form.querySelectorAll(".errorlist[data-live]").forEach((el) => el.remove());
        let result;
        try {
          const response = await fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json", "X-CSRFToken": window.Rainmaker.getCookie("csrftoken") },
            credentials: "same-origin",
          });
          result = { status: response.status, data: await response.json() };
        } catch (e) {
          result = { status: 0, data: null };
        }
        button.disabled = false;
        if (result.status === 201 && result.data) {
          status.textContent = result.data.message;
          window.Rainmaker.announce(result.data.message);
          addToList(form, result.data.practice);
          watchNumbers();
          const note = form.querySelector("textarea");
          if (note) note.value = "";
          return;
        }
        status.classList.add("is-error");
        if (result.data && result.data.errors) {
          status.textContent = result.data.detail || "Please correct the fields below.";
          result.data.errors.forEach((err) => {
            const field = form.querySelector('[name="practice-' + err.field + '"]');
            const list = document.createElement("ul");
            list.className = "errorlist";
            list.dataset.live = "1";
            const item = document.createElement("li");
            item.textContent = err.message;
            list.appendChild(item);
            if (field) {
              field.insertAdjacentElement("afterend", list);
              const more = field.closest("details");
              if (more) more.open = true;
            } else {
              status.insertAdjacentElement("beforebegin", list);
            }
          });
        } else {
          status.textContent = "Could not save; check your connection and try again.";
        }
      });
    });
  }

  function addToList(form, practice) {
    if (!practice) return;
    let list = document.querySelector("[data-my-practices]");
    if (!list) {
      const heading = document.createElement("h3");
      heading.className = "practice-card__mine";
      heading.textContent = "Your last uses";
      list = document.createElement("ul");
      list.className = "list list--compact";
      list.dataset.myPractices = "1";
      form.insertAdjacentElement("afterend", list);
      form.insertAdjacentElement("afterend", heading);
    }
    const item = document.createElement("li");
    const badge = document.createElement("span");
    badge.className = "badge" + (practice.success === true ? " badge--ok" : practice.success === false ? " badge--danger" : "");
    badge.textContent = practice.response_label;
    const meta = document.createElement("span");
    meta.className = "meta";
    [practice.date_label, practice.deal_name].filter(Boolean).forEach((text) => {
      const span = document.createElement("span");
      span.textContent = text;
      meta.appendChild(span);
    });
    item.append(badge, " ", meta);
    list.prepend(item);
  }

  /* After a practice is logged, ask the API (GET /api/v1/techniques/<id>) a few times, backing
     off, until the statistics count it; then swap in the page's fresh "What it achieves" section
     and title block (server-rendered, so charts and intervals stay exactly as on a reload). */
  let watching = false;
  let expected = null;
  function watchNumbers() {
    const section = document.querySelector("[data-live-numbers]");
    if (!section || !window.Rainmaker) return;
    const id = section.dataset.liveNumbers;
    expected = (expected === null ? parseInt(section.dataset.uses || "0", 10) : expected) + 1;
    if (watching) return;
    watching = true;
    const delays = [500, 1000, 1000, 2000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 15000];
    let attempt = 0;
    async function check() {
      const result = await window.Rainmaker.api("/api/v1/techniques/" + id).catch(() => ({ ok: false }));
      if (result.ok && result.data && result.data.uses >= expected) {
        watching = false;
        await refreshNumbers(result.data.uses);
        return;
      }
      if (attempt >= delays.length) { watching = false; return; } /* the next visit shows them */
      window.setTimeout(check, delays[attempt++]);
    }
    window.setTimeout(check, delays[attempt++]);
  }

  async function refreshNumbers(uses) {
    let html;
    try {
      const response = await fetch(window.location.pathname, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      html = await response.text();
    } catch (e) {
      return;
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    ["[data-live-numbers]", ".technique-head"].forEach((selector) => {
      const now = document.querySelector(selector);
      const next = fresh.querySelector(selector);
      if (!now || !next) return;
      /* Tables the reader opened stay open. */
      const open = Array.from(now.querySelectorAll("details")).map((d) => d.open);
      next.querySelectorAll("details").forEach((d, i) => { if (open[i]) d.open = true; });
      now.replaceWith(document.importNode(next, true));
    });
    expected = null;
    window.Rainmaker.announce("The numbers now include your practice: " + uses + " uses.");
  }

  document.addEventListener("DOMContentLoaded", setupPracticeForms);
})();
