"""A learner's history in a real browser: two quizzes, the chart, mastery bars, and reviewing mistakes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, ReviewCard
from tests.browser.answering import answer_anything, answer_item
from tests.browser.conftest import open_quiz_list


def take_practice_quiz(page: Page, title: str) -> Attempt:
    """Answer every item, the odd-numbered ones wrongly, and finish."""
    open_quiz_list(page)
    page.get_by_role("button", name=f"Start {title}", exact=True).click()
    attempt = Attempt.objects.filter(quiz__title=title).latest("started_at")
    card = page.locator("#question-card")
    for slot in attempt.slots.select_related("version").order_by("number"):
        expect(card.get_by_role("heading", level=2)).to_have_text(
            f"Question {slot.number} of {attempt.slot_count}"
        )
        answer_item(card, slot.version, right=slot.number % 2 == 0)
        card.get_by_role("button", name="Check answer").click()
        expect(card.locator(".verdict")).to_be_visible()
        if slot.number < attempt.slot_count:
            card.get_by_role("link", name="Next question").click()
    card.get_by_role("button", name="Finish and see my score").click()
    expect(page.get_by_role("heading", level=1, name=f"Results: {title}")).to_be_visible()
    return attempt


@pytest.mark.django_db(transaction=True)
def test_learner_sees_progress_and_reviews_mistakes(page: Page, learner_credentials, log_in):
    log_in(*learner_credentials)
    taken = [
        take_practice_quiz(page, "Practice: Treatment"),
        take_practice_quiz(page, "Practice: Who gets MMN"),
    ]

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My attempts").click()
    expect(page.locator("svg.score-chart .point--practice")).to_have_count(2)
    page.get_by_text("The chart's numbers as a table").click()
    expect(page.locator("figure table tbody tr")).to_have_count(2)

    nav.get_by_role("link", name="Mastery").click()
    treatment = page.locator(".mastery", has=page.get_by_role("heading", name="Treatment"))
    expect(treatment.locator(".bar-chart")).to_have_count(1)
    expect(treatment).to_contain_text("over 10 answers")
    expect(
        page.locator(".mastery", has=page.get_by_role("heading", name="Signs and symptoms"))
    ).to_contain_text("Not attempted yet.")

    # FSRS brings a mistake back after a minute; let that minute pass.
    mistakes = ReviewCard.objects.count()
    assert mistakes >= sum((attempt.slot_count + 1) // 2 for attempt in taken)  # the odd-numbered items
    ReviewCard.objects.update(due=timezone.now() - timedelta(seconds=1))

    nav.get_by_role("link", name="MMN Quiz").click()
    expect(page.get_by_text(f"{mistakes} questions due for review now.")).to_be_visible()
    page.get_by_role("link", name="Review now").click()
    review = page.locator("#review-card")
    for remaining in range(mistakes, 0, -1):
        expect(review.get_by_role("heading", level=2)).to_contain_text(f"{remaining} due")
        answer_anything(review)
        review.get_by_role("button", name="Check answer").click()
        expect(review.locator(".verdict")).to_be_visible()
        expect(review.get_by_role("heading", name="Explanation")).to_be_visible()
        if remaining > 1:
            review.get_by_role("link", name="Next review").click()
    expect(review).to_contain_text("All done for now.")
    expect(review).to_contain_text("Next review due")
    assert ReviewCard.objects.filter(due__lte=timezone.now()).count() == 0
