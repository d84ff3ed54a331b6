"""The exam's front door in a real browser: the start page's rules and the button that starts the clock, the
countdown that stays in view, and leaving the exam, which asks first: a dialog with JavaScript, a confirm
page without it."""

import pytest
from playwright.sync_api import Browser, Page, expect

from quizzes.models import Attempt
from tests.browser.conftest import open_quiz_list, sign_in
from tests.browser.test_learner_flow import EXAM

pytestmark = pytest.mark.django_db(transaction=True)


def open_start_page(page: Page) -> None:
    open_quiz_list(page)
    page.get_by_role("link", name=f"Start {EXAM}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=EXAM)).to_be_visible()
    rules = page.get_by_role("region", name="Before you start")
    expect(rules).to_contain_text("25 questions")
    expect(rules).to_contain_text("30 min 00 s, counted from when you press start")
    expect(rules).to_contain_text("Whatever you have answered by then is submitted for you")
    assert not Attempt.objects.exists(), "the start page started the clock"


def start_the_clock(page: Page) -> None:
    page.get_by_role("button", name=f"Start the clock {EXAM}", exact=True).click()
    expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text("Question 1 of 25")
    assert Attempt.objects.get().deadline is not None


def class_start_page(browser: Browser, live_server, username: str):
    """A new browser context signed in as `username` (password PASSWORD), on the start page of "Exam
    quiz" reached from their classes; returns (context, page)."""
    from tests.conftest import PASSWORD

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_role("row", name="Exam quiz").get_by_role("link", name="Start Exam quiz").click()
    return context, page


def test_the_start_page_the_sticky_timer_and_the_leave_dialog(page: Page, live_server, learner_credentials):
    page.set_viewport_size({"width": 900, "height": 420})  # short: the question scrolls under the timer
    sign_in(page, live_server.url, *learner_credentials)
    open_start_page(page)
    start_the_clock(page)

    timer = page.locator("#timer")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    box = timer.bounding_box()
    assert box is not None and 0 <= box["y"] < 420, box  # still on screen after scrolling
    expect(timer).to_be_in_viewport()

    # the site's navigation gives way to one link out, which asks first
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    exam_nav = page.get_by_role("navigation", name="Exam")
    exam_nav.get_by_role("link", name="Leave the exam").click()
    dialog = page.get_by_role("dialog", name="Leave the exam?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("The clock keeps running while you are away")
    expect(dialog.get_by_role("button", name="Stay in the exam")).to_be_focused()
    dialog.get_by_role("button", name="Stay in the exam").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text("Question 1 of 25")

    exam_nav.get_by_role("link", name="Leave the exam").click()
    dialog.get_by_role("link", name="Leave the exam").click()
    expect(page.get_by_role("heading", level=1, name="Welcome back")).to_be_visible()
    assert not Attempt.objects.get().is_finished  # left, not submitted: it can be resumed


def test_without_javascript_the_start_page_and_leave_confirmation(browser: Browser, live_server, demo):
    from quizzes.demo import LEARNERS

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5_000)
    try:
        sign_in(page, live_server.url, *demo[LEARNERS])
        open_start_page(page)
        start_the_clock(page)
        page.get_by_role("navigation", name="Exam").get_by_role("link", name="Leave the exam").click()
        expect(page.get_by_role("heading", level=1, name="Leave the exam?")).to_be_visible()
        expect(page.locator("main")).to_contain_text("The clock keeps running while you are away")
        page.get_by_role("link", name="Back to the exam").click()
        expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text(
            "Question 1 of 25"
        )

        page.get_by_role("navigation", name="Exam").get_by_role("link", name="Leave the exam").click()
        page.get_by_role("main").get_by_role("link", name="Leave the exam").click()
        expect(page.get_by_role("heading", level=1, name="Welcome back")).to_be_visible()
        assert not Attempt.objects.get().is_finished
    finally:
        context.close()


def test_an_educator_gives_one_learner_half_again_as_long_and_the_start_page_says_so(
    browser: Browser, live_server
):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from quizzes.demo import EDUCATORS, LEARNERS
    from tests.conftest import PASSWORD, make_classroom, make_owned_bank, make_user

    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    teacher, ada, grace = make_user("teacher", EDUCATORS), make_user("ada"), make_user("grace")
    exam = make_owned_bank(teacher).quizzes.get(slug="exam")  # "Exam quiz": 5 questions, 30 minutes
    classroom = make_classroom(teacher, [ada, grace], [exam], name="Neuro nursing")

    educator_context = browser.new_context()
    try:
        page = educator_context.new_page()
        sign_in(page, live_server.url, "teacher", PASSWORD)
        page.goto(f"{live_server.url}/author/classes/{classroom.pk}/")
        page.get_by_role("link", name="Accommodations on Exam quiz").click()
        expect(page.get_by_role("heading", level=1, name="Accommodations on Exam quiz")).to_be_visible()
        page.get_by_label("Learner:", exact=True).select_option(label="ada")
        page.get_by_label("Extra time (%)").fill("50")
        page.get_by_role("button", name="Save accommodations").click()
        expect(page.get_by_role("status")).to_contain_text("Accommodations of ada saved.")
        expect(page.get_by_role("row", name="ada")).to_contain_text("50 %")
    finally:
        educator_context.close()

    def start_page_of(username: str):
        return class_start_page(browser, live_server, username)

    context, page = start_page_of("ada")
    try:
        expect(page.locator("#time-limit")).to_have_text("45 min 00 s, counted from when you press start.")
        expect(page.locator("#accommodations")).to_contain_text("50 % extra time, set by your educator")
        later = timezone.localtime() + timedelta(minutes=45)
        expect(page.locator("#deadline strong")).to_contain_text(later.strftime("%H:"))
        page.get_by_role("button", name="Start the clock Exam quiz").click()
        expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text("Question 1 of 5")
    finally:
        context.close()
    attempt = ada.attempts.get()
    assert attempt.deadline - attempt.started_at == timedelta(minutes=45)

    context, page = start_page_of("grace")  # the rest of the class keeps the quiz's own time
    try:
        expect(page.locator("#time-limit")).to_have_text("30 min 00 s, counted from when you press start.")
        expect(page.locator("#accommodations")).to_have_count(0)
    finally:
        context.close()


def test_an_educator_puts_two_learners_in_a_group_with_half_again_as_long_and_one_sees_it(
    browser: Browser, live_server
):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from quizzes.demo import EDUCATORS, LEARNERS
    from tests.conftest import PASSWORD, make_classroom, make_owned_bank, make_user

    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    teacher = make_user("teacher", EDUCATORS)
    ada, grace, hedy = make_user("ada"), make_user("grace"), make_user("hedy")
    exam = make_owned_bank(teacher).quizzes.get(slug="exam")  # "Exam quiz": 5 questions, 30 minutes
    classroom = make_classroom(teacher, [ada, grace, hedy], [exam], name="Neuro nursing")

    educator_context = browser.new_context()
    try:
        page = educator_context.new_page()
        sign_in(page, live_server.url, "teacher", PASSWORD)
        page.goto(f"{live_server.url}/author/classes/{classroom.pk}/")
        page.get_by_role("link", name="Groups").click()
        expect(page.get_by_role("heading", level=1, name="Groups in Neuro nursing")).to_be_visible()
        page.get_by_label("Name").fill("Extra time 50 %")
        members = page.get_by_role("group", name="Learners in the group")
        members.get_by_label("ada").check()
        members.get_by_label("grace").check()
        page.get_by_role("button", name="Save group").click()
        expect(page.get_by_role("status")).to_contain_text("Group “Extra time 50 %” saved with 2 learners.")
        expect(page.get_by_role("row", name="Extra time 50 %")).to_contain_text("ada, grace")

        page.get_by_role("link", name="Neuro nursing").click()
        page.get_by_role("link", name="Accommodations on Exam quiz").click()
        page.get_by_label("Group:", exact=True).select_option(label="Extra time 50 %")
        group_form = page.locator(
            "form", has=page.get_by_role("button", name="Save the group's accommodations")
        )
        group_form.get_by_label("Extra time (%)").fill("50")
        page.get_by_role("button", name="Save the group's accommodations").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Accommodations of the group “Extra time 50 %” saved."
        )
        expect(page.get_by_role("row", name="Extra time 50 %")).to_contain_text("50 %")
    finally:
        educator_context.close()

    context, page = class_start_page(browser, live_server, "grace")
    try:
        expect(page.locator("#time-limit")).to_have_text("45 min 00 s, counted from when you press start.")
        expect(page.locator("#accommodations")).to_contain_text("50 % extra time, set by your educator")
        later = timezone.localtime() + timedelta(minutes=45)
        expect(page.locator("#deadline strong")).to_contain_text(later.strftime("%H:"))
        page.get_by_role("button", name="Start the clock Exam quiz").click()
        expect(page.locator("#question-card").get_by_role("heading", level=2)).to_have_text("Question 1 of 5")
    finally:
        context.close()
    attempt = grace.attempts.get()
    assert attempt.deadline - attempt.started_at == timedelta(minutes=45)
