"""An educator in a real browser sees an item-writing warning appear while typing, and go once fixed."""

import pytest
from playwright.sync_api import Page, expect

from quizzes.demo import EDUCATORS

FLAWED = "A patient on IVIG reports a headache. Which order should the nurse not carry out?"
FIXED = "A patient on IVIG reports a headache. Which order should the nurse **NOT** carry out?"


@pytest.mark.django_db(transaction=True)
def test_a_warning_shows_while_typing_and_clears_when_fixed(page: Page, live_server, demo, log_in):
    log_in(*demo[EDUCATORS])
    page.goto(f"{live_server.url}/author/banks/mmn/questions/new/single/")
    expect(page.get_by_role("heading", level=1, name="New question: Single answer")).to_be_visible()
    page.evaluate("window.__marker = 1")
    checks = page.locator("#question-checks")

    page.get_by_role("textbox", name="Question").fill(FLAWED)
    expect(checks).to_contain_text("Negative stem without emphasis")
    expect(checks).to_contain_text("“not”")

    page.get_by_role("textbox", name="Question").fill(FIXED)
    expect(page.locator("#question-preview legend")).to_contain_text("NOT")  # the preview caught up
    expect(checks).not_to_contain_text("Negative stem without emphasis")
    assert page.evaluate("window.__marker") == 1, "the checks reloaded the page"
