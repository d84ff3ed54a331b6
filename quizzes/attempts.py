"""Starting, answering and finishing attempts: the rules of taking a quiz, without any request.

Answers are written in a transaction that locks the attempt row, so answers and finishing never
interleave, and the Response's one-per-slot constraint backs that up.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from . import grading, review_queue, selection
from .items import Grade, InvalidAnswer, ItemReview, PublicItem
from .models import Attempt, Question, Quiz, Response, Slot

# An answer sent in the last seconds of an exam may arrive just after the deadline.
DEADLINE_GRACE = timedelta(seconds=5)


class QuizUnavailable(Exception):
    """A new attempt cannot start: the quiz has no questions, is closed, or has no attempts left."""


class QuizClosed(QuizUnavailable):
    """The quiz is not open now: before its opening time or after its closing time."""


class NoAttemptsLeft(QuizUnavailable):
    """The learner has used every attempt the quiz allows."""


class AttemptClosed(Exception):
    """The attempt is finished; nothing more can be recorded."""


class DeadlinePassed(AttemptClosed):
    """The exam's time ran out before this answer arrived; the attempt has been closed and scored."""


def start_attempt(user, quiz: Quiz, *, now: datetime | None = None, seed: int | None = None) -> Attempt:
    """Resume the learner's unfinished attempt at this quiz, or start a new one with fixed questions.

    A new attempt needs the quiz open and an attempt left (QuizClosed, NoAttemptsLeft); one under way
    can always be resumed. The quiz's option order and pass mark are copied onto the attempt.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One start at a time per learner, so two tabs cannot both start (or both use the last attempt).
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
        existing = Attempt.objects.for_user(user).unfinished().filter(quiz=quiz).first()
        if existing is not None and not close_if_expired(existing, now=now):
            return existing
        _check_can_start(user, quiz, now)
        rows = list(_candidates(quiz).values_list("id", "current_version_id", "current_version__max_points"))
        if not rows:
            raise QuizUnavailable(f"“{quiz.title}” has no questions yet.")
        seed = secrets.randbits(48) if seed is None else seed
        version_ids = selection.choose(
            [(q, v) for q, v, _ in rows],
            len(rows) if quiz.is_fixed else quiz.question_count,
            random.Random(seed),
            shuffle=quiz.shuffle_questions,
        )
        max_points = {v: m for _, v, m in rows}
        attempt = Attempt.objects.create(
            user=user,
            quiz=quiz,
            mode=quiz.mode,
            seed=seed,
            slot_count=len(version_ids),
            started_at=now,
            deadline=now + quiz.time_limit if quiz.mode == Quiz.Mode.EXAM and quiz.time_limit else None,
            max_points=sum(max_points[v] for v in version_ids),
            shuffle_options=quiz.shuffle_options,
            pass_mark_percent=quiz.pass_mark_percent,
        )
        Slot.objects.bulk_create(
            Slot(attempt=attempt, number=number, version_id=version_id)
            for number, version_id in enumerate(version_ids, start=1)
        )
    return attempt


def _check_can_start(user, quiz: Quiz, now: datetime) -> None:
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizClosed(f"“{quiz.title}” is not open yet: it opens on {_when(quiz.opens_at)}.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizClosed(f"“{quiz.title}” closed on {_when(quiz.closes_at)}.")
    if quiz.attempts_allowed:
        used = Attempt.objects.for_user(user).filter(quiz=quiz).count()
        if used >= quiz.attempts_allowed:
            allowed = quiz.attempts_allowed
            raise NoAttemptsLeft(
                f"You have used the {allowed} attempt{pluralize(allowed)} allowed at “{quiz.title}”."
            )


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def _candidates(quiz: Quiz):
    """The active questions a new attempt draws from, in the order kept when questions are not shuffled."""
    questions = Question.objects.filter(
        bank=quiz.bank, status=Question.Status.ACTIVE, current_version__isnull=False
    )
    if quiz.is_fixed:
        questions = questions.filter(fixed_quizzes=quiz)
    else:
        topic_ids = list(quiz.topics.values_list("id", flat=True))
        if topic_ids:
            questions = questions.filter(topic_id__in=topic_ids)
    return questions.order_by("topic__position", "topic_id", "id")


def close_if_expired(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Finish and score an exam left open past its deadline. True if the attempt is now finished."""
    now = now or timezone.now()
    if attempt.is_finished:
        return True
    if attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE:
        finish_attempt(attempt, now=attempt.deadline)
        return True
    return False


