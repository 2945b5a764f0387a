/* Search: header autocomplete (an ARIA combobox over /api/v1/search/suggest) and the search
   page's filters, which apply as soon as a box is ticked. Everything works without it. */
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  /* Bold the typed words inside a suggestion (escaped first, so titles cannot inject HTML). */
  function emphasise(title, query) {
    let html = escapeHtml(title);
    query.split(/\s+/).filter((w) => w.length > 1).forEach((word) => {
      const safe = escapeHtml(word).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      html = html.replace(new RegExp("(" + safe + ")", "ig"), "<mark>$1</mark>");
    });
    return html;
  }

  function setupAutocomplete(input) {
    const endpoint = input.dataset.autocomplete;
    const form = input.form;
    if (!endpoint || !form) return;
    const list = document.createElement("ul");
    const listId = input.id + "-suggestions";
    list.id = listId;
    list.className = "autocomplete";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    let items = [];
    let active = -1;
    let lastQuery = "";
    let controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((el, i) => el.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(query, suggestions) {
      items = suggestions;
      /* Options hold no links (no interactive control may sit inside an option): each carries
         its address, and Enter or a click goes there. */
      const rows = suggestions.map((s, i) =>
        '<li role="option" id="' + listId + "-" + i + '" aria-selected="false" data-href="' + escapeHtml(s.url) + '">' +
        '<span class="autocomplete__type">' + escapeHtml(s.type) + "</span> " + emphasise(s.title, query) + "</li>");
      rows.push('<li role="option" id="' + listId + "-all" + '" aria-selected="false" class="autocomplete__all" data-href="/search/?q=' +
        encodeURIComponent(query) + '">Search for “' + escapeHtml(query) + "”</li>");
      list.innerHTML = rows.join("");
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      if (window.Rainmaker) window.Rainmaker.announce(suggestions.length + " suggestion" + (suggestions.length === 1 ? "" : "s"));
    }

    const fetchSuggestions = (window.Rainmaker ? window.Rainmaker.debounce : (f) => f)(async function () {
      const query = input.value.trim();
      if (query.length < 2) { close(); return; }
      if (query === lastQuery && !list.hidden) return;
      lastQuery = query;
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const response = await fetch(endpoint + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal,
        });
        if (!response.ok) { close(); return; }
        const data = await response.json();
        if (input.value.trim() !== query) return;
        render(query, data.suggestions || []);
      } catch (e) {
        if (e.name !== "AbortError") close();
      }
    }, 150);

    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("keydown", (event) => {
      const count = list.querySelectorAll("[role=option]").length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        const option = list.querySelectorAll("[role=option]")[active];
        if (option) { event.preventDefault(); window.location.href = option.dataset.href; }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", () => window.setTimeout(close, 150));
    list.addEventListener("mousedown", (event) => event.preventDefault());  /* keep focus while clicking */
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) window.location.href = option.dataset.href;
    });
  }

  /* The search page: filters apply when ticked; on small screens they start folded. */
  function setupSearchPage() {
    const form = document.querySelector("[data-search-form]");
    if (!form) return;
    form.querySelectorAll("[data-autosubmit]").forEach((el) => {
      el.addEventListener("change", () => {
        if (el.name === "deal") {
          const only = form.querySelector("input[name=deal_only]");
          if (only) only.disabled = !el.value;
        }
        const page = form.querySelector("input[name=page]");
        if (page) page.remove();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
    const panel = form.querySelector("[data-filters]");
    if (panel && window.matchMedia("(max-width: 960px)").matches && !panel.querySelector("input:checked")) {
      panel.removeAttribute("open");
    }
    if (panel && !window.matchMedia("(max-width: 960px)").matches) {
      /* On wide screens the filters are a sidebar, not something to fold away. */
      panel.querySelector("summary").addEventListener("click", (event) => event.preventDefault());
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-autocomplete]").forEach(setupAutocomplete);
    setupSearchPage();
  });
})();
