// After htmx swaps in a question or its feedback, move focus there so keyboard and
// screen-reader users land on what changed.
document.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-swap-focus]");
  if (target) target.focus();
});

// Exam countdown. A courtesy only: the server enforces the deadline. When it has passed,
// reload the attempt so the server closes and scores it.
(function () {
  const timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  const deadline = Date.parse(timer.dataset.deadline);
  const text = timer.querySelector("[data-timer-text]");
  const graceMs = 6000;
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    text.textContent = `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, "0")} s`;
    timer.classList.toggle("timer--low", left <= 300);
    if (Date.now() > deadline + graceMs) {
      clearInterval(interval);
      window.location.assign(timer.dataset.expiredUrl);
    }
  };
  const interval = setInterval(tick, 1000);
  tick();
})();
