"""`make screenshots`: the main pages as PNGs at 360 and 1280 CSS px, in screenshots/ (ignored by git).

Not a test module (pytest collects test_*.py only): `make screenshots` runs it by name. It opens the
pages of tests/browser/test_accessibility.py's seeded world, by their names there, as their personas,
in the light scheme, and in the dark scheme at 360 px for the pages in DARK.
"""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from tests.browser.test_accessibility import (
    EDUCATOR,
    PAGES,
    A11yPage,
    World,
    new_context,
    open_page,
    slug,
    world,  # noqa: F401 (the seeded world: a module-scoped fixture)
)

pytestmark = pytest.mark.django_db

OUT = Path(settings.BASE_DIR) / "screenshots"
WIDTHS = (360, 1280)
TALLEST = 2000  # CSS px
MAIN = [
    # the learner
    "home",
    "single item, practice, unanswered",
    *(
        f"{name} item, practice, feedback"
        for name in (
            "single",
            "multiple",
            "truefalse",
            "matching",
            "ordering",
            "cloze",
            "numeric",
            "shortanswer",
            "matrix",
        )
    ),
    "exam item, marked",
    "results, practice",
    "results, exam with marks and a changed answer",
    "my attempts",
    "mastery",
    "review queue, question",
    "my classes",
    # the educator
    "bank",
    "questions",
    "single editor, new",
    "import, preview",
    "gradebook",
    "item analysis, quiz",
    "educator home",
    "accommodations",
    "groups",
    "bank images",
    "source coverage",
    "live start",
    # the learner again: pages this round added
    "exam start page",
    "live join",
]
DARK = {"single item, practice, feedback", "results, practice"}
# The README's four (docs/screenshots/, committed): the first screenful only, to stay small.
README = {
    ("single item, practice, unanswered", 360): "question-360",
    ("single item, practice, feedback", 360): "feedback-360",
    ("results, practice", 1280): "results-1280",
    ("gradebook", 1280): "gradebook-1280",
}


def chosen() -> list[A11yPage]:
    by_name = {spec.name: spec for spec in PAGES}
    pages = [by_name[name] for name in MAIN if name in by_name]
    pages.insert(len(pages) - 6, A11yPage("educator home", EDUCATOR, by_name["home"].url))
    return pages


def test_screenshots(browser: Browser, world: World):  # noqa: F811
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    contexts = {}
    for spec in chosen():
        if spec.persona not in contexts:
            contexts[spec.persona] = new_context(browser, world, spec.persona)
        page = (
            contexts[spec.persona].pages[0]
            if contexts[spec.persona].pages
            else contexts[spec.persona].new_page()
        )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.emulate_media(color_scheme="light")
            open_page(page, world, spec)
            # The whole page, up to 2,000 px of it (a long review would make an unreadable strip).
            height = min(TALLEST, page.evaluate("document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": width, "height": height}
            page.screenshot(path=OUT / f"{slug(spec.name)}-{width}.png", full_page=True, clip=clip)
            if (spec.name, width) in README:
                first = {"x": 0, "y": 0, "width": width, "height": min(height, 740 if width == 360 else 800)}
                page.screenshot(path=OUT / f"readme-{README[spec.name, width]}.png", clip=first)
            if width == 360 and spec.name in DARK:
                page.emulate_media(color_scheme="dark")
                page.screenshot(path=OUT / f"{slug(spec.name)}-{width}-dark.png", full_page=True, clip=clip)
    for context in contexts.values():
        context.close()
    assert len(list(OUT.glob("*.png"))) >= 2 * len(chosen())
