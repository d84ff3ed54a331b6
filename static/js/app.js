// Pages show what needs this script (the keyboard shortcuts' hint) only when it runs.
document.documentElement.classList.add("js");

// After htmx swaps in a question or its feedback, move focus there so keyboard and
// screen-reader users land on what changed, and have the polite live region (#announcer, in
// base.html) say what it brought: inside a [data-live] part, the [data-announce] element's text
// as a screen reader reads it (the verdict and points, or "Question 3 of 10").
document.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-swap-focus]");
  if (target) target.focus();
  const source = document.querySelector("[data-live] [data-announce]");
  if (source) announce(spoken(source));
  showShortcuts();
  markCurrentItem();
});
document.addEventListener("htmx:pushedIntoHistory", markCurrentItem);

// The exam's navigator marks the item on screen (aria-current). The server marks it in a page it
// sends whole; after an htmx step the address has moved on, and so does the mark.
function markCurrentItem() {
  document.querySelectorAll("#navigator a").forEach((link) => {
    if (new URL(link.href).pathname === window.location.pathname) link.setAttribute("aria-current", "step");
    else link.removeAttribute("aria-current");
  });
}

function spoken(element) {
  const copy = element.cloneNode(true);
  copy.querySelectorAll("[aria-hidden='true']").forEach((hidden) => hidden.remove());
  return copy.textContent.replace(/\s+/g, " ").trim();
}

function announce(text) {
  const region = document.getElementById("announcer");
  if (!region || !text) return;
  region.textContent = "";
  // A moment's pause, so that the same words twice in a row are read out again.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// Keyboard shortcuts on a choice question (its form has data-shortcuts): 1-9 choose that option
// and Enter on an option submits. Not while typing in a text box. The page says so
// (quizzes/_shortcut_hint.html), and so does each option, to assistive technology.
function shortcutOptions() {
  const form = document.querySelector("form[data-shortcuts]");
  const choices = ".options input[type=radio], .options input[type=checkbox]";
  const inputs = form ? form.querySelectorAll(choices) : [];
  return { form, options: [...inputs].slice(0, 9) };
}

function showShortcuts() {
  const { options } = shortcutOptions();
  options.forEach((option, index) => option.setAttribute("aria-keyshortcuts", String(index + 1)));
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
  const target = event.target;
  const typing =
    target.closest?.("textarea, select, [contenteditable]") ||
    (target.matches?.("input") && !["radio", "checkbox"].includes(target.type));
  if (typing) return;
  const { form, options } = shortcutOptions();
  if (!options.length) return;
  if (/^[1-9]$/.test(event.key) && options[Number(event.key) - 1]) {
    event.preventDefault();
    const option = options[Number(event.key) - 1];
    if (option.type === "checkbox" || !option.checked) option.click();
    option.focus();
  } else if (event.key === "Enter" && options.includes(target)) {
    event.preventDefault();
    form.requestSubmit();
  }
});

showShortcuts();

// Exam countdown. A courtesy only: the server enforces the deadline. When it has passed,
// reload the attempt so the server closes and scores it. The countdown rides in the question card's
// action bar, which every htmx step replaces, so each tick looks it up again.
(function () {
  const first = document.querySelector("[data-deadline]");
  if (!first) return;
  const deadline = Date.parse(first.dataset.deadline);
  const graceMs = 6000;
  // Warn once as each mark is crossed, on the page and politely to screen readers; a page opened
  // after a mark shows its words without reading them out again.
  const warnings = [
    { at: 60, words: "1 minute left." },
    { at: 300, words: "5 minutes left." },
  ];
  const secondsLeft = () => Math.max(0, Math.round((deadline - Date.now()) / 1000));
  let spoken = warnings.find((w) => secondsLeft() <= w.at);
  const tick = () => {
    const timer = document.querySelector("[data-deadline]");
    if (!timer) return;
    const text = timer.querySelector("[data-timer-text]");
    const warning = timer.querySelector("[data-timer-warning]");
    const left = secondsLeft();
    text.textContent = `${Math.floor(left / 60)} min ${String(left % 60).padStart(2, "0")} s`;
    timer.classList.toggle("timer--low", left <= 300);
    const due = warnings.find((w) => left <= w.at);
    if (due && due !== spoken) {
      spoken = due;
      announce(due.words);
    }
    if (spoken && warning.textContent !== spoken.words) warning.textContent = spoken.words;
    if (Date.now() > deadline + graceMs) {
      clearInterval(interval);
      window.location.assign(timer.dataset.expiredUrl);
    }
  };
  const interval = setInterval(tick, 1000);
  tick();
})();

// Leaving an exam asks first. Without this script the "Leave the exam" link opens a page that asks;
// with it, the same words come up in a dialog on the exam's page, its "Stay" button focused.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[data-leave-dialog]");
  const dialog = link && document.getElementById(link.dataset.leaveDialog);
  if (!dialog || typeof dialog.showModal !== "function") return;
  event.preventDefault();
  dialog.showModal();
});

// The quiz builder shows only the section of the selection chosen (random draw or fixed list). Without
// this script both show, each headed by the choice it belongs to.
function showChosenSection() {
  const chosen = document.querySelector("input[name=selection]:checked");
  document.querySelectorAll("[data-selection-section]").forEach((section) => {
    section.hidden = Boolean(chosen) && section.dataset.selectionSection !== chosen.value;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.name === "selection") showChosenSection();
});
showChosenSection();

// The browser's time zone, for the server to show times in until a profile chooses one
// (quizzes.accounts.profiles reads the `tz` cookie).
(function () {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const value = zone ? encodeURIComponent(zone) : "";
  if (value && !document.cookie.split("; ").includes(`tz=${value}`)) {
    document.cookie = `tz=${value}; path=/; max-age=31536000; SameSite=Lax`;
  }
})();

// After a full page load, put the focus where the page starts (its first question's heading, else its
// h1), so the first Tab reaches the first option or field, not the header's links. Not when the address
// names a place (#...), nor when something (an autofocus field) already has the focus.
(function () {
  const busy = document.activeElement && document.activeElement !== document.body;
  if (window.location.hash || busy || document.querySelector("[autofocus]")) return;
  const start = document.getElementById("question-heading") || document.querySelector("main h1");
  if (!start) return;
  if (!start.hasAttribute("tabindex")) start.setAttribute("tabindex", "-1");
  start.focus({ preventScroll: true });
})();
