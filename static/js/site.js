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
