"""One item of each NGN type from the shipped MMN bank, answered in practice mode in a real browser.

The ordering and the matrices are answered with the keyboard alone (Tab, Enter, Space, the arrows);
each answer is checked against its partial-credit feedback, swapped in by htmx.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from quizzes.authoring import editing
from quizzes.models import Attempt, Quiz, Response
from quizzes.taking.attempts import start_attempt
from tests.browser.answering import shown_order
from tests.browser.conftest import open_quiz_list

TITLE = "Practice: every item type"
# Keys of the shipped bank's items, one of each new type (two matrices: one and several per row).
KEYS = {
    "prevalence-figure": "numeric",
    "expected-or-not-grid": "matrix",
    "first-line-name": "shortanswer",
    "ivig-timing": "matching",
    "age-timeline": "ordering",
    "treatment-grid": "matrix",
    "diagnosis-passage": "cloze",
}


@pytest.fixture
def quiz(demo) -> Quiz:
    from quizzes.models import Bank

    bank = Bank.objects.get(slug="mmn")
    questions = list(bank.questions.filter(key__in=KEYS))
    assert {q.key: q.current_version.item_type for q in questions} == KEYS
    return editing.save_quiz(
        Quiz(
            bank=bank,
            title=TITLE,
            selection=Quiz.Selection.FIXED,
            shuffle_questions=False,
            audience=Quiz.Audience.EVERYONE,
        ),
        topics=[],
        questions=questions,
    )


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, most: int = 60) -> None:
    """Press Tab until `target` has the focus, as a keyboard user moves through the page."""
    for _ in range(most):
        if is_focused(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def verdict(card: Locator, text: str) -> None:
    expect(card.locator(".verdict")).to_contain_text(text)


def check(card: Locator) -> None:
    card.get_by_role("button", name="Check answer").click()


def answer_numeric(page: Page, card: Locator, version) -> None:
    box = card.get_by_label(re.compile(r"^Your answer"))
    box.fill("about half")
    box.press("Enter")
    expect(card.get_by_role("alert")).to_contain_text("“about half” is not a number")
    expect(box).to_have_value("about half")  # a form error, not a wrong answer: what was typed stays
    # The swap settles by moving the focus to the question's heading, as for any swap: wait for it, as a
    # keyboard user hears it, before typing again (typing first let the focus leave the box mid-answer).
    expect(card.get_by_role("heading", level=2)).to_be_focused()
    box.fill("0,6")  # the decimal comma reads as 0.6
    box.press("Enter")
    verdict(card, "Correct — 1 of 1 point")
    expect(card).to_contain_text("0.6 cases per 100,000 people")


def answer_shortanswer(page: Page, card: Locator, version) -> None:
    card.get_by_label("Your answer").fill("  STEROIDS ")
    check(card)
    verdict(card, "Incorrect — 0 of 1 point")
    expect(card).to_contain_text(
        "corticosteroids are ineffective in MMN and can actually make the disease worse"
    )


def answer_matching(page: Page, card: Locator, version) -> None:
    """Two of three pairs right: how long IVIG's benefit lasts is matched, wrongly, to when it begins."""
    matches = {p["text"]: p["match"] for p in version.spec["premises"]}
    begins = matches["Muscle strength begins to improve after IVIG is started"]
    matches["The improvement from a treatment lasts"] = begins
    for premise, response in matches.items():
        card.get_by_label(premise, exact=True).select_option(label=response)
    check(card)
    verdict(card, "Partly correct — 2 of 3 points (2 of 3 pairs right)")


def answer_ordering(page: Page, card: Locator, version) -> None:
    """With the keyboard only: bring the first step to the top with Enter on its Move up button (which keeps
    the focus through each swap), make sure the rest is not all right either, then submit with Enter."""
    key = [s["id"] for s in version.spec["steps"]]
    order = shown_order(card)
    assert order != key  # never shown in the right order
    first = key[0]
    if order.index(first):
        up = card.locator(f'button[value="up:{first}"]')
        tab_to(page, up)
        for place in range(order.index(first) - 1, -1, -1):
            page.keyboard.press("Enter")
            expect(card.locator("input[name=order]").nth(place)).to_have_value(first)  # swapped in
            # The swap keeps the focus on this step's button (Move down once it is at the top).
            expect(card.locator(f'button[value$=":{first}"]:focus')).to_have_count(1)
        expect(card.locator("input[name=order]").first).to_have_value(first)
    if shown_order(card) == key:  # all right now: swap the last two, so that the answer earns part only
        last_up = card.locator(f'button[value="up:{key[-1]}"]')
        tab_to(page, last_up)
        page.keyboard.press("Enter")
        expect(card.locator("input[name=order]").last).to_have_value(key[-2])
    order = shown_order(card)
    right = sum(given == wanted for given, wanted in zip(order, key, strict=True))
    assert 1 <= right < len(key)
    tab_to(page, card.get_by_role("button", name="Check answer"))
    page.keyboard.press("Enter")
    verdict(card, f"Partly correct — {right} of 4 points ({right} of 4 steps in the right place)")


