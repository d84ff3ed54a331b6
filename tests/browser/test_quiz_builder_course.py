"""The quiz builder's selection sections in a real browser: only the one chosen with JavaScript, both
(each labelled with its choice) without it; and the preview as a learner, which records nothing."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.models import Attempt
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_owned_bank, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bank(live_server):
    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    return make_owned_bank(make_user("teacher", EDUCATORS))


def sections(page: Page):
    return (
        page.get_by_role("group", name="Drawn at random (if “Drawn at random from topics” is chosen)"),
        page.get_by_role("group", name="A fixed list (if “A fixed list of questions” is chosen)"),
    )


def test_with_javascript_only_the_chosen_section_shows(page: Page, live_server, bank):
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.goto(f"{live_server.url}/author/banks/{bank.slug}/quizzes/new/")
    drawn, fixed = sections(page)
    expect(drawn).to_be_visible()
    expect(fixed).to_be_hidden()
    page.get_by_role("radio", name="A fixed list of questions").check()
    expect(fixed).to_be_visible()
    expect(drawn).to_be_hidden()
    page.get_by_role("radio", name="Drawn at random from topics").check()
    expect(drawn).to_be_visible()


def test_without_javascript_both_sections_show_each_labelled(browser: Browser, live_server, bank):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        sign_in(page, live_server.url, "teacher", PASSWORD)
        page.goto(f"{live_server.url}/author/banks/{bank.slug}/quizzes/new/")
        drawn, fixed = sections(page)
        expect(drawn).to_be_visible()
        expect(fixed).to_be_visible()
    finally:
        context.close()


def test_the_preview_takes_a_question_and_records_nothing(page: Page, live_server, bank):
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.goto(f"{live_server.url}/author/banks/{bank.slug}/")
    page.get_by_role("link", name="Preview Practice quiz as a learner").click()
    card = page.get_by_role("region", name="Question 1 of 10")
    expect(card).to_be_visible()
    card.locator(".options input").first.check()
    card.get_by_role("button", name="Check answer").click()
    expect(page.locator(".verdict strong")).to_have_text(re.compile("Correct|Incorrect|Partly correct"))
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_role("heading", level=2, name="Question 2 of 10")).to_be_visible()
    assert not Attempt.objects.exists()


def test_times_are_in_the_browsers_time_zone_until_the_profile_chooses_one(
    browser: Browser, live_server, bank
):
    from datetime import UTC, datetime

    context = browser.new_context(timezone_id="Asia/Tokyo")  # UTC+9 all year
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        sign_in(page, live_server.url, "teacher", PASSWORD)  # the first page sets the browser's zone
        page.goto(f"{live_server.url}/author/banks/{bank.slug}/quizzes/new/")
        expect(page.get_by_text("Time zone Asia/Tokyo. Empty: no limit.").first).to_be_visible()
        page.get_by_role("textbox", name="Title").fill("Tokyo check")
        page.get_by_label("Closes").fill("2030-01-01T09:00")
        page.get_by_role("button", name="Create quiz").click()
        expect(page.locator(".messages")).to_contain_text("Tokyo check")
        assert bank.quizzes.get(title="Tokyo check").closes_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)

        page.goto(f"{live_server.url}/accounts/profile/")
        page.get_by_label("E-mail").fill("teacher@example.org")
        page.get_by_label("Time zone").select_option("Europe/Lisbon")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status")).to_contain_text("Profile saved.")
        page.goto(f"{live_server.url}/author/banks/{bank.slug}/quizzes/new/")
        expect(page.get_by_text("Time zone Europe/Lisbon. Empty: no limit.").first).to_be_visible()
    finally:
        context.close()
