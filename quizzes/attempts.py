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
from .items.base import one_value
from .models import Attempt, Confidence, Question, Quiz, Response, ResponseChange, Slot

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


class OutOfSequence(Exception):
    """A sequential attempt was asked for an item other than the one it has reached."""


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
            sequential=quiz.sequential,
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


def check_sequence(attempt: Attempt, number: int, answered: int) -> None:
    """Refuse (OutOfSequence) an item a sequential attempt has not reached or has left behind.

    A sequential attempt is answered in order, so its `answered` responses fill its first slots: only
    the next item may be opened, and in practice also the one just answered, to read its feedback.
    """
    if not attempt.sequential:
        return
    current = answered + 1
    if number == current or (number == answered and not attempt.is_exam):
        return
    if number < current:
        raise OutOfSequence(
            f"This quiz is taken in order: question {number} is behind you and cannot be opened again."
        )
    raise OutOfSequence(f"This quiz is taken in order: answer question {current} before question {number}.")


def check_reachable(attempt: Attempt, number: int) -> None:
    """check_sequence against the attempt's stored answers (counted only for a sequential attempt)."""
    if attempt.sequential:
        check_sequence(attempt, number, answered_count(attempt))


def parse_confidence(data: QueryDict) -> str:
    """The optional "how sure are you" sent with an answer: one of Confidence's values, or ""."""
    value = one_value(data, "confidence")
    if value and value not in Confidence.values:
        raise InvalidAnswer("That is not one of the confidence choices.")
    return value


def record_answer(
    attempt: Attempt, number: int, data: QueryDict, *, now: datetime | None = None, seconds: int = 0
) -> Slot:
    """Save the learner's answer to slot `number`, read from the posted form `data` by the item's type
    (with the optional confidence); return the slot with its version and stored response. `seconds` is
    the time spent on the item since it was shown, added to the response's when an answer is saved.

    Practice: the first answer stands (its feedback has been seen); a repeat returns it unchanged.
    Exam: the answer may be changed until the attempt is finished; the response is replaced in place
    and the answer it replaces is kept as a ResponseChange. A sequential attempt takes answers in order
    only and never a change (OutOfSequence).
    Raises InvalidAnswer/FixableAnswer for a bad answer, AnswerInProgress when the form only rearranged
    the answer (nothing is saved), AttemptClosed or DeadlinePassed when too late.
    """
    try:
        return _record_answer(attempt, number, data, now, seconds)
    except IntegrityError:
        # Only where row locks are no-ops (SQLite): a concurrent first answer to this slot won. Read it.
        return _record_answer(attempt, number, data, now, seconds)


def _record_answer(
    attempt: Attempt, number: int, data: QueryDict, now: datetime | None, seconds: int
) -> Slot:
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
        # The time once the lock is held, so that an answer's history runs in the order it was saved.
        now = now or timezone.now()
        version, locked = slot.version, slot.attempt
        answer = version.item.parse_answer(version.spec, data)
        confidence = parse_confidence(data)
        if locked.is_finished:
            raise AttemptClosed("This attempt is already finished.")
        existing = getattr(slot, "response", None)
        if existing is not None and locked.is_exam:
            # An exam answer may have changed while this request waited for the lock, and PostgreSQL
            # does not read the joined response again after the wait: read it now, before replacing it.
            existing.refresh_from_db()
        repeat = existing is not None and (existing.answer, existing.confidence) == (answer, confidence)
        if not repeat:  # a retried POST may repeat the answer just given
            check_reachable(locked, number)
        # Closing must commit, so the refusal is raised only after the transaction.
        expired = close_if_expired(locked, now=now)
        if not expired:
            grade = version.item.grade(version.spec, answer)
            _save_response(locked, slot, answer, confidence, grade, now, seconds)
            return slot
    raise DeadlinePassed("Time is up: the exam closed before this answer arrived, so it was not recorded.")


def _save_response(
    attempt: Attempt, slot: Slot, answer: Any, confidence: str, grade: Grade, now: datetime, seconds: int
) -> None:
    existing = getattr(slot, "response", None)
    if existing is None:
        slot.response = Response.objects.create(
            slot=slot,
            answer=answer,
            points=grade.points,
            max_points=grade.max_points,
            confidence=confidence,
            seconds_spent=seconds,
            answered_at=now,
        )
    elif attempt.is_exam and (existing.answer, existing.confidence) != (answer, confidence):
        # Keep the answer being replaced, then replace it in place: still one response per slot.
        ResponseChange.objects.create(
            slot=slot,
            answer=existing.answer,
            points=existing.points,
            confidence=existing.confidence,
            answered_at=existing.changed_at or existing.answered_at,
            replaced_at=now,
        )
        existing.answer, existing.points, existing.confidence = answer, grade.points, confidence
        # The attempt row is locked, so adding here cannot lose another request's time.
        existing.changed_at, existing.seconds_spent = now, existing.seconds_spent + seconds
        existing.save(update_fields=["answer", "points", "confidence", "changed_at", "seconds_spent"])
    # Practice keeps its first answer (its feedback has been seen); a repeat changes nothing.


def set_flag(attempt: Attempt, number: int, flagged: bool) -> None:
    """Flag slot `number` for review, or clear its flag; AttemptClosed once the attempt is finished,
    OutOfSequence for an item a sequential attempt cannot open."""
    check_reachable(attempt, number)
    updated = Slot.objects.filter(
        attempt_id=attempt.pk, number=number, attempt__finished_at__isnull=True
    ).update(flagged=flagged)
    if not updated:
        raise AttemptClosed("This attempt is already finished.")


