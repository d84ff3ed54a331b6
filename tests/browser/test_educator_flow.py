"""An educator in a real browser writes a question and builds a quiz; a learner then takes it.

The demo educator creates a bank, a topic and a select-all-that-apply question, watching the preview
follow the typing and meeting the validation error of a SATA without a key; builds a practice quiz
from a fixed list, publishes it and the bank. The demo learner, in a fresh browser context, takes the
quiz and sees the educator's rationales.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.models import Bank, Question
from tests.browser.conftest import TIMEOUT_MS, open_quiz_list

BANK = "Nursing pharmacology"
TOPIC = "Immunoglobulin"
STEM = "Which are common side effects of IVIg?"
OPTIONS = [
    ("Headache", True, "RATIONALE-headache: the most common side effect, often on the day of infusion."),
    ("Fatigue", True, "RATIONALE-fatigue: frequent for a day or two after an infusion."),
    ("Hair loss", False, "RATIONALE-hair: not a recognised side effect of IVIg."),
]
QUIZ = "Pharmacology practice"


def fill_option(page: Page, number: int, text: str, rationale: str) -> None:
    option = page.get_by_role("group", name=f"Option {number}")
    option.get_by_role("textbox", name="Text").fill(text)
    option.get_by_role("textbox", name="Rationale").fill(rationale)


@pytest.mark.django_db(transaction=True)
def test_educator_writes_a_question_and_builds_a_quiz_that_a_learner_takes(
    page: Page, browser: Browser, live_server, demo, log_in
):
    log_in(*demo[EDUCATORS])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Author").click()
    expect(page.get_by_role("heading", level=1, name="My banks")).to_be_visible()

    # A bank and a topic.
    page.get_by_role("link", name="New bank").click()
    page.get_by_role("textbox", name="Title").fill(BANK)
    page.get_by_role("button", name="Create bank").click()
    expect(page.get_by_role("heading", level=1, name=BANK)).to_be_visible()
    expect(page.get_by_text("Not published")).to_be_visible()
    page.get_by_role("textbox", name="New topic").fill(TOPIC)
    page.get_by_role("button", name="Add topic").click()
    expect(page.get_by_role("rowheader", name=TOPIC)).to_be_visible()

    # A select-all-that-apply question: the preview follows the typing, without a page load.
    page.get_by_role("link", name="Select all that apply").click()
    expect(page.get_by_role("heading", level=1, name="New question: Select all that apply")).to_be_visible()
    page.evaluate("window.__marker = 1")
    preview = page.locator("#question-preview")
    expect(preview).to_contain_text("Start writing")
    page.get_by_role("textbox", name="Question").fill(STEM)
    expect(preview.locator("legend")).to_have_text(STEM)
    for number, (text, _correct, rationale) in enumerate(OPTIONS, start=1):
        fill_option(page, number, text, rationale)
    expect(preview.get_by_role("checkbox")).to_have_count(3)
    expect(preview).to_contain_text("needs at least one correct option")  # no key ticked yet
    page.get_by_role("textbox", name="Explanation").fill("IVIg is generally well tolerated.")
    page.get_by_role("textbox", name="Source").fill("Treatment")
    assert page.evaluate("window.__marker") == 1, "the preview reloaded the page"
    assert not Question.objects.filter(current_version__stem=STEM).exists()

    # Saving a SATA with no key is refused, with the message beside the options.
    page.get_by_role("button", name="Save question").click()
    options = page.get_by_role("group", name="Options", exact=True)
    expect(options).to_have_accessible_description("needs at least one correct option")
    expect(page.get_by_role("textbox", name="Question")).to_have_value(STEM)  # nothing typed is lost
    assert not Question.objects.filter(current_version__stem=STEM).exists()

    for number, (_text, correct, _rationale) in enumerate(OPTIONS, start=1):
        if correct:
            page.get_by_role("group", name=f"Option {number}").get_by_role("checkbox", name="Correct").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")
    expect(page.get_by_role("heading", level=1, name="Edit question")).to_be_visible()
    version = Question.objects.get(current_version__stem=STEM).current_version
    assert version.number == 1 and version.max_points == 2

    # A practice quiz of that one question, published, and the bank published too.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=BANK).click()
    page.get_by_role("link", name="New quiz").click()
    page.get_by_role("textbox", name="Title").fill(QUIZ)
    page.get_by_role("radio", name="A fixed list of questions").check()
    page.get_by_role("checkbox", name=f"{TOPIC}: {STEM}").check()
    page.get_by_role("checkbox", name="Published").check()
    who = page.get_by_role("group", name="Who can take it")
    expect(who.get_by_role("radio", name="Members of the classes it is assigned to")).to_be_checked()
    who.get_by_role("radio", name="Everyone signed in").check()  # the learner is in no class
    page.get_by_role("button", name="Create quiz").click()
    expect(page.locator(".messages")).to_contain_text(f"Quiz “{QUIZ}” created.")
    expect(page.get_by_role("row", name=QUIZ)).to_contain_text("a fixed list")
    page.get_by_role("link", name=f"Edit bank {BANK}").click()
    page.get_by_role("checkbox", name="Published").check()
    page.get_by_role("button", name="Save bank").click()
    expect(page.get_by_text("Published: learners see its published quizzes.")).to_be_visible()
    assert Bank.objects.get(title=BANK).is_published

    # The learner, in a browser of their own, takes the quiz and reads the educator's rationales.
    context = browser.new_context()
    try:
        learner = context.new_page()
        learner.set_default_timeout(TIMEOUT_MS)
        username, password = demo[LEARNERS]
        learner.goto(f"{live_server.url}/accounts/login/")
        learner.get_by_label("Username").fill(username)
        learner.get_by_label("Password", exact=True).fill(password)
        learner.get_by_role("button", name="Log in").click()
        expect(learner.get_by_role("link", name="Author")).to_have_count(0)
        open_quiz_list(learner)
        learner.get_by_role("button", name=f"Start {QUIZ}", exact=True).click()
        card = learner.locator("#question-card")
        expect(card.get_by_role("heading", level=2)).to_have_text("Question 1 of 1")
        card.get_by_role("checkbox", name="Headache").check()
        card.get_by_role("button", name="Check answer").click()
        expect(card.locator(".verdict strong")).to_have_text("Partly correct")
        for _text, _correct, rationale in OPTIONS:
            expect(card.get_by_text(rationale)).to_be_visible()
        expect(card).to_contain_text("IVIg is generally well tolerated.")
    finally:
        context.close()