def record_answer(attempt: Attempt, number: int, data: QueryDict, *, now: datetime | None = None) -> Slot:
    """Save the learner's answer to slot `number`, read from the posted form `data` by the item's type;
    return the slot with its version and stored response.

    Practice: the first answer stands (its feedback has been seen); a repeat returns it unchanged.
    Exam: the answer may be changed until the attempt is finished; the response is replaced in place.
    Raises InvalidAnswer/FixableAnswer for a bad answer, AnswerInProgress when the form only rearranged
    the answer (nothing is saved), AttemptClosed or DeadlinePassed when too late.
    """
    try:
        return _record_answer(attempt, number, data, now or timezone.now())
    except IntegrityError:
        # Only where row locks are no-ops (SQLite): a concurrent first answer to this slot won. Read it.
        return _record_answer(attempt, number, data, now or timezone.now())


def _record_answer(attempt: Attempt, number: int, data: QueryDict, now: datetime) -> Slot:
    with transaction.atomic():
        # One query reads the slot, its version and response, and locks the attempt row, so answers
        # and finishing never interleave.
        slot = (
            Slot.objects.select_related("attempt", "version", "response")
            .select_for_update(of=("attempt",))
            .filter(attempt_id=attempt.pk, number=number)
            .first()
        )
        if slot is None:
            raise InvalidAnswer("That question is not part of this attempt.")
        version, locked = slot.version, slot.attempt
        answer = version.item.parse_answer(version.spec, data)
        if locked.is_finished:
            raise AttemptClosed("This attempt is already finished.")
        # Closing must commit, so the refusal is raised only after the transaction.
        expired = close_if_expired(locked, now=now)
        if not expired:
            _save_response(locked, slot, answer, version.item.grade(version.spec, answer), now)
            return slot
    raise DeadlinePassed("Time is up: the exam closed before this answer arrived, so it was not recorded.")


def _save_response(attempt: Attempt, slot: Slot, answer: Any, grade: Grade, now: datetime) -> None:
    existing = getattr(slot, "response", None)
    if existing is None:
        slot.response = Response.objects.create(
            slot=slot, answer=answer, points=grade.points, max_points=grade.max_points, answered_at=now
        )
    elif attempt.is_exam and existing.answer != answer:
        existing.answer, existing.points, existing.changed_at = answer, grade.points, now
        existing.save(update_fields=["answer", "points", "changed_at"])


def finish_attempt(attempt: Attempt, *, now: datetime | None = None) -> Attempt:
    """Close the attempt and store its score. Finishing twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_finished:
            earned = Response.objects.filter(slot__attempt=locked).aggregate(total=Sum("points"))["total"]
            locked.points = earned or 0.0
            locked.finished_at = min(now, locked.deadline) if locked.deadline else now
            locked.save(update_fields=["points", "finished_at"])
            # The answers are final now: mistakes enter the review queue, the rest reschedule it.
            responses = Response.objects.filter(slot__attempt=locked).select_related("slot__version")
            review_queue.note_answers(
                locked.user_id,
                [(r.slot.version, r.answer, Grade(r.points, r.max_points)) for r in responses],
                now=locked.finished_at,
            )
    attempt.points, attempt.finished_at = locked.points, locked.finished_at
    return attempt


def next_slot_number(attempt: Attempt, answered: set[int]) -> int | None:
    """The first unanswered slot, or None when every slot has a response."""
    return next((n for n in range(1, attempt.slot_count + 1) if n not in answered), None)


@dataclass(frozen=True)
class ItemResult:
    """One slot of a finished attempt, ready for the review."""

    slot: Slot
    topic: str
    review: ItemReview
    answered: bool

    @property
    def grade(self) -> Grade:
        return self.review.grade


def public_item(attempt: Attempt, slot: Slot, answer: Any = None) -> PublicItem:
    """The slot's item as the learner sees it, laid out for `answer` (their answer so far) if any."""
    version = slot.version
    return version.item.public_view(version.stem, version.spec, attempt.option_rng(slot), answer)


def item_review(attempt: Attempt, slot: Slot, response: Response | None) -> ItemReview:
    version = slot.version
    answer = response.answer if response else None
    return version.item.review(version.spec, answer, attempt.option_rng(slot))


def results(attempt: Attempt) -> tuple[list[ItemResult], list[grading.TopicScore]]:
    """Every item of the attempt with its review, and the per-topic breakdown, in one query."""
    slots = attempt.slots.select_related("version__question__topic", "response").order_by("number")
    items = []
    for slot in slots:
        response = getattr(slot, "response", None)
        items.append(
            ItemResult(
                slot=slot,
                topic=slot.version.question.topic.title,
                review=item_review(attempt, slot, response),
                answered=response is not None,
            )
        )
    topics = grading.by_topic((i.topic, i.grade.points, i.grade.max_points) for i in items)
    return items, topics
