// Appraisal pages: live weight total, "save before you submit", and confirmations.
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

  function init() {
    const form = document.querySelector("form[data-agreement]");
    if (form) {
      updateTotal(form);
      const changed = function () { updateTotal(form); markDirty(); };
      form.addEventListener("input", changed);
      form.addEventListener("change", changed);
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
