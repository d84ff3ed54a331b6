"""A learner's queue of questions to review: what feeds it, what is due, and reviewing one.

Reviews are kept apart from attempts: they reschedule cards and never change a quiz score.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from . import scheduling
from .items import Grade, ItemReview, PublicItem
from .models import QuestionVersion, Review, ReviewCard


def note_answers(
    user_id: int,
    answers: list[tuple[QuestionVersion, list, Grade]],
    *,
    now: datetime,
    confidently_wrong: Collection[int] = (),
) -> None:
    """Feed final quiz answers to the schedule: mistakes enter the queue, any answer reschedules a card.

    Questions in `confidently_wrong` (ids answered wrong by a learner who was sure) are due at once and
    come before every other due card, until they are next reviewed.
    A handful of queries for any number of answers: one read, then bulk writes.
    """
    question_ids = [version.question_id for version, _, _ in answers]
    cards = {
        c.question_id: c for c in ReviewCard.objects.filter(user_id=user_id, question_id__in=question_ids)
    }
    new_cards, old_cards, reviews = [], [], []
    for version, answer, grade in answers:
        card = cards.get(version.question_id)
        if card is None:
            if not scheduling.needs_review(grade):
                continue
            card = ReviewCard(
                user_id=user_id, question_id=version.question_id, fsrs_state=scheduling.new_state(now)
            )
            new_cards.append(card)
        else:
            old_cards.append(card)
        rating = _reschedule(card, grade, now)
        card.confidently_wrong = version.question_id in confidently_wrong
        if card.confidently_wrong:
            card.due = min(card.due, now)
        reviews.append((card, _review(card, version, answer, grade, rating, Review.Source.QUIZ, now)))
    ReviewCard.objects.bulk_create(new_cards)
    ReviewCard.objects.bulk_update(old_cards, ["fsrs_state", "due", "review_count", "confidently_wrong"])
    for card, review in reviews:
        review.card = card  # new cards have their primary key only now
    Review.objects.bulk_create(review for _, review in reviews)


def _reschedule(card: ReviewCard, grade: Grade, now: datetime) -> int:
    rating = scheduling.rating_for(grade)
    card.fsrs_state, card.due = scheduling.schedule(card.fsrs_state, rating, now)
    card.review_count += 1
    return int(rating)


def _review(card, version, answer, grade: Grade, rating: int, source: str, now: datetime) -> Review:
    return Review(
        card=card,
        version=version,
        source=source,
        answer=answer,
        points=grade.points,
        max_points=grade.max_points,
        rating=rating,
        reviewed_at=now,
    )


def next_due(user, now: datetime) -> ReviewCard | None:
    """The next card to review, with the question's current version, or None when nothing is due:
    misconceptions (answered wrong with confidence) first, then the most overdue."""
    return (
        ReviewCard.objects.for_user(user)
        .due(now)
        .select_related("question__current_version", "question__topic")
        .order_by("-confidently_wrong", "due", "pk")
        .first()
    )


def public_item(card: ReviewCard, answer=None) -> PublicItem:
    """The card's question as the learner sees it, laid out for `answer` (their answer so far) if any."""
    version = card.question.current_version
    return version.item.public_view(version.stem, version.spec, card.option_rng(), answer)


class AlreadyReviewed(Exception):
    """This round of the card was answered already (a double click, or a second tab)."""


@dataclass(frozen=True)
class ReviewOutcome:
    card: ReviewCard
    version: QuestionVersion
    review: ItemReview


def review_answer(
    card: ReviewCard, data: QueryDict, round: int, *, now: datetime | None = None
) -> ReviewOutcome:
    """Grade an answer given in a review session (the posted form `data`) and reschedule the card.

    `round` is the card's review count when the question was shown; a stale one raises AlreadyReviewed.
    Raises InvalidAnswer/FixableAnswer for a bad answer, AnswerInProgress when the form only rearranged it.
    """
    now = now or timezone.now()
    version = card.question.current_version
    answer = version.item.parse_answer(version.spec, data)
    with transaction.atomic():
        locked = ReviewCard.objects.select_for_update().get(pk=card.pk)
        if locked.review_count != round:
            raise AlreadyReviewed("You have already answered this review.")
        # The options are reviewed in the order they were shown, which depends on the round.
        review = version.item.review(version.spec, answer, locked.option_rng())
        rating = _reschedule(locked, review.grade, now)
        locked.confidently_wrong = False  # reviewed now: FSRS schedules it like any other card
        locked.save(update_fields=["fsrs_state", "due", "review_count", "confidently_wrong"])
        _review(locked, version, answer, review.grade, rating, Review.Source.REVIEW, now).save()
    return ReviewOutcome(card=locked, version=version, review=review)
