// HR's round pages: ask before a phase change, a removal or a release (no inline script: CSP).
document.addEventListener("submit", function (event) {
  const form = event.target;
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
