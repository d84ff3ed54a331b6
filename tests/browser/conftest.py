"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browsers on these machines, so the launch points at
/usr/bin/chromium (`make chromium` or `apt-get install -y chromium` provides it).

The live server makes every test transactional: the tables, the groups made by data migration 0002
included, are flushed after each test. The `demo` fixture therefore creates what it needs
(groups, demo accounts, the MMN bank) itself, so the tests pass in any order and alone.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Locator, Page, expect

from quizzes.demo import DEMO_ACCOUNTS, EDUCATORS, LEARNERS, ensure_demo_accounts, load_mmn_bank

CHROMIUM = Path("/usr/bin/chromium")

# Everything here is local and small: a step that takes seconds is a failure, not a slow machine.
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.exit(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(make chromium, or apt-get install -y chromium).",
            returncode=1,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _short_timeouts(page: Page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def demo(live_server) -> dict[str, tuple[str, str]]:
    """The demo learner and educator and the shipped MMN bank; returns {group: (username, password)}."""
    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    ensure_demo_accounts()
    load_mmn_bank()
    return {group: (username, password) for username, password, group in DEMO_ACCOUNTS}


@pytest.fixture
def learner_credentials(demo) -> tuple[str, str]:
    return demo[LEARNERS]


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in the way a person does: the log-in page, the labelled fields, the button."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    # "Welcome back" to someone with a quiz under way or done, "Welcome" to a newcomer.
    welcome = re.compile(rf"^Welcome( back)?, {re.escape(username)}$")
    expect(page.get_by_role("heading", level=1, name=welcome)).to_be_visible()


@pytest.fixture
def log_in(page: Page, live_server):
    """sign_in on the test's page."""

    def log_in(username: str, password: str) -> None:
        sign_in(page, live_server.url, username, password)

    return log_in


def open_quiz_list(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    expect(page.get_by_role("heading", level=1, name="Quizzes")).to_be_visible()


def start_quiz(page: Page, title: str, questions: int) -> tuple[Locator, Locator]:
    """Start `title` from the quiz list: its question card and the card's heading, on question 1."""
    open_quiz_list(page)
    start = page.get_by_role("link", name=f"Start {title}", exact=True)
    if start.count():  # an exam: its rules first, on its start page, whose button starts the clock
        start.click()
        expect(page.get_by_role("heading", level=2, name="Before you start")).to_be_visible()
        page.get_by_role("button", name=re.compile(rf"^Start (the clock )?{re.escape(title)}$")).click()
    else:
        page.get_by_role("button", name=f"Start {title}", exact=True).click()
    card = page.locator("#question-card")
    heading = card.get_by_role("heading", level=2)
    expect(heading).to_have_text(f"Question 1 of {questions}")
    return card, heading
