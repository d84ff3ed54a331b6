"""A learner's queue of questions to review: what feeds it, what is due, and reviewing one.

Reviews are kept apart from attempts: they reschedule cards and never change a quiz score. A review
shows the question's key, so only a due card can be answered, and none whose question is in an exam
the learner has under way: those wait until the exam is submitted (or its time is up).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from ..items import Grade, ItemReview, PublicItem
from ..models import Question, QuestionVersion, Quiz, Review, ReviewCard, Slot
from ..taking.answers import read_answer
from . import scheduling


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


def _in_exams_under_way(user, now: datetime) -> QuerySet:
    """The slots of the learner's exam attempts under way (unfinished, and not past their deadline)."""
    return Slot.objects.filter(
        Q(attempt__deadline__isnull=True) | Q(attempt__deadline__gt=now),
        attempt__user=user,
        attempt__mode=Quiz.Mode.EXAM,
        attempt__finished_at__isnull=True,
    )


def due_cards(user, now: datetime) -> QuerySet:
    """The learner's cards that may be reviewed now: due, and not held back by an exam under way."""
    held = _in_exams_under_way(user, now).values("version__question_id")
    return ReviewCard.objects.for_user(user).due(now).exclude(question_id__in=held)


def held_back(user, now: datetime) -> int:
    """How many due cards wait until the learner submits an exam under way that holds their questions."""
    held = _in_exams_under_way(user, now).values("version__question_id")
    return ReviewCard.objects.for_user(user).due(now).filter(question_id__in=held).count()


class NotReviewable(Exception):
    """This card cannot be reviewed now; the message says why and when it can."""


def check_reviewable(card: ReviewCard, now: datetime, *, answering: bool = True) -> None:
    """Refuse (NotReviewable) a card whose question is in an exam the learner has under way, and, when
    `answering`, one not due yet: a review shows the key, so neither may be answered or shown."""
    if answering and card.question.status != Question.Status.ACTIVE:
        raise NotReviewable("This question has been withdrawn from the bank, so it is not reviewed any more.")
    if answering and card.due > now:
        when = date_format(timezone.localtime(card.due), "j M Y, H:i")
        raise NotReviewable(f"This question is not due for review yet: it comes back on {when}.")
    exam = (
        _in_exams_under_way(card.user_id, now)
        .filter(version__question_id=card.question_id)
        .values_list("attempt__quiz__title", flat=True)
        .first()
    )
    if exam is not None:
        raise NotReviewable(
            f"This question is in “{exam}”, the exam you have under way: "
            "its review waits until you submit the exam."
        )


def next_due(user, now: datetime) -> ReviewCard | None:
    """The next card to review, with the question's current version, or None when nothing is due:
    misconceptions (answered wrong with confidence) first, then the most overdue."""
    return (
        due_cards(user, now)
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
    A card that cannot be reviewed now raises NotReviewable before the form is read (so no form error
    shows its question). Raises InvalidAnswer/FixableAnswer for a bad answer, AnswerInProgress when the
    form only rearranged it.
    """
    now = now or timezone.now()
    if card.review_count != round:  # a double click: said before "not due", as the card is due no more
        raise AlreadyReviewed("You have already answered this review.")
    check_reviewable(card, now)
    version = card.question.current_version
    answer = read_answer(version, data)
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