def answer_matrix(page: Page, card: Locator, version) -> None:
    if version.spec["per_row"] == "one":
        # Space picks each row's first column, "Expected in MMN": right for four rows of six.
        for row in card.locator("fieldset.answer-part").all():
            first = row.get_by_role("radio").first
            tab_to(page, first)
            page.keyboard.press("Space")
            expect(first).to_be_checked()
        # The arrow keys move the choice within a row: the last row becomes "Not expected", wrongly.
        page.keyboard.press("ArrowRight")
        expect(card.locator("fieldset.answer-part").last.get_by_role("radio").last).to_be_checked()
        tab_to(page, card.get_by_role("button", name="Check answer"))
        page.keyboard.press("Enter")
        verdict(card, "Partly correct — 3 of 6 points (3 of 6 rows right)")
        return
    # Several per row: IVIG, cyclophosphamide and corticosteroids right (4 points), plasma exchange
    # ticked only as first-line (+0 -1, floored at 0 for that row).
    wanted = {
        "IVIG": ["First-line therapy for most people with MMN"],
        "Cyclophosphamide": ["Named in the sheet as immunosuppressive"],
        "Corticosteroids": ["Named in the sheet as immunosuppressive", "Ineffective, and can make MMN worse"],
        "Plasma exchange": ["First-line therapy for most people with MMN"],
    }
    for row_text, columns in wanted.items():
        row = card.locator("fieldset.answer-part").filter(has=page.get_by_text(row_text, exact=True))
        for column in columns:
            box = row.get_by_role("checkbox", name=column)
            tab_to(page, box)
            page.keyboard.press("Space")
            expect(box).to_be_checked()
    tab_to(page, card.get_by_role("button", name="Check answer"))
    page.keyboard.press("Enter")
    verdict(card, "Partly correct — 4 of 6 points (3 of 4 rows right)")


def answer_cloze(page: Page, card: Locator, version) -> None:
    """Every blank right but the last: antibodies to GM1 in over 95% of patients, not 30-80%."""
    for number, blank in enumerate(version.spec["blanks"], start=1):
        choice = blank["correct"] if number < 4 else "over 95%"
        card.get_by_label(f"Blank {number}", exact=True).select_option(label=choice)
    check(card)
    verdict(card, "Partly correct — 3 of 4 points (3 of 4 blanks right)")
    expect(card.locator(".cloze-review")).to_contain_text("(4) over 95%")


ANSWER = {
    "numeric": answer_numeric,
    "shortanswer": answer_shortanswer,
    "matching": answer_matching,
    "ordering": answer_ordering,
    "matrix": answer_matrix,
    "cloze": answer_cloze,
}


@pytest.mark.django_db(transaction=True)
def test_one_item_of_each_type_with_its_partial_credit(page: Page, quiz, learner_credentials, log_in):
    log_in(*learner_credentials)
    open_quiz_list(page)
    page.get_by_role("button", name=f"Start {TITLE}", exact=True).click()
    attempt = Attempt.objects.get(
        quiz=quiz, user=get_user_model().objects.get(username=learner_credentials[0])
    )
    card = page.locator("#question-card")
    heading = card.get_by_role("heading", level=2)
    slots = list(attempt.slots.select_related("version").order_by("number"))
    for slot in slots:
        expect(heading).to_have_text(f"Question {slot.number} of {len(slots)}")
        expect(card.get_by_role("heading", name="Explanation")).to_have_count(0)  # no key before answering
        ANSWER[slot.version.item_type](page, card, slot.version)
        expect(card.get_by_role("heading", name="Explanation")).to_be_visible()
        if slot.number < len(slots):
            card.get_by_role("link", name="Next question").click()
            expect(heading).to_be_focused()  # the swap has settled: keys go where the next answer tabs them
    card.get_by_role("button", name="Finish and see my score").click()

    # The results repeat each item's points and partial credit.
    expect(page.get_by_role("heading", level=1, name=f"Results: {TITLE}")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.max_points == 1 + 6 + 1 + 3 + 4 + 6 + 4
    expect(page.locator(".score-figure")).to_contain_text(f"of {attempt.max_points:g} points")
    reviews = page.locator(".review-list > li")
    expect(reviews).to_have_count(len(slots))
    expect(page.locator(".review-list")).to_contain_text("2 of 3 points (2 of 3 pairs right)")
    expect(page.locator(".review-list")).to_contain_text("4 of 6 points (3 of 4 rows right)")


@pytest.mark.django_db(transaction=True)
def test_steps_move_with_the_keyboard_without_javascript(browser, live_server, quiz, learner_credentials):
    """With JavaScript off each Move button posts the form and the page comes back rearranged, the button
    pressed focused again (autofocus), so pressing Enter again keeps moving the same step."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    username, password = learner_credentials
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    user = get_user_model().objects.get(username=username)
    attempt = start_attempt(user, quiz)
    number = next(
        s.number for s in attempt.slots.select_related("version") if s.version.item_type == "ordering"
    )
    page.goto(live_server.url + reverse("quizzes:attempt-item", args=[attempt.code, number]))
    card = page.locator("#question-card")
    order = shown_order(card)
    last = order[-1]
    up = card.locator(f'button[value="up:{last}"]')
    tab_to(page, up)
    page.keyboard.press("Enter")  # a plain form POST: a whole new page
    expect(card.locator("input[name=order]").nth(len(order) - 2)).to_have_value(last)
    expect(up).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.locator("input[name=order]").nth(len(order) - 3)).to_have_value(last)
    assert shown_order(card) == shown_order_after(order, last)
    tab_to(page, card.get_by_role("button", name="Check answer"))
    page.keyboard.press("Enter")
    expect(card.locator(".verdict")).to_contain_text("steps in the right place")
    assert Response.objects.get(slot__attempt=attempt).answer == shown_order_after(order, last)
    context.close()


def shown_order_after(order: list[str], moved: str) -> list[str]:
    """`order` with its last step moved up two places."""
    return [*order[:-3], moved, *order[-3:-1]]
