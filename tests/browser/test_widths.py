"""Every page at a phone's, a tablet's and a laptop's width: no sideways scrolling, every button a target.

Each GET page of the access walk (tests/test_access_walk.py's RULES, as tests/browser/test_accessibility.py's
PAGES open them, in its seeded world) is opened once per persona in one browser, then measured at 320, 360,
768 and 1280 CSS px: the page fails if the root or any table (or the box a table scrolls in) is wider than it
shows (`scrollWidth > clientWidth`), or if a button is smaller than 44 x 44 CSS px (WCAG 2.5.5's target
size; text links styled as links are exempt). The pages every signed-in user may open are measured as the
learner, a newcomer with no history and the educator alike; the log-in and sign-up pages as a visitor.
"""

import pytest
from django.urls import resolve, reverse
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.test_accessibility import (
    ANON,
    EDUCATOR,
    LEARNER,
    NEWCOMER,
    PAGES,
    A11yPage,
    World,
    new_context,
    world,  # noqa: F401 (the seeded world: a module-scoped fixture)
)
from tests.test_access_walk import RULES

pytestmark = pytest.mark.django_db

WIDTHS = (320, 360, 768, 1280)
HEIGHT = 800
TARGET = 44  # CSS px

# Pages that every signed-in user opens alike: measured as each signed-in persona, not only their own.
EVERYONE = {
    name
    for name, (method, expected) in RULES.items()
    if method == "get" and expected["OWNER"] == 200 and expected["EDU"] == 200 and expected["OTHER"] == 200
}

MEASURE = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px in ${root.clientWidth} px`);
  }
  for (const table of document.querySelectorAll("table")) {
    if (!table.checkVisibility()) continue;
    for (const box of [table, table.parentElement]) {
      if (box.scrollWidth > box.clientWidth + 1) {
        const what = box === table ? "a table" : "the box around a table";
        const caption = (table.querySelector("caption, th") || table).textContent.trim().slice(0, 40);
        const size = `${box.scrollWidth} px in ${box.clientWidth} px`;
        problems.push(`${what} (${caption}) scrolls sideways: ${size}`);
      }
    }
  }
  const buttons = document.querySelectorAll(
    "button:not(.link-button), .button, input[type=submit], input[type=button], summary"
  );
  for (const button of buttons) {
    if (!button.checkVisibility({ visibilityProperty: true })) continue;
    const r = button.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (r.width + 0.5 < TARGET || r.height + 0.5 < TARGET) {
      const name = (button.getAttribute("aria-label") || button.textContent || button.value || "").trim();
      const size = `${r.width.toFixed(0)} x ${r.height.toFixed(0)} px`;
      problems.push(`the button "${name.replace(/\\s+/g, " ").slice(0, 50)}" is ${size}`);
    }
  }
  return problems;
}""".replace("TARGET", str(TARGET))


def visits() -> list[tuple[str, A11yPage]]:
    """(persona, page) for each GET page as it stands when opened (a state reached by acting on a page is
    left to the accessibility checks, which measure it at 360 px)."""
    return [(spec.persona, spec) for spec in PAGES if spec.act is None]


@pytest.fixture(scope="module")
def tabs(browser: Browser, world: World):  # noqa: F811 (the imported fixture)
    contexts: dict[str, BrowserContext] = {}

    def tab(persona: str) -> Page:
        if persona not in contexts:
            contexts[persona] = new_context(browser, world, persona)
            contexts[persona].new_page()
        return contexts[persona].pages[0]

    yield tab
    for context in contexts.values():
        context.close()


def measure(page: Page, world: World, spec: A11yPage, persona: str) -> list[str]:  # noqa: F811
    page.set_viewport_size({"width": WIDTHS[-1], "height": HEIGHT})
    response = page.goto(world.base_url + spec.url(world))
    assert response is not None and response.status < 500, f"{spec.name}: {response and response.status}"
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        problems += [f"{width} px: {problem}" for problem in page.evaluate(MEASURE)]
    return [f"{spec.name} as {persona} ({spec.url(world)}): {problem}" for problem in problems]


def test_every_page_fits_every_width(tabs, world: World):  # noqa: F811
    problems = []
    seen: set[tuple[str, str]] = set()
    for persona, spec in visits():
        personas = [persona]
        if resolve(spec.url(world).split("?")[0]).view_name in EVERYONE and persona != ANON:
            personas = [LEARNER, NEWCOMER, EDUCATOR]
        for who in personas:
            if (who, spec.url(world)) in seen:
                continue
            seen.add((who, spec.url(world)))
            problems += measure(tabs(who), world, spec, who)
    assert len(seen) > 50, f"only {len(seen)} pages measured"
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_page_that_scrolls_sideways_and_a_small_button(tabs, world: World):  # noqa: F811
    """The measure itself, on a page made to fail: a table too wide for a phone and a button too small."""
    page = tabs(LEARNER)
    page.goto(world.base_url + "/quizzes/")
    page.evaluate(
        """() => {
        const table = document.createElement("table");
        table.innerHTML = "<tr><td>" + "x".repeat(200) + "</td></tr>";
        table.style.cssText = "width: max-content";
        document.querySelector("main").append(table);
        const button = document.createElement("button");
        button.textContent = "Go";
        button.style.cssText = "min-height: 0; min-width: 0; padding: 0; font-size: 10px";
        document.querySelector("main").append(button);
      }"""
    )
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    problems = page.evaluate(MEASURE)
    assert any("page scrolls sideways" in p for p in problems), problems
    assert any('button "Go"' in p for p in problems), problems


def test_the_style_guide_fits_and_passes_axe_in_both_themes(browser: Browser, world: World):  # noqa: F811
    """The style guide (DEBUG only, so not in the access walk's pages) shows every component: measured at
    each width like the pages, and checked by axe in the light and the dark scheme."""
    from django.test import override_settings

    from tests.browser.test_accessibility import AXE, AXE_COLOURS, AXE_WCAG, CHECKS, axe_problems

    context = new_context(browser, world, LEARNER)
    context.add_init_script(path=str(AXE))
    context.add_init_script(path=str(CHECKS))
    try:
        page = context.new_page()
        with override_settings(DEBUG=True):
            spec = A11yPage("style guide", LEARNER, lambda w: reverse("quizzes:style-guide"))
            problems = measure(page, world, spec, LEARNER)
        page.set_viewport_size({"width": WIDTHS[-1], "height": HEIGHT})
        page.emulate_media(color_scheme="light")
        problems += axe_problems(page, AXE_WCAG, "light")
        page.emulate_media(color_scheme="dark")
        problems += axe_problems(page, AXE_COLOURS, "dark")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_after_a_page_load_the_first_tab_reaches_the_first_option(tabs, world: World):  # noqa: F811
    """The focus starts on the question (not the header's links): one Tab and the first option has it; on
    another page the focus starts on its h1."""
    page = tabs(LEARNER)
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto(world.base_url + world.slot("practice-fresh", "single"))
    assert page.evaluate("document.activeElement.id") == "question-heading"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.options input')")
    page.goto(world.base_url + reverse("quizzes:attempt-list"))
    assert page.evaluate("document.activeElement.tagName") == "H1"
