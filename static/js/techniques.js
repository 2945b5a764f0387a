/* Techniques: "I used this" without leaving the page. Without JavaScript the form posts
   normally and the page reloads with a message; with it, the same view answers JSON. */
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

  document.addEventListener("DOMContentLoaded", setupPracticeForms);
})();
