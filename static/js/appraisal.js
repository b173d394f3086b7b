// Appraisal pages: live weight total, agreement rows added and removed in the page, "save
// before you submit", and confirmations.
// No inline script anywhere (the CSP forbids it); pages include this file with a <script src>.
(function () {
  "use strict";

  function rowDeleted(row) {
    const box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    return Boolean(box && box.checked);
  }

  // Sum of the weight inputs of rows not marked for deletion, shown with 2 decimals at most.
  function updateTotal(form) {
    const out = document.querySelector("[data-weight-total]");
    if (!out) return;
    let cents = 0;
    form.querySelectorAll("[data-row]").forEach(function (row) {
      if (rowDeleted(row)) return;
      const input = row.querySelector("input[data-weight]");
      const value = input ? parseFloat(input.value) : NaN;
      if (!Number.isNaN(value)) cents += Math.round(value * 100);
    });
    const total = cents / 100;
    out.textContent = Number.isInteger(total) ? String(total) : total.toFixed(2);
    out.classList.toggle("text-success", cents === 10000);
    out.classList.toggle("text-danger", cents !== 10000);
  }

  // Once the agreement has unsaved changes, buttons that act on the saved copy wait.
  function markDirty() {
    document.querySelectorAll("[data-needs-saved]").forEach(function (b) { b.disabled = true; });
    document.querySelectorAll("[data-dirty-hint]").forEach(function (h) { h.hidden = false; });
  }

  // Rows of the Django formset added and removed in the page: a new row is the formset's
  // empty form (asked of the server at the first "add", then kept) with __prefix__ numbered
  // and TOTAL_FORMS raised; a removed row has its DELETE box ticked and is hidden, so the
  // server's formset sees exactly what it would without JavaScript (the box stays visible).
  function initRows(form, changed) {
    const list = form.querySelector("[data-rows]");
    const total = form.querySelector('input[name$="-TOTAL_FORMS"]');
    const add = form.querySelector("[data-add-row]");
    if (!list || !list.dataset.rowUrl || !total || !add) return;
    const max = parseInt(list.dataset.maxRows, 10) || 30;
    const hint = form.querySelector("[data-max-hint]");
    const failed = form.querySelector("[data-add-failed]");
    let blank = null;

    function blankRow() {
      if (blank !== null) return Promise.resolve(blank);
      return fetch(list.dataset.rowUrl, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (text) {
        blank = text;
        return text;
      });
    }

    function deleteBox(wrap) {
      return wrap.querySelector('input[type="checkbox"][name$="-DELETE"]');
    }
    function kept() {
      return Array.from(list.querySelectorAll("[data-row-wrap]")).filter(function (w) {
        return !rowDeleted(w);
      }).length;
    }
    function refreshAdd() {
      const full = kept() >= max;
      add.disabled = full;
      if (hint) hint.hidden = !full;
    }
    function show(wrap, removed) {
      const row = wrap.querySelector("[data-row]");
      const note = wrap.querySelector("[data-removed-note]");
      row.hidden = removed;
      // Only a saved row needs an undo: a new row removed is simply gone.
      if (note) note.hidden = !(removed && row.hasAttribute("data-saved"));
    }
    function wire(wrap) {
      const box = wrap.querySelector("[data-delete-box]");
      if (box) box.hidden = true;
      const remove = wrap.querySelector("[data-remove-row]");
      if (remove) remove.hidden = false;
      show(wrap, rowDeleted(wrap));
    }

    list.querySelectorAll("[data-row-wrap]").forEach(wire);
    add.hidden = false;
    refreshAdd();

    add.addEventListener("click", function () {
      if (kept() >= max || add.dataset.busy) return;
      add.dataset.busy = "1";
      if (failed) failed.hidden = true;
      blankRow().then(function (html) {
        const index = parseInt(total.value, 10) || 0;
        const holder = document.createElement("div");
        holder.innerHTML = html.replace(/__prefix__/g, String(index));
        const wrap = holder.querySelector("[data-row-wrap]");
        if (!wrap) throw new Error("no row");
        list.appendChild(wrap);
        total.value = String(index + 1);
        wire(wrap);
        refreshAdd();
        changed();
        const name = wrap.querySelector('textarea[name$="-name"]');
        if (name) name.focus();
      }).catch(function () {
        if (failed) failed.hidden = false;
      }).finally(function () {
        delete add.dataset.busy;
      });
    });

    list.addEventListener("click", function (event) {
      const wrap = event.target.closest("[data-row-wrap]");
      if (!wrap) return;
      const box = deleteBox(wrap);
      if (!box) return;
      if (event.target.closest("[data-remove-row]")) {
        box.checked = true;
        show(wrap, true);
        const undo = wrap.querySelector("[data-removed-note]:not([hidden]) [data-undo-remove]");
        (undo || add).focus();
      } else if (event.target.closest("[data-undo-remove]")) {
        if (kept() >= max) return;
        box.checked = false;
        show(wrap, false);
        const remove = wrap.querySelector("[data-remove-row]");
        if (remove) remove.focus();
      } else {
        return;
      }
      refreshAdd();
      changed();
    });
  }

  function init() {
    const form = document.querySelector("form[data-agreement]");
    if (form) {
      updateTotal(form);
      const changed = function () { updateTotal(form); markDirty(); };
      form.addEventListener("input", changed);
      form.addEventListener("change", changed);
      initRows(form, changed);
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