def strike_option(attempt: Attempt, number: int, option_id: str, struck: bool) -> None:
    """Rule an option of slot `number` out (struck) or back in. A struck option can still be chosen.

    InvalidAnswer for an option the item does not have; AttemptClosed once the attempt is finished;
    OutOfSequence for an item a sequential attempt cannot open.
    """
    check_reachable(attempt, number)
    with transaction.atomic():
        slot = (
            Slot.objects.select_related("attempt", "version")
            .select_for_update(of=("self",))
            .filter(attempt_id=attempt.pk, number=number)
            .first()
        )
        if slot is None:
            raise InvalidAnswer("That question is not part of this attempt.")
        if slot.attempt.is_finished:
            raise AttemptClosed("This attempt is already finished.")
        if option_id not in slot.version.item.strikeable(slot.version.spec):
            raise InvalidAnswer("That option is not part of this question.")
        others = [i for i in slot.struck if i != option_id]
        slot.struck = [*others, option_id] if struck else others
        slot.save(update_fields=["struck"])


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
            responses = list(Response.objects.filter(slot__attempt=locked).select_related("slot__version"))
            review_queue.note_answers(
                locked.user_id,
                [(r.slot.version, r.answer, Grade(r.points, r.max_points)) for r in responses],
                now=locked.finished_at,
                confidently_wrong={
                    r.slot.version.question_id
                    for r in responses
                    if r.confidence == Confidence.SURE and not Grade(r.points, r.max_points).is_correct
                },
            )
    attempt.points, attempt.finished_at = locked.points, locked.finished_at
    return attempt


@dataclass(frozen=True)
class SlotState:
    """Where one item of an attempt stands, for the navigator."""

    number: int
    answered: bool
    flagged: bool

    @classmethod
    def of(cls, slot: Slot) -> "SlotState":
        """The state of a slot loaded with its response."""
        return cls(slot.number, getattr(slot, "response", None) is not None, slot.flagged)


def answered_count(attempt: Attempt) -> int:
    return Response.objects.filter(slot__attempt=attempt).count()


def slot_states(attempt: Attempt) -> list[SlotState]:
    """Every slot of the attempt in order, answered or not and flagged or not: one query."""
    rows = attempt.slots.order_by("number").values_list("number", "response__id", "flagged")
    return [SlotState(number, response is not None, flagged) for number, response, flagged in rows]


def next_slot_number(states: list[SlotState]) -> int | None:
    """The first unanswered slot, or None when every slot has a response."""
    return next((s.number for s in states if not s.answered), None)


@dataclass(frozen=True)
class ItemResult:
    """One slot of a finished attempt, ready for the review, with what the learner marked on it."""

    slot: Slot
    topic: str
    review: ItemReview
    response: Response | None
    replaced: list[ResponseChange]  # the answers the learner changed, oldest first

    @property
    def grade(self) -> Grade:
        return self.review.grade

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def confidence(self) -> str:
        return self.response.confidence if self.response else ""

    @property
    def wrong_but_sure(self) -> bool:
        return self.confidence == Confidence.SURE and not self.grade.is_correct

    @property
    def history(self) -> list[tuple[datetime, float, str]]:
        """(when given, points, confidence in words) of each answer saved, the current one last."""
        if self.response is None:
            return []
        current = self.response
        given = [(c.answered_at, c.points, c.confidence) for c in self.replaced]
        given.append((current.changed_at or current.answered_at, current.points, current.confidence))
        return [(when, points, Confidence(sure).label if sure else "") for when, points, sure in given]

    @property
    def answer_changes(self) -> int:
        """How many times the answer itself was changed (not counting a change of confidence only)."""
        answers = [c.answer for c in self.replaced] + ([self.response.answer] if self.response else [])
        return sum(a != b for a, b in zip(answers, answers[1:], strict=False))


def public_item(attempt: Attempt, slot: Slot, answer: Any = None) -> PublicItem:
    """The slot's item as the learner sees it, laid out for `answer` (their answer so far) if any."""
    version = slot.version
    return version.item.public_view(version.stem, version.spec, attempt.option_rng(slot), answer)


def item_review(attempt: Attempt, slot: Slot, response: Response | None) -> ItemReview:
    version = slot.version
    answer = response.answer if response else None
    return version.item.review(version.spec, answer, attempt.option_rng(slot))


@dataclass(frozen=True)
class Results:
    items: list[ItemResult]  # wrong-but-sure first (the misconceptions), then the rest in order
    topics: list[grading.TopicScore]
    confidence: grading.ConfidenceSummary
    flagged: int
    changed: int  # items whose answer was changed at least once


def results(attempt: Attempt) -> Results:
    """Every item of the attempt with its review and the learner's marks, the per-topic breakdown and
    the confidence summary: two queries (the slots, then every saved answer)."""
    slots = (
        attempt.slots.select_related("version__question__topic", "response")
        .prefetch_related("changes")
        .order_by("number")
    )
    items = []
    for slot in slots:
        response = getattr(slot, "response", None)
        items.append(
            ItemResult(
                slot=slot,
                topic=slot.version.question.topic.title,
                review=item_review(attempt, slot, response),
                response=response,
                replaced=list(slot.changes.all()),
            )
        )
    return Results(
        items=sorted(items, key=lambda i: not i.wrong_but_sure),  # stable: the rest keep their order
        topics=grading.by_topic((i.topic, i.grade.points, i.grade.max_points) for i in items),
        confidence=grading.confidence_summary((i.confidence, i.grade.is_correct) for i in items),
        flagged=sum(i.slot.flagged for i in items),
        changed=sum(bool(i.answer_changes) for i in items),
    )
