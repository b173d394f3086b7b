// The person picker (orgchart/widgets/person_picker.html): htmx fills the list of matching
// people under the input; a click, Enter or Space on one puts its staff code in the input and
// shows the chosen person's name, position and unit. Arrow keys move between the input and the
// list, Escape closes the list. No inline script (the CSP forbids it).
(function () {
  function picker(el) { return el && el.closest("[data-person-picker]"); }
  function buttons(box) { return Array.from(box.querySelectorAll("[data-person-pick]")); }
  function close(box) {
    const list = box.querySelector(".person-suggestions");
    if (list) list.innerHTML = "";
  }
  function choose(button) {
    const box = picker(button);
    const input = box.querySelector("input");
    const chosen = box.querySelector(".person-chosen");
    input.value = button.dataset.personPick;
    chosen.textContent = "";
    const icon = document.createElement("i");
    icon.className = "bi bi-person-check";
    icon.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = "ผู้ที่เลือก: ";
    const name = document.createElement("strong");
    name.className = "text-nowrap";
    name.textContent = button.dataset.personName;
    const detail = document.createElement("span");
    detail.className = "text-muted";
    detail.textContent = " " + button.dataset.personDetail;
    chosen.append(icon, " ", label, name, detail);
    close(box);
    input.focus();
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-person-pick]");
    if (button && picker(button)) { event.preventDefault(); choose(button); }
  });
  document.addEventListener("keydown", function (event) {
    const box = picker(event.target);
    if (!box) return;
    const list = buttons(box);
    const input = box.querySelector("input");
    const at = list.indexOf(event.target);
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(at + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else list[at - 1].focus();
    } else if (event.key === "Escape" && list.length) {
      event.preventDefault();
      close(box);
      input.focus();
    } else if (event.key === "Enter" && event.target === input && list.length === 1) {
      // One match: Enter picks it rather than sending the form half filled.
      event.preventDefault();
      choose(list[0]);
    }
  });
  document.addEventListener("input", function (event) {
    const box = picker(event.target);
    if (!box || event.target.tagName !== "INPUT") return;
    const chosen = box.querySelector(".person-chosen");
    if (chosen) chosen.textContent = "";
  });
})();
