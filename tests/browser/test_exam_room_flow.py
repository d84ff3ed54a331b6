"""The exam room in a real browser: the navigator, flags, ruling options out, how sure the learner is,
changing an answer, the review before submitting, and what the results make of it all; with htmx, without
JavaScript, and the countdown's warning.

The exam draws its questions at random, so the tests read the drawn slots from the database to pick
choice items (the ones with options to rule out) and, by their key, a right or a wrong answer.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from quizzes.models import Attempt, Quiz, Response, ResponseChange, Slot
from quizzes.taking.attempts import start_attempt
from tests.browser.conftest import TIMEOUT_MS, sign_in, start_quiz
from tests.browser.test_learner_flow import EXAM, assert_same_document, item_url, set_page_marker

QUESTIONS = 25
TIME_TAG = re.compile(r"Time: \d+ min \d\d s")


def choice_slots(attempt: Attempt) -> list[Slot]:
    """The drawn choice items, bar the first (the exam opens on it) and the last (it has no Save and next)."""
    slots = attempt.slots.select_related("version").order_by("number")
    chosen = [s for s in slots if "options" in s.version.spec and 1 < s.number < attempt.slot_count]
    assert len(chosen) >= 3, "the exam drew fewer than 3 choice items between its first and last"
    return chosen


def right_options(slot: Slot) -> list[str]:
    return [o["id"] for o in slot.version.spec["options"] if o["correct"]]


def a_wrong_option(slot: Slot) -> str:
    return next(o["id"] for o in slot.version.spec["options"] if not o["correct"])


def option_row(card: Locator, option: str) -> Locator:
    """The option's line: its radio button or tick box, its text and its Rule out / Put back button."""
    return card.locator(".options > li").filter(has=card.page.locator(f'input[value="{option}"]'))


def choose(card: Locator, options: list[str]) -> None:
    """Tick exactly `options` (a radio group unticks the rest itself)."""
    for box in card.locator(".options input").all():
        if box.get_attribute("value") in options:
            box.check()
        elif box.get_attribute("type") == "checkbox":
            box.uncheck()


def confidence(card: Locator, label: str) -> Locator:
    return card.get_by_role("group", name="How sure are you? (optional)").get_by_label(label, exact=True)


def open_from_navigator(page: Page, number: int, state: str) -> None:
    """Follow the navigator's link to question `number`, named with its `state` ("not answered", ...)."""
    navigator = page.get_by_role("navigation", name="All questions")
    navigator.get_by_role("link", name=f"Question {number} {state}", exact=True).click()
    heading = page.locator("#question-card").get_by_role("heading", level=2)
    expect(heading).to_have_text(re.compile(rf"^Question {number} of {QUESTIONS}\b"))
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(rf"/items/{number}/$"))
    expect(navigator.locator("[aria-current=step]")).to_have_accessible_name(
        re.compile(rf"^Question {number} ")
    )


def rule_out(card: Locator, option: str) -> None:
    row = option_row(card, option)
    row.get_by_role("button", name="Rule out").click()
    expect(row.get_by_role("button", name="Put back")).to_be_visible()
    expect(row).to_contain_text("Ruled out")


def dl_values(page: Page, selector: str) -> dict[str, str]:
    return page.locator(selector).evaluate(
        "dl => Object.fromEntries([...dl.querySelectorAll('div')].map("
        "d => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim()]))"
    )


