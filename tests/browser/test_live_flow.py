"""A live session in a real browser: the educator's projector and two learners, each in a browser context of
their own, one of them without JavaScript. Three questions with a reveal, a learner's dropped connection
rejoined, and the summary.

The projector and the learner with JavaScript follow the session by server-sent events (served here by the
live server's WSGI stream, with events passed inside the process); the other learner's page refreshes by
itself while waiting and has a "Check for the next question" button.
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.live import broker
from quizzes.models import LiveSession, Quiz, Response
from tests.browser.answering import answer_item
from tests.browser.conftest import TIMEOUT_MS, sign_in

NO_JS = ("nojs", "no-script-learner-2026")


def person(browser: Browser, live_server, username: str, password: str, **options) -> Page:
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, live_server.url, username, password)
    return page


def three_question_quiz(educator: User) -> Quiz:
    """A fixed quiz of three choice questions of the MMN bank, the educator's own."""
    bank = educator.banks.get()
    questions = list(bank.questions.filter(current_version__item_type="single").order_by("pk")[:3])
    quiz = Quiz.objects.create(
        bank=bank,
        slug="live-three",
        title="Live: three questions",
        selection=Quiz.Selection.FIXED,
        question_count=3,
        shuffle_questions=False,
    )
    quiz.questions.set(questions)
    return quiz


@pytest.mark.django_db(transaction=True)
def test_a_class_runs_a_live_session_on_the_projector(page: Page, browser: Browser, live_server, demo):
    educator = User.objects.get(username=demo[EDUCATORS][0])
    quiz = three_question_quiz(educator)
    nojs = User.objects.create_user(NO_JS[0], password=NO_JS[1])
    nojs.groups.add(Group.objects.get(name=LEARNERS))

    # The educator starts the session from the quiz page: the projector shows the code, QR and count.
    projector = page
    sign_in(projector, live_server.url, *demo[EDUCATORS])
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{live_server.url}/author/quizzes/{quiz.pk}/edit/")
    projector.get_by_role("link", name="Run this quiz live").click()
    expect(projector.get_by_label("Quiz", exact=True)).to_have_value(str(quiz.pk))
    projector.get_by_role("button", name="Open the lobby").click()
    expect(projector.get_by_role("heading", level=1, name="Join the live quiz")).to_be_visible()
    session = LiveSession.objects.get()
    expect(projector.locator(".join-code--huge")).to_have_text(session.join_code)
    expect(projector.get_by_role("img", name="QR code of the join link")).to_be_visible()
    joined = projector.locator(".joined")
    expect(joined).to_have_text("0 joined")

    # Two learners join with the code: one with JavaScript, one without.
    ada = person(browser, live_server, *demo[LEARNERS])
    bea = person(browser, live_server, *NO_JS, java_script_enabled=False)
    for learner, count in ((ada, 1), (bea, 2)):
        learner.goto(f"{live_server.url}/live/")
        learner.get_by_label("Session code").fill(session.join_code.lower())
        learner.get_by_role("button", name="Join").click()
        expect(learner.get_by_role("heading", level=2, name="You're in")).to_be_visible()
        expect(joined).to_have_text(f"{count} joined")  # the projector's count, live
    expect(bea.get_by_role("button", name="Check for the next question")).to_be_visible()
    expect(ada.get_by_role("button", name="Check for the next question")).to_be_hidden()

    by_stem = {
        q.current_version.stem: q.current_version for q in quiz.questions.select_related("current_version")
    }
    for number in (1, 2, 3):
        control = "Start: show question 1" if number == 1 else "Next question"
        if number == 2:
            # Ada's connection drops (the server ends her stream) and question 2 opens before her browser
            # reconnects: it reconnects with the id of the last event it had, and is told to catch up.
            learners_only = set(broker.HUB.listeners_of(broker.channel(session.pk, "all")))
            learners_only -= set(broker.HUB.listeners_of(broker.channel(session.pk, "host")))
            assert len(learners_only) == 1
            broker.HUB.close(learners_only.pop())
        projector.get_by_role("button", name=control).click()
        heading = f"Question {number} of 3"
        expect(projector.get_by_role("heading", level=1, name=heading)).to_be_visible()

        # Ada's page shows the question by itself (after the drop, on reconnecting); Bea's asks for it.
        expect(ada.get_by_role("heading", level=2, name=heading)).to_be_visible()
        bea.get_by_role("button", name="Check for the next question").click()
        expect(bea.get_by_role("heading", level=2, name=heading)).to_be_visible()

        for learner, right in ((ada, True), (bea, number != 2)):
            stage = learner.locator("#live-stage")
            stem = stage.locator("legend").inner_text().strip()
            answer_item(
                stage, next(v for s, v in by_stem.items() if s.strip().startswith(stem[:30])), right=right
            )
            stage.get_by_role("button", name="Send my answer").click()
            expect(learner.get_by_role("heading", level=2, name="Answer recorded")).to_be_visible()
        expect(projector.locator(".answer-count")).to_have_text("2 of 2 answered")

        projector.get_by_role("button", name="Reveal the answer").click()
        expect(projector.get_by_role("heading", name=re.compile("How the room answered"))).to_be_visible()
        right = 1 if number == 2 else 2
        expect(projector.locator("#projector-stage")).to_contain_text(f"2 of 2 answered, {right} right")
        expect(projector.locator(".bar--key .bar-count")).to_have_text(f"{right} ({right * 50}%)")
        expect(ada.get_by_role("heading", level=2, name=f"{heading}: the answer")).to_be_visible()
        expect(ada.locator(".verdict")).to_contain_text("Correct")
        bea.get_by_role("button", name="Check for the next question").click()
        expect(bea.locator(".verdict")).to_contain_text("Incorrect" if number == 2 else "Correct")

    # The projector reloaded (or opened on another device) shows the session where it stands.
    projector.reload()
    expect(projector.get_by_role("heading", level=1, name="Question 3 of 3")).to_be_visible()
    projector.get_by_role("button", name="Finish and show the summary").click()
    expect(projector.get_by_role("heading", level=1, name="Session ended: summary")).to_be_visible()
    rows = projector.locator("table.summary tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("1 (50%)")
    with projector.expect_download() as download:
        projector.get_by_role("link", name="Download the summary (CSV)").click()
    assert download.value.suggested_filename == f"live-{session.join_code}-summary.csv"
    expect(ada.get_by_role("heading", level=2, name="The session has ended")).to_be_visible()
    expect(ada.locator("#live-stage")).to_contain_text(re.compile(r"You scored 3 of 3 points"))
    assert Response.objects.filter(slot__attempt__live_participant__session=session).count() == 6
