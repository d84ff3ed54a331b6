"""A learner in a real browser: practice with feedback swapped in by htmx, a timed exam, its deadline.

Each test seeds the demo accounts and the shipped MMN bank (the `demo` fixture) and logs in through
the log-in page. Locators go by role and label, the way a person (or a screen reader) finds things.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from quizzes.models import Attempt, Quiz, Response
from quizzes.taking.attempts import start_attempt
from tests.browser.answering import answer_anything
from tests.browser.conftest import open_quiz_list, start_quiz

PRACTICE = "Practice: all topics"
EXAM = "Exam: MMN (25 questions, 30 minutes)"

VERDICT = re.compile(r"^(Correct|Incorrect|Partly correct)$")
# "70% — 8 of 11.5 points": a select-all-that-apply item is worth more than one point.
SCORE_LINE = re.compile(r"^(\d+)% — (\d+(?:\.\d+)?) of (\d+(?:\.\d+)?) points$")
TIMER = re.compile(r"^(\d+) min (\d\d) s$")
TIME_IS_UP = "Time is up"


def choose_an_option(card: Locator) -> None:
    """Answer whatever item is shown (the draws include every item type) with its first choices."""
    answer_anything(card)


def set_page_marker(page: Page) -> None:
    """A value that lives only as long as this document: a full page load would wipe it."""
    page.evaluate("window.__marker = 1")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of swapped by htmx"


def seconds_left(page: Page) -> int:
    text = page.locator("[data-timer-text]").inner_text().strip()
    match = TIMER.match(text)
    assert match, f"unexpected timer text {text!r}"
    return int(match[1]) * 60 + int(match[2])


def item_url(live_server, attempt: Attempt, number: int) -> str:
    return live_server.url + reverse("quizzes:attempt-item", args=[attempt.code, number])


@pytest.mark.django_db(transaction=True)
def test_learner_takes_the_practice_quiz_by_clicking(page: Page, live_server, learner_credentials, log_in):
    log_in(*learner_credentials)
    open_quiz_list(page)
    full_loads = []
    page.on("load", lambda: full_loads.append(page.url))

    page.get_by_role("button", name=f"Start {PRACTICE}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=PRACTICE)).to_be_visible()
    card = page.locator("#question-card")
    heading = card.get_by_role("heading", level=2)
    set_page_marker(page)
    loads_before = len(full_loads)

    for number in range(1, 11):
        expect(heading).to_have_text(f"Question {number} of 10")
        expect(card.get_by_role("heading", name="Explanation")).to_have_count(0)  # no key before answering
        choose_an_option(card)
        card.get_by_role("button", name="Check answer").click()

        # The feedback replaces the question card in place.
        expect(card.locator(".verdict strong")).to_have_text(VERDICT)
        expect(card.locator(".verdict")).to_contain_text(re.compile(r"\d+(\.\d+)? of \d+(\.\d+)? points?"))
        expect(card.get_by_role("heading", name="Explanation")).to_be_visible()
        expect(card.get_by_text("Your answer").first).to_be_visible()
        explanation = card.locator(".explanation")  # every type explains; most also give rationales
        expect(explanation).to_be_visible()
        expect(explanation).not_to_be_empty()
        expect(heading).to_have_text(f"Question {number} of 10")
        expect(heading).to_be_focused()
        assert page.evaluate("document.activeElement.id") == "question-heading"
        assert_same_document(page)

        if number < 10:
            card.get_by_role("link", name="Next question").click()
            expect(heading).to_have_text(f"Question {number + 1} of 10")
            expect(card.get_by_role("button", name="Check answer")).to_be_visible()
            expect(page).to_have_url(re.compile(rf"/items/{number + 1}/$"))  # hx-push-url
            expect(heading).to_be_focused()
            assert_same_document(page)

    assert len(full_loads) == loads_before, f"full page loads during the quiz: {full_loads[loads_before:]}"
    card.get_by_role("button", name="Finish and see my score").click()

    # Results: the score, with points rather than questions, and the breakdown by topic.
    expect(page.get_by_role("heading", level=1, name=f"Results: {PRACTICE}")).to_be_visible()
    attempt = Attempt.objects.get(quiz__title=PRACTICE)
    assert attempt.is_finished and attempt.slot_count == 10
    assert Response.objects.filter(slot__attempt=attempt).count() == 10
    score = page.locator(".score-figure")
    expect(score).to_have_text(SCORE_LINE)
    percent, points, max_points = SCORE_LINE.match(score.inner_text().strip()).groups()
    assert float(points) == attempt.points
    assert float(max_points) == attempt.max_points >= 10
    assert int(percent) == round(100 * attempt.points / attempt.max_points)

    expect(page.get_by_role("heading", name="By topic")).to_be_visible()
    topic_rows = page.locator(".topic-table tbody tr")
    expect(topic_rows.first).to_be_visible()
    questions_per_topic = [int(row.locator("td").first.inner_text()) for row in topic_rows.all()]
    assert sum(questions_per_topic) == 10
    expect(page.locator(".review-list > li")).to_have_count(10)

    # My attempts lists it, finished, with a link back to the review.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My attempts").click()
    expect(page.get_by_role("heading", level=1, name="My attempts")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=PRACTICE, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{percent}% ({points} of {max_points})")
    review = row.get_by_role("link", name=re.compile(r"^Review"))
    expect(review).to_be_visible()
    review.click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.code}/results/$"))


@pytest.mark.django_db(transaction=True)
def test_learner_takes_the_timed_exam_with_the_clock_running(
    page: Page, live_server, learner_credentials, log_in
):
    log_in(*learner_credentials)
    card, heading = start_quiz(page, EXAM, 25)

    # The countdown is shown and runs.
    expect(page.locator("#timer")).to_contain_text("Time left:")
    expect(page.locator("[data-timer-text]")).to_have_text(TIMER)
    before = seconds_left(page)
    assert 29 * 60 <= before <= 30 * 60
    page.wait_for_timeout(1_500)
    after = seconds_left(page)
    assert after < before, f"the timer did not count down: {before} s, then {after} s"

    # Answers are saved without feedback; htmx swaps in the next question.
    set_page_marker(page)
    for number in range(1, 4):
        expect(heading).to_have_text(f"Question {number} of 25")
        choose_an_option(card)
        card.get_by_role("button", name="Save and next").click()
        expect(heading).to_have_text(f"Question {number + 1} of 25")
        expect(page).to_have_url(re.compile(rf"/items/{number + 1}/$"))
        expect(page.get_by_role("heading", name="Explanation")).to_have_count(0)
        expect(page.locator(".verdict")).to_have_count(0)
        expect(heading).to_be_focused()
        expect(page.locator("#timer")).to_contain_text("Time left:")
        assert_same_document(page)
    attempt = Attempt.objects.get(quiz__title=EXAM)
    assert Response.objects.filter(slot__attempt=attempt).count() == 3

    # The review page counts what is missing and links to it.
    card.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1, name=f"Review and submit: {EXAM}")).to_be_visible()
    expect(page.get_by_text("You have answered 3 of 25 questions.")).to_be_visible()
    expect(page.get_by_role("heading", name="Not answered yet")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Question \d+$"))).to_have_count(22)
    expect(page.get_by_role("button", name="Submit exam")).to_be_visible()

    # The last question ends with "Save and review", which leads back here.
    page.get_by_role("link", name="Question 25", exact=True).click()
    expect(heading).to_have_text("Question 25 of 25")
    choose_an_option(card)
    card.get_by_role("button", name="Save and review").click()
    expect(page.get_by_text("You have answered 4 of 25 questions.")).to_be_visible()
    expect(page.get_by_role("heading", name="Explanation")).to_have_count(0)

    # Submitting with questions unanswered asks first, in place (htmx), with the focus on the question.
    set_page_marker(page)
    page.get_by_role("button", name="Submit exam").click()
    confirm = page.get_by_role("heading", name="Submit with 21 questions not answered?")
    expect(confirm).to_be_focused()
    assert_same_document(page)
    page.get_by_role("button", name="Yes, submit with 21 unanswered").click()
    expect(page.get_by_role("heading", level=1, name=f"Results: {EXAM}")).to_be_visible()
    expect(page.locator(".score-figure")).to_have_text(SCORE_LINE)
    expect(page.get_by_role("heading", name="By topic")).to_be_visible()
    expect(page.locator(".review-list > li")).to_have_count(25)
    expect(page.locator(".verdict strong", has_text="Not answered")).to_have_count(21)
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert Response.objects.filter(slot__attempt=attempt).count() == 4


@pytest.mark.django_db(transaction=True)
def test_exam_past_its_deadline_is_closed_by_the_server(page: Page, live_server, learner_credentials, log_in):
    username, password = learner_credentials
    log_in(username, password)
    learner = get_user_model().objects.get(username=username)
    exam = Quiz.objects.get(title=EXAM)

    # An exam started 31 minutes ago: opening it shows the results, scored at the deadline.
    late = start_attempt(learner, exam, now=timezone.now() - timedelta(minutes=31))
    page.goto(live_server.url + late.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"/attempts/{late.code}/results/$"))
    expect(page.get_by_role("heading", level=1, name=f"Results: {EXAM}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(TIME_IS_UP)
    expect(page.locator(".score-figure")).to_have_text(SCORE_LINE)
    expect(page.locator(".score-figure")).to_contain_text("0% — 0 of")
    late.refresh_from_db()
    assert late.is_finished and late.finished_at == late.deadline and late.points == 0

    # An answer that arrives after the deadline is not recorded; the learner lands on the results.
    attempt = start_attempt(learner, exam)
    assert attempt.pk != late.pk
    page.goto(item_url(live_server, attempt, 1))
    card = page.locator("#question-card")
    expect(card.get_by_role("heading", level=2)).to_have_text("Question 1 of 25")
    choose_an_option(card)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    card.get_by_role("button", name="Save and next").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.code}/results/$"))
    expect(page.locator(".messages")).to_contain_text(TIME_IS_UP)
    assert not Response.objects.filter(slot__attempt=attempt).exists()
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.points == 0


@pytest.mark.django_db(transaction=True)
def test_countdown_running_out_takes_the_learner_to_the_results(
    page: Page, live_server, learner_credentials, log_in
):
    """The page's own clock reloads the attempt once the time is up; the server then closes it.

    The browser clock is fast-forwarded past the deadline, and the deadline in the database moved
    into the past to match, so the test does not wait 30 minutes.
    """
    username, password = learner_credentials
    log_in(username, password)
    learner = get_user_model().objects.get(username=username)
    attempt = start_attempt(learner, Quiz.objects.get(title=EXAM))
    page.clock.install()
    page.goto(item_url(live_server, attempt, 1))
    expect(page.locator("#timer")).to_contain_text("Time left:")
    expect(page.locator("[data-timer-text]")).to_have_text(re.compile(r"^(29|30) min \d\d s$"))

    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=10))
    page.clock.fast_forward("30:10")
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt.code}/results/$"))
    expect(page.locator(".messages")).to_contain_text(TIME_IS_UP)
    attempt.refresh_from_db()
    assert attempt.is_finished


ARRIVALS_JS = """() => {
    // Each time the page's content changes, note (in a microtask, before any key or click can come in)
    // whether the card that arrived has the focus and is wired up for htmx already.
    window.__arrivals = [];
    new MutationObserver(() => {
        window.__arrivals.push({
            focused: document.activeElement === document.getElementById("question-heading"),
            settling: document.querySelectorAll(".htmx-added, .htmx-settling").length,
        });
    }).observe(document.getElementById("main"), {childList: true, subtree: true});
}"""


@pytest.mark.django_db(transaction=True)
def test_a_swapped_card_is_ready_the_moment_it_arrives(page: Page, learner_credentials, log_in):
    """No gap between an htmx swap and its settling for a key or a click to fall into: the new card comes
    in focused and wired to htmx at once (htmx waits 20 ms by default, and a key pressed then went to the
    old focus, a click to a form that would post as a whole page)."""
    log_in(*learner_credentials)
    card, heading = start_quiz(page, PRACTICE, 10)
    page.evaluate(ARRIVALS_JS)
    answer_anything(card)
    card.get_by_role("button", name="Check answer").click()
    expect(card.locator(".verdict")).to_be_visible()
    card.get_by_role("link", name="Next question").click()
    expect(heading).to_have_text("Question 2 of 10")
    expect(heading).to_be_focused()
    arrivals = page.evaluate("window.__arrivals")
    assert arrivals, "no swap seen"
    assert all(a["focused"] and not a["settling"] for a in arrivals), arrivals