@pytest.mark.django_db(transaction=True)
def test_learner_takes_an_exam_with_flags_strikes_confidence_and_a_changed_answer(
    page: Page, live_server, learner_credentials, log_in
):
    log_in(*learner_credentials)
    card, heading = start_quiz(page, EXAM, QUESTIONS)
    attempt = Attempt.objects.get(quiz__title=EXAM)
    # Out of order: the last of them first, then the first, then the second.
    known, changed, misread = (choice_slots(attempt)[i] for i in (0, 1, -1))
    struck = a_wrong_option(misread)
    page.wait_for_load_state()  # htmx is set up: from here on, no step may load a whole page
    full_loads: list[str] = []
    page.on("load", lambda: full_loads.append(page.url))
    set_page_marker(page)

    # A misconception: rule out an option, choose it all the same, say "Sure", flag the item.
    open_from_navigator(page, misread.number, "not answered")
    rule_out(card, struck)
    put_back = option_row(card, struck).get_by_role("button", name="Put back")
    expect(put_back).to_be_focused()  # the control that was pressed keeps the focus
    box = option_row(card, struck).locator("input")
    expect(box).to_be_enabled()
    box.check()  # a struck option can still be chosen
    confidence(card, "Sure").check()
    flag = card.get_by_role("button", name="Flag for review")
    expect(flag).to_have_attribute("aria-pressed", "false")
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    expect(flag).to_be_focused()
    expect(heading).to_have_text(f"Question {misread.number} of {QUESTIONS} Flagged")
    # The flag was sent with the answer being built, and it came back as it was.
    expect(box).to_be_checked()
    expect(confidence(card, "Sure")).to_be_checked()
    expect(option_row(card, struck)).to_contain_text("Ruled out")
    card.get_by_role("button", name="Save and next").click()
    expect(heading).to_have_text(f"Question {misread.number + 1} of {QUESTIONS}")
    expect(heading).to_be_focused()

    # Back a step: the answer, its confidence, the flag and the struck option are all kept.
    card.get_by_role("link", name="Previous question").click()
    expect(heading).to_have_text(f"Question {misread.number} of {QUESTIONS} Flagged")
    expect(option_row(card, struck).locator("input")).to_be_checked()
    expect(confidence(card, "Sure")).to_be_checked()
    expect(option_row(card, struck).get_by_role("button", name="Put back")).to_be_visible()
    expect(card.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", "true")
    navigator = page.get_by_role("navigation", name="All questions")
    expect(navigator.get_by_role("link", name=f"Question {misread.number} answered, flagged")).to_be_visible()

    # An earlier item, answered right and sure.
    open_from_navigator(page, known.number, "not answered")
    choose(card, right_options(known))
    confidence(card, "Sure").check()
    card.get_by_role("button", name="Save and next").click()
    expect(heading).to_have_text(f"Question {known.number + 1} of {QUESTIONS}")

    # A guess, flagged, saved wrong; then changed to the right answer.
    open_from_navigator(page, changed.number, "not answered")
    card.get_by_role("button", name="Flag for review").click()
    expect(card.get_by_role("button", name="Flag for review")).to_be_focused()
    choose(card, [a_wrong_option(changed)])
    confidence(card, "Guessing").check()
    card.get_by_role("button", name="Save and next").click()
    expect(heading).to_have_text(f"Question {changed.number + 1} of {QUESTIONS}")
    open_from_navigator(page, changed.number, "answered, flagged")
    expect(option_row(card, a_wrong_option(changed)).locator("input")).to_be_checked()
    expect(confidence(card, "Guessing")).to_be_checked()
    choose(card, right_options(changed))
    card.get_by_role("button", name="Save and next").click()
    expect(heading).to_have_text(f"Question {changed.number + 1} of {QUESTIONS}")
    for number, state in ((known.number, "answered"), (changed.number, "answered, flagged")):
        expect(navigator.get_by_role("link", name=f"Question {number} {state}", exact=True)).to_be_visible()
    expect(navigator.get_by_role("link", name=re.compile(r" not answered$"))).to_have_count(QUESTIONS - 3)
    assert_same_document(page)
    assert not full_loads, f"full page loads while answering: {full_loads}"

    # Review before submitting: what is missing, what is flagged, and a confirmation.
    card.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1, name=f"Review and submit: {EXAM}")).to_be_visible()
    expect(page.get_by_text("You have answered 3 of 25 questions and flagged 2 for review.")).to_be_visible()
    unanswered = page.get_by_role("region", name=f"Not answered yet ({QUESTIONS - 3})")
    expect(unanswered.get_by_role("link")).to_have_count(QUESTIONS - 3)
    flagged = page.get_by_role("region", name="Flagged for review (2)")
    expect(flagged.get_by_role("link")).to_have_text(
        [f"Question {n}" for n in sorted((misread.number, changed.number))]
    )
    expect(
        page.get_by_role("navigation", name="All questions").get_by_role(
            "link", name=f"Question {misread.number} answered, flagged"
        )
    ).to_be_visible()
    set_page_marker(page)
    page.get_by_role("button", name="Submit exam").click()
    expect(page.get_by_role("heading", name="Submit with 22 questions not answered?")).to_be_focused()
    assert_same_document(page)
    page.get_by_role("button", name="Yes, submit with 22 unanswered").click()

    # The results: how sure the learner was, the flags, the change, the misconception first.
    expect(page.get_by_role("heading", level=1, name=f"Results: {EXAM}")).to_be_visible()
    assert dl_values(page, ".confidence-summary") == {
        "Right and sure": "1",
        "Right but unsure or guessing (lucky)": "1",
        "Wrong but sure (misconceptions)": "1",
        "Wrong, and unsure or guessing": "0",
    }
    expect(page.get_by_text("Counted over the 3 answers given with a confidence.")).to_be_visible()
    expect(page.get_by_text("Flagged for review: 2 · answers changed: 1")).to_be_visible()
    items = page.locator(".review-list > li")
    expect(items).to_have_count(QUESTIONS)
    first = items.first
    expect(first).to_have_attribute("id", f"item-{misread.number}")
    expect(first.get_by_role("heading", name=re.compile(rf"^Question {misread.number} "))).to_be_visible()
    marks = first.locator(".marks")
    for tag in ("Wrong but sure", "Flagged", "Confidence: Sure"):
        expect(marks).to_contain_text(tag)
    expect(marks).to_contain_text(TIME_TAG)
    expect(page.locator(".review-list .marks", has_text="Wrong but sure")).to_have_count(1)
    ruled_out = first.locator(".review-option").filter(has_text="You ruled this out")
    expect(ruled_out).to_have_count(1)
    expect(ruled_out).to_contain_text("Your answer")
    expect(ruled_out).to_contain_text("Not correct")
    # The rest keep their order.
    numbers = [int(item.get_attribute("id").removeprefix("item-")) for item in items.all()[1:]]
    assert numbers == sorted(set(range(1, QUESTIONS + 1)) - {misread.number})

    guess = page.locator(f"#item-{changed.number}")
    expect(guess.locator(".marks")).to_contain_text("Flagged")
    expect(guess.locator(".marks")).to_contain_text("Confidence: Guessing")
    expect(guess.get_by_role("heading", level=4)).to_have_text("Answer changed 1 time")
    history = guess.locator(".changes li")
    expect(history).to_have_count(2)
    expect(history.first).to_have_text(re.compile(r"^First answer at \d\d:\d\d:\d\d: "))
    expect(history.last).to_have_text(re.compile(r"^Final answer at \d\d:\d\d:\d\d: (\S+) of \1 points?"))
    sure = page.locator(f"#item-{known.number} .marks")
    expect(sure).to_contain_text("Confidence: Sure")
    expect(sure).not_to_contain_text("Wrong but sure")

    attempt.refresh_from_db()
    assert attempt.is_finished
    responses = Response.objects.filter(slot__attempt=attempt)
    assert {r.slot.number: r.confidence for r in responses.select_related("slot")} == {
        misread.number: "sure",
        known.number: "sure",
        changed.number: "guessing",
    }
    slots = {s.number: s for s in attempt.slots.all()}
    assert {n for n, s in slots.items() if s.flagged} == {misread.number, changed.number}
    assert {n: s.struck for n, s in slots.items() if s.struck} == {misread.number: [struck]}
    assert ResponseChange.objects.filter(slot__attempt=attempt).count() == 1
    change = ResponseChange.objects.get(slot=slots[changed.number])
    assert change.answer == [a_wrong_option(changed)] and change.confidence == "guessing"
    assert sorted(responses.get(slot__number=changed.number).answer) == sorted(right_options(changed))


