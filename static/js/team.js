// The evaluator's pages: bulk approval checkboxes, the reason a level needs when it differs
// from the suggested one, and the review form's revised total. No inline script (CSP).
(function () {
  "use strict";

  // --- My team: tick all submitted agreements, count the ticked ones ------------------------
  function updateBulk(form) {
    const items = form.querySelectorAll("[data-bulk-item]");
    const ticked = form.querySelectorAll("[data-bulk-item]:checked").length;
    const count = form.querySelector("[data-bulk-count]");
    const button = form.querySelector("[data-bulk-submit]");
    const all = form.querySelector("[data-check-all]");
    if (count) count.textContent = String(ticked);
    if (button) button.disabled = ticked === 0;
    if (all) {
      all.checked = items.length > 0 && ticked === items.length;
      all.indeterminate = ticked > 0 && ticked < items.length;
    }
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-bulk]");
    if (!form) return;
    if (event.target.matches("[data-check-all]")) {
      form.querySelectorAll("[data-bulk-item]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    updateBulk(form);
  });

  // --- Scoring: a level other than the suggested one needs a reason --------------------------
  function checkReason(select) {
    const id = select.dataset.levelFor;
    const badge = document.getElementById("kpi-" + id + "-suggested");
    const reason = document.querySelector('[data-reason-for="' + id + '"]');
    const hint = document.getElementById("kpi-" + id + "-reason-hint");
    if (!reason) return;
    const suggested = badge ? badge.dataset.suggested : "";
    const differs = select.value !== "" && suggested !== "" && select.value !== suggested;
    reason.required = differs;
    if (hint) hint.hidden = !differs || reason.value.trim() !== "";
  }

  function checkAllReasons(root) {
    root.querySelectorAll("[data-level-for]").forEach(checkReason);
  }

  document.addEventListener("input", function (event) {
    const target = event.target;
    if (target.matches("[data-level-for]")) checkReason(target);
    if (target.matches("[data-reason-for]")) {
      const select = document.querySelector('[data-level-for="' + target.dataset.reasonFor + '"]');
      if (select) checkReason(select);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-level-for]")) checkReason(event.target);
  });
  // The preview swaps in new suggestions (out of band) as the actual results change.
  document.addEventListener("htmx:afterSettle", function () {
    checkAllReasons(document);
  });

  // --- Review: a revised total only with a different opinion ---------------------------------
  function syncReview(root) {
    const differ = root.querySelector('[data-review-choice][value="differ"]');
    const total = root.querySelector('input[name="revised_total"]');
    if (!differ || !total) return;
    total.disabled = !differ.checked;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-review-choice]")) syncReview(event.target.form || document);
  });

  function init() {
    document.querySelectorAll("form[data-bulk]").forEach(updateBulk);
    checkAllReasons(document);
    syncReview(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
