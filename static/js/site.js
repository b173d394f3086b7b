// Small behaviours with no inline script (the CSP forbids it).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const item = button.closest("li");
  const list = item && item.querySelector(":scope > ul");
  if (list && list.dataset.loaded === "1") {
    event.preventDefault();
    event.stopImmediatePropagation();
    const open = list.hidden;
    list.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.querySelector("i").className = open ? "bi bi-dash-square" : "bi bi-plus-square";
  }
}, true);
document.body && document.body.addEventListener("htmx:afterSwap", function (event) {
  const list = event.detail.target;
  if (list && list.matches("ul[data-children]")) {
    list.dataset.loaded = "1";
    list.hidden = false;
    const button = list.parentElement.querySelector(":scope > .node [data-tree-toggle]");
    if (button) {
      button.setAttribute("aria-expanded", "true");
      button.querySelector("i").className = "bi bi-dash-square";
    }
  }
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});

// File inputs in Thai, whatever the browser's language ("Choose File / No file chosen"):
// the native input stays (keyboard, screen readers, form posts), visually hidden behind a Thai
// button and the chosen file's name.
(function () {
  const NONE = "ยังไม่ได้เลือกไฟล์";
  function thaiFileInput(input) {
    if (input.dataset.thaiFile || !input.id) return;
    input.dataset.thaiFile = "1";
    const group = document.createElement("div");
    group.className = "input-group thai-file";
    const button = document.createElement("label");
    button.className = "btn btn-outline-secondary";
    button.htmlFor = input.id;
    button.textContent = "เลือกไฟล์";
    const name = document.createElement("span");
    name.className = "form-control text-truncate text-muted";
    name.setAttribute("aria-live", "polite");
    name.textContent = NONE;
    input.parentNode.insertBefore(group, input);
    input.classList.add("visually-hidden");
    group.append(input, button, name);
    input.addEventListener("change", function () {
      const files = Array.from(input.files || []).map(function (f) { return f.name; });
      name.textContent = files.length ? files.join(", ") : NONE;
      name.classList.toggle("text-muted", !files.length);
    });
  }
  document.querySelectorAll("input[type=file]").forEach(thaiFileInput);
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("input[type=file]").forEach(thaiFileInput);
  });
})();

// A failed save: the Thai summary at the top of the form takes the focus (the page reloads at
// the top, screen readers read it), and each of its links puts the focus on its field.
(function () {
  const summary = document.querySelector("[data-form-errors][tabindex]");
  if (summary) summary.focus();
  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-error-link]");
    if (!link) return;
    const field = document.getElementById(link.dataset.errorLink);
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
// Help panels open by default; one the user has closed stays closed on that page's next visit.
(function () {
  function store(key, closed) {
    try {
      if (closed) window.localStorage.setItem(key, "1");
      else window.localStorage.removeItem(key);
    } catch (e) { /* storage off: the panel simply opens again */ }
  }
  document.querySelectorAll("[data-help-panel]").forEach(function (panel) {
    const key = "epms-help-closed:" + panel.dataset.helpPanel;
    const body = panel.querySelector(".collapse");
    const button = panel.querySelector(".help-toggle");
    let closed = false;
    try { closed = window.localStorage.getItem(key) === "1"; } catch (e) { closed = false; }
    if (closed && body && button) {
      body.classList.remove("show");
      button.setAttribute("aria-expanded", "false");
      button.classList.add("collapsed");
    }
    if (body) {
      body.addEventListener("hidden.bs.collapse", function () { store(key, true); });
      body.addEventListener("shown.bs.collapse", function () { store(key, false); });
    }
  });
})();