@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_flag_a_strike_and_the_confirmation_still_work(
    browser: Browser, live_server, learner_credentials
):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, *learner_credentials)
        card, heading = start_quiz(page, EXAM, QUESTIONS)
        attempt = Attempt.objects.get(quiz__title=EXAM)
        slot = choice_slots(attempt)[0]
        struck = a_wrong_option(slot)

        navigator = page.get_by_role("navigation", name="All questions")  # plain links now
        navigator.get_by_role("link", name=f"Question {slot.number} not answered", exact=True).click()
        expect(heading).to_have_text(f"Question {slot.number} of {QUESTIONS}")
        choose(card, [struck])
        confidence(card, "Sure").check()
        rule_out(card, struck)  # a whole page comes back, with the answer being built
        expect(option_row(card, struck).get_by_role("button", name="Put back")).to_be_focused()  # autofocus
        expect(option_row(card, struck).locator("input")).to_be_checked()
        expect(confidence(card, "Sure")).to_be_checked()
        card.get_by_role("button", name="Flag for review").click()
        expect(heading).to_have_text(f"Question {slot.number} of {QUESTIONS} Flagged")
        expect(card.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", "true")
        expect(card.get_by_role("button", name="Flag for review")).to_be_focused()
        expect(option_row(card, struck).locator("input")).to_be_checked()
        # Enter on an option submits with the form's first (hidden) button: it saves, never rules out.
        expect(card.get_by_role("button", name="Save answer")).to_be_hidden()
        option_row(card, struck).locator("input").press("Enter")
        expect(heading).to_have_text(f"Question {slot.number + 1} of {QUESTIONS}")

        card.get_by_role("link", name="Review and submit").click()
        expect(page.get_by_role("region", name="Flagged for review (1)")).to_be_visible()
        page.get_by_role("button", name="Submit exam").click()
        expect(page.get_by_role("heading", name="Submit with 24 questions not answered?")).to_be_visible()
        page.get_by_role("button", name="Yes, submit with 24 unanswered").click()

        expect(page.get_by_role("heading", level=1, name=f"Results: {EXAM}")).to_be_visible()
        expect(page.get_by_text("Flagged for review: 1 · answers changed: 0")).to_be_visible()
        first = page.locator(".review-list > li").first
        expect(first).to_have_attribute("id", f"item-{slot.number}")
        for tag in ("Wrong but sure", "Flagged", "Confidence: Sure"):
            expect(first.locator(".marks")).to_contain_text(tag)
        expect(first.locator(".review-option").filter(has_text="You ruled this out")).to_have_count(1)
    finally:
        context.close()
    slot.refresh_from_db()
    assert slot.flagged and slot.struck == [struck]
    assert Response.objects.get(slot__attempt=attempt).answer == [struck]


@pytest.mark.django_db(transaction=True)
def test_countdown_warns_at_five_minutes_and_at_one(page: Page, live_server, learner_credentials, log_in):
    """The page's clock is driven by the test (page.clock), so no test waits for minutes to pass."""
    username, password = learner_credentials
    log_in(username, password)
    attempt = start_attempt(get_user_model().objects.get(username=username), Quiz.objects.get(title=EXAM))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(minutes=5, seconds=2))
    page.clock.install()
    page.goto(item_url(live_server, attempt, 1))
    timer, announcer = page.locator("#timer"), page.locator("#announcer")
    warning = timer.locator("[data-timer-warning]")
    expect(warning).to_be_empty()
    expect(timer).not_to_have_class(re.compile(r"\btimer--low\b"))

    # The mark is crossed while the page is open: shown, and said politely to screen readers.
    page.clock.run_for(3_000)
    expect(warning).to_have_text("5 minutes left.")
    expect(timer).to_have_class(re.compile(r"\btimer--low\b"))
    expect(announcer).to_have_text("5 minutes left.")
    page.clock.run_for("04:00")
    expect(warning).to_have_text("1 minute left.")
    expect(announcer).to_have_text("1 minute left.")

    # A page opened after a mark shows its words without reading them out again. (The page's clock
    # is the test's, four minutes ahead now.)
    page_now = datetime.fromtimestamp(page.evaluate("Date.now()") / 1000, tz=UTC)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=page_now + timedelta(minutes=4))
    page.reload()
    expect(warning).to_have_text("5 minutes left.")
    page.clock.run_for(2_000)
    expect(announcer).to_be_empty()
