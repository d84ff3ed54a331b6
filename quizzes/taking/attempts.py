"""Starting, answering and finishing attempts: the rules of taking a quiz, without any request.

Answers are written in a transaction that locks the attempt row, so answers and finishing never
interleave, and the Response's one-per-slot constraint backs that up.
"""

import random
import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from ..accounts.access import may_go_on_answering
from ..items import AnswerInProgress, FixableAnswer, Grade, InvalidAnswer, ItemReview, PublicItem
from ..items.base import one_value
from ..learning import review_queue
from ..models import Attempt, Confidence, Question, QuestionVersion, Quiz, Response, ResponseChange, Slot
from ..sources import facts
from ..teaching.overrides import NONE, Accommodation, accommodation_for
from . import grading, locked_read, selection, timing
from .answers import read_answer

# An answer that arrived just before the deadline may still be waiting for the attempt's lock just after
# it: nobody else closes the attempt until these seconds have passed too (see record_answer).
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
    """The attempt's time ran out before this answer arrived; the attempt has been closed and scored."""


class OutOfSequence(Exception):
    """A sequential attempt was asked for an item other than the one it has reached."""


def start_attempt(user, quiz: Quiz, *, now: datetime | None = None, seed: int | None = None) -> Attempt:
    """Resume the learner's unfinished attempt at this quiz, or start a new one with fixed questions.

    A new attempt needs the quiz open and an attempt left (QuizClosed, NoAttemptsLeft); one under way
    can always be resumed until its deadline. The quiz's option order and pass mark are copied onto the
    attempt, and its deadline is fixed (see deadline_for), with the learner's accommodations.
    """
    now = now or timezone.now()
    accommodation = accommodation_for(user, quiz)
    with transaction.atomic():
        # One start at a time per learner, so two tabs cannot both start (or both use the last attempt).
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
        existing = Attempt.objects.for_user(user).unfinished().filter(quiz=quiz).first()
        if existing is not None and not close_if_expired(existing, now=now):
            return existing
        _check_can_start(user, quiz, now, accommodation)
        seed = secrets.randbits(48) if seed is None else seed
        version_ids, max_points = _draw(quiz, seed)
        attempt = Attempt.objects.create(
            user=user,
            quiz=quiz,
            mode=quiz.mode,
            seed=seed,
            slot_count=len(version_ids),
            started_at=now,
            deadline=deadline_for(quiz, now, accommodation),
            time_limit=accommodation.time_limit(quiz.time_limit) if quiz.mode == Quiz.Mode.EXAM else None,
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


def _draw(quiz: Quiz, seed: int) -> tuple[list[int], dict[int, float]]:
    """The version ids a new attempt with this seed gets, in order, and each version's points."""
    rows = quiz_questions(quiz)
    if not rows:
        raise QuizUnavailable(f"“{quiz.title}” has no questions yet.")
    return draw(quiz, rows, seed), {row.version_id: row.max_points for row in rows}


def draw(quiz: Quiz, rows: "list[Candidate]", seed: int) -> list[int]:
    """The version ids, in order, that the seed draws from the quiz's questions (see quiz_questions):
    a fixed list whole, a random draw one question per fact (see selection.choose)."""
    return selection.choose(
        [(row.question_id, row.version_id) for row in rows],
        len(rows) if quiz.is_fixed else quiz.question_count,
        random.Random(seed),
        shuffle=quiz.shuffle_questions,
        facts={row.question_id: row.fact for row in rows},
        topics={row.question_id: row.topic_id for row in rows},
        steps={row.question_id: row.step for row in rows},
    )


def preview_versions(quiz: Quiz, seed: int) -> list[QuestionVersion]:
    """The versions a new attempt with this seed would be given, in order, for the educator's preview:
    nothing is recorded. Raises QuizUnavailable when the quiz has no questions. Two queries."""
    version_ids, _ = _draw(quiz, seed)
    versions = QuestionVersion.objects.in_bulk(version_ids)
    return [versions[v] for v in version_ids]


def preview_rng(quiz: Quiz, seed: int, number: int) -> random.Random | None:
    """How a previewed item's options are ordered: as an attempt with this seed would order them."""
    return Slot(number=number).option_rng(seed) if quiz.shuffle_options else None


def _check_can_start(user, quiz: Quiz, now: datetime, accommodation: Accommodation = NONE) -> None:
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizClosed(f"“{quiz.title}” is not open yet: it opens on {_when(quiz.opens_at)}.")
    closes = accommodation.close(quiz)
    if closes and now >= closes:
        raise QuizClosed(f"“{quiz.title}” closed on {_when(closes)}.")
    if allowed := accommodation.attempts_allowed(quiz):
        used = Attempt.objects.for_user(user).self_paced().filter(quiz=quiz).count()
        if used >= allowed:
            raise NoAttemptsLeft(
                f"You have used the {allowed} attempt{pluralize(allowed)} allowed at “{quiz.title}”."
            )


@dataclass(frozen=True)
class StartRules:
    """What the exam's front door says before the clock starts (see start_rules)."""

    quiz: Quiz
    question_count: int
    time_limit: timedelta | None  # accommodations included
    attempts_allowed: int  # 0: unlimited; accommodations included
    attempts_used: int
    ends_at: datetime | None  # when an attempt started now would end
    ends_at_close: bool  # ...because the quiz closes then, before the time limit runs out
    accommodation: Accommodation
    problem: str  # why it cannot start now; empty when it can
    resume: Attempt | None  # the attempt under way, which the button resumes

    @property
    def attempts_left(self) -> int | None:
        return None if not self.attempts_allowed else max(0, self.attempts_allowed - self.attempts_used)


def start_rules(user, quiz: Quiz, *, now: datetime | None = None) -> StartRules:
    """The rules of `quiz` for `user` before they start: questions, time (with their accommodations),
    attempts left, when it would end, and why it cannot start if it cannot. Four queries."""
    now = now or timezone.now()
    accommodation = accommodation_for(user, quiz)
    mine = list(Attempt.objects.for_user(user).filter(quiz=quiz).only("pk", "code", "finished_at"))
    resume = next((a for a in mine if not a.is_finished), None)
    available = _candidates(quiz).count()
    count = available if quiz.is_fixed else min(quiz.question_count, available)
    problem = ""
    try:
        _check_can_start(user, quiz, now, accommodation)
    except QuizUnavailable as exc:
        problem = str(exc)
    if not available:
        problem = problem or f"“{quiz.title}” has no questions yet."
    ends = deadline_for(quiz, now, accommodation)
    limit = accommodation.time_limit(quiz.time_limit) if quiz.mode == Quiz.Mode.EXAM else None
    return StartRules(
        quiz=quiz,
        question_count=count,
        time_limit=limit,
        attempts_allowed=accommodation.attempts_allowed(quiz),
        attempts_used=len(mine),
        ends_at=ends,
        ends_at_close=ends is not None and (limit is None or ends < now + limit),
        accommodation=accommodation,
        problem=problem,
        resume=resume,
    )


def can_try_again(user, quiz: Quiz, now: datetime) -> bool:
    """Whether the learner may start another attempt now, for a "Try again" button: the quiz published,
    open (to them) and theirs to take, with an attempt left. No query for a quiz open to everyone with
    unlimited attempts; up to three otherwise."""
    if not (quiz.is_published and not quiz.is_archived and quiz.bank.is_published):
        return False
    if (
        quiz.audience != Quiz.Audience.EVERYONE
        and not Quiz.objects.visible_to(user).filter(pk=quiz.pk).exists()
    ):
        return False
    accommodation = accommodation_for(user, quiz) if quiz.attempts_allowed or quiz.closes_at else NONE
    try:
        _check_can_start(user, quiz, now, accommodation)
    except QuizUnavailable:
        return False
    return True


def missed_question_ids(results: "Results") -> list[int]:
    """The questions of a finished attempt answered wrong, partly right, or not at all."""
    return [r.slot.version.question_id for r in results.items if not r.grade.is_correct]


def deadline_for(quiz: Quiz, now: datetime, accommodation: Accommodation = NONE) -> datetime | None:
    """When an attempt starting `now` ends: an exam's time limit, or the quiz's close time if that comes
    first. A practice attempt has no time limit but also ends at the close, since a closed quiz takes no
    answers (nor shows feedback) in any mode.

    The deadline is fixed at the start, like the pass mark: moving the quiz's close time later changes
    the deadline of attempts started after the move, never of one under way (its learner was shown
    its deadline, and a result never changes after the fact). The learner's `accommodation` lengthens
    the time limit and may give them a close time of their own.
    """
    closes = accommodation.close(quiz)
    ends = [closes] if closes else []
    limit = accommodation.time_limit(quiz.time_limit)
    if quiz.mode == Quiz.Mode.EXAM and limit:
        ends.append(now + limit)
    return min(ends, default=None)


def deadline_is_the_close(attempt: Attempt) -> bool:
    """Whether the attempt ends when its quiz closes rather than when a time limit runs out, so the
    countdown can say so. Compared with the attempt's own time limit (accommodations included), or, for
    an attempt started before that was kept, the quiz's as it is now (attempt.quiz is loaded)."""
    if attempt.deadline is None:
        return False
    limit = attempt.time_limit or (attempt.quiz.time_limit if attempt.is_exam else None)
    return limit is None or attempt.deadline < attempt.started_at + limit


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


class Candidate(NamedTuple):
    """A question a new attempt may draw, at its current version, with the fact it tests, its topic and
    its clinical-judgment step ("" when untagged)."""

    question_id: int
    version_id: int
    max_points: float
    fact: Hashable
    topic_id: int
    step: str


def quiz_questions(quiz: Quiz) -> list[Candidate]:
    """Every question a new attempt at the quiz (or a live session of it) draws from, in the order kept
    when questions are not shuffled. Two queries at most: the quiz's topics, the questions."""
    rows = (
        _candidates(quiz)
        .annotate(**facts.first_cited())
        .values_list(
            "id",
            "current_version_id",
            "current_version__max_points",
            "fact_source",
            "fact_passage",
            "topic_id",
            "current_version__clinical_judgment",
        )
    )
    return [
        Candidate(q, v, points, facts.fact(q, source, passage), topic, step or "")
        for q, v, points, source, passage, topic, step in rows
    ]


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
    """Finish and score, as at its deadline, an attempt left open past its deadline and the grace
    seconds (answers sent in time may still be in flight until then). True if it is now finished."""
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


def _sequence_problem(attempt: Attempt, number: int) -> OutOfSequence | None:
    try:
        check_reachable(attempt, number)
    except OutOfSequence as exc:
        return exc
    return None


def parse_confidence(data: QueryDict) -> str:
    """The optional "how sure are you" sent with an answer: one of Confidence's values, or ""."""
    value = one_value(data, "confidence")
    if value and value not in Confidence.values:
        raise InvalidAnswer("That is not one of the confidence choices.")
    return value


def record_answer(
    attempt: Attempt,
    number: int,
    data: QueryDict,
    *,
    now: datetime | None = None,
    sent: datetime | None = None,
    seconds: int = 0,
) -> Slot:
    """Save the learner's answer to slot `number`, read from the posted form `data` by the item's type
    (with the optional confidence); return the slot with its version and stored response. `seconds` is
    the time spent on the item since it was shown, added to the response's when an answer is saved.

    Practice: the first answer stands (its feedback has been seen); a repeat returns it unchanged.
    Exam: the answer may be changed until the attempt is finished; the response is replaced in place
    and the answer it replaces is kept as a ResponseChange. A sequential attempt takes answers in order
    only and never a change (OutOfSequence), and is checked before the form is read, so that no error
    about the form can show an item out of order.

    Time: `sent` is when the answer was sent, as the server knows it: the answer view passes the time
    its request arrived, taken first thing, before any wait for the attempt's lock. An answer counts
    only if sent at or before the deadline; one sent later is refused (DeadlinePassed), and the attempt
    is finished as at its deadline once DEADLINE_GRACE has passed too. One sent in time but saved just
    after the deadline (it waited for the lock; nobody closes the attempt within the grace) counts, and
    is stored as given at
    the deadline: `now`, the time once the lock is held, capped at the deadline, is what answered_at,
    changed_at and ResponseChange keep, so they run in the order answers were saved and are never later
    than finished_at. `now` defaults to the clock, `sent` to `now`.
    Raises InvalidAnswer/FixableAnswer for a bad answer, AnswerInProgress when the form only rearranged
    the answer (nothing is saved), AttemptClosed or DeadlinePassed when too late.
    """
    try:
        return _record_answer(attempt, number, data, now, sent, seconds)
    except IntegrityError:
        # Only where row locks are no-ops (SQLite): a concurrent first answer to this slot won. Read it.
        return _record_answer(attempt, number, data, now, sent, seconds)


def _record_answer(
    attempt: Attempt, number: int, data: QueryDict, now: datetime | None, sent: datetime | None, seconds: int
) -> Slot:
    with transaction.atomic():
        # One query reads the slot, its version and response, and locks the attempt row, so answers
        # and finishing never interleave.
        slot = locked_read.read_slot(attempt.pk, number)
        if slot is None:
            raise InvalidAnswer("That question is not part of this attempt.")
        # The time once the lock is held, so that an answer's history runs in the order it was saved.
        now = now or timezone.now()
        if _answer_locked(slot.attempt, slot, data, now, sent or now, seconds):
            return slot
    raise DeadlinePassed(
        f"Time is up: {_what_closed(attempt)} before this answer arrived, so it was not recorded."
    )


def _answer_locked(
    locked: Attempt, slot: Slot, data: QueryDict, now: datetime, sent: datetime, seconds: int
) -> bool:
    """Record the answer to `slot` of the `locked` attempt (its row locked by the caller's transaction);
    False when it arrived after the deadline (nothing recorded; the attempt closed if the grace is over)."""
    if locked.is_finished:
        raise AttemptClosed("This attempt is already finished.")
    if locked.deadline is not None and sent > locked.deadline:
        # Refused, and the attempt closed only once the grace has passed too: an answer sent in time
        # may still be waiting for this lock. Closing must commit: the caller raises after the commit.
        close_if_expired(locked, now=now)
        return False
    existing = getattr(slot, "response", None)
    answer, confidence = _read_in_sequence(locked, slot.number, slot.version, data, existing)
    grade = slot.version.item.grade(slot.version.spec, answer)
    saved_at = min(now, locked.deadline) if locked.deadline else now
    _save_response(locked, slot, answer, confidence, grade, saved_at, seconds)
    return True


@dataclass(frozen=True)
class AnsweredStep:
    """What answer_in_one_read read and saved: the attempt (with its quiz), the slot answered (with its
    version and the response as now stored) and the slot after it (with its version and response), if any.
    `unsaved`: the form only rearranged the answer (AnswerInProgress) or needs a fix (FixableAnswer), and
    nothing was saved."""

    attempt: Attempt
    slot: Slot
    following: Slot | None
    unsaved: AnswerInProgress | FixableAnswer | None = None


def answer_in_one_read(
    user, code, number: int, data: QueryDict, *, sent: datetime, shown: str
) -> AnsweredStep | None:
    """record_answer for the answer view's usual case, in two queries: one read that locks the attempt row
    and brings the attempt, its quiz, slot `number` and the one after it, versions and responses included
    (locked_read), then the write. Only the user's own attempt with this code, at a quiz they may still
    take and not a live session's (accounts.access.may_go_on_answering: get_attempt_for's rules). `shown`
    is the form's signed stamp of when the item was shown.

    None, with nothing written, when this is not the usual case: no such attempt or slot for this user,
    one they may not answer here, or one finished or past its deadline and grace. The caller then takes
    the usual way (get_attempt_for, record_answer), which says why. Raises what record_answer raises.
    """
    try:
        return _answer_in_one_read(user, code, number, data, sent, shown)
    except IntegrityError:
        # Only where row locks are no-ops (SQLite): a concurrent first answer to this slot won. Read it.
        return _answer_in_one_read(user, code, number, data, sent, shown)


def _answer_in_one_read(
    user, code, number: int, data: QueryDict, sent: datetime, shown: str
) -> AnsweredStep | None:
    with transaction.atomic():
        read = locked_read.read_slot_pair(user.pk, code, number)
        if read is None or not may_go_on_answering(
            user, read.attempt, read.bank_owner_id, read.in_live_session
        ):
            return None
        locked, slot, following = read.attempt, read.slot, read.following
        now = timezone.now()
        if locked.is_finished or (locked.deadline is not None and now > locked.deadline + DEADLINE_GRACE):
            return None
        seconds = timing.seconds_since(shown, locked.pk, number, now)
        try:
            if _answer_locked(locked, slot, data, now, sent, seconds):
                return AnsweredStep(locked, slot, following)
        except (AnswerInProgress, FixableAnswer) as unsaved:  # raised before anything is written
            return AnsweredStep(locked, slot, following, unsaved)
    raise DeadlinePassed(
        f"Time is up: {_what_closed(locked)} before this answer arrived, so it was not recorded."
    )


def _read_in_sequence(
    attempt: Attempt, number: int, version: QuestionVersion, data: QueryDict, existing: Response | None
) -> tuple[Any, str]:
    """The posted answer and confidence; for an item a sequential attempt cannot open, OutOfSequence
    before anything is read, unless the item holds an answer that this one merely repeats (a retried
    POST), and never any other error, which would show the item again."""
    out_of_order = _sequence_problem(attempt, number)
    if out_of_order is not None and existing is None:
        raise out_of_order
    try:
        answer, confidence = read_answer(version, data), parse_confidence(data)
    except (InvalidAnswer, AnswerInProgress):
        if out_of_order is not None:
            raise out_of_order from None
        raise
    if out_of_order is not None and (existing.answer, existing.confidence) != (answer, confidence):
        raise out_of_order
    return answer, confidence


def _what_closed(attempt: Attempt) -> str:
    return "the quiz closed" if deadline_is_the_close(attempt) else "the exam closed"


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
    elif attempt.is_exam:
        # An exam answer may have changed while this request waited for the attempt's lock, and
        # PostgreSQL does not read the joined response again after the wait: `existing` may be stale.
        # The update only applies to the response as read (else it is read again and decided anew), and
        # a repeat is confirmed against a fresh read: the usual change costs no extra query.
        for _ in range(3):
            if (existing.answer, existing.confidence) == (answer, confidence):
                fresh = Response.objects.get(pk=existing.pk)
                if (fresh.answer, fresh.confidence) == (answer, confidence):
                    slot.response = fresh
                    return  # a repeat changes nothing
                existing = slot.response = fresh
            if _replace_response(slot, existing, answer, confidence, grade, now, seconds):
                return
            existing = slot.response = Response.objects.get(pk=existing.pk)
        raise AssertionError("The response kept changing under the attempt's lock.")
    # Practice keeps its first answer (its feedback has been seen); a repeat changes nothing.


def _replace_response(
    slot: Slot, existing: Response, answer: Any, confidence: str, grade: Grade, now: datetime, seconds: int
) -> bool:
    """Replace the response in place (still one per slot) if it still is `existing` as read, keeping the
    answer replaced as a ResponseChange; False, with nothing written, if it had changed."""
    as_read = {
        "answer": existing.answer,
        "confidence": existing.confidence,
        "changed_at": existing.changed_at,
        "seconds_spent": existing.seconds_spent,
    }
    # The attempt row is locked, so adding here cannot lose another request's time.
    replaced = Response.objects.filter(pk=existing.pk, **as_read).update(
        answer=answer,
        points=grade.points,
        confidence=confidence,
        changed_at=now,
        seconds_spent=existing.seconds_spent + seconds,
    )
    if not replaced:
        return False
    ResponseChange.objects.create(
        slot=slot,
        answer=existing.answer,
        points=existing.points,
        confidence=existing.confidence,
        answered_at=existing.changed_at or existing.answered_at,
        replaced_at=now,
    )
    existing.answer, existing.points, existing.confidence = answer, grade.points, confidence
    existing.changed_at, existing.seconds_spent = now, existing.seconds_spent + seconds
    return True


@dataclass(frozen=True)
class Mark:
    """What one of the exam room's mark buttons asks: flag the item (on or off), or strike an option out or
    restore it (`value`: "on"/"off", or the option's id)."""

    kind: str  # "flag", "strike" or "restore"
    value: str

    @classmethod
    def posted(cls, data: QueryDict) -> "Mark | None":
        """The mark the form was sent with, or None for an answer; InvalidAnswer for a flag that is neither
        on nor off."""
        for kind in ("flag", "strike", "restore"):
            if kind in data:
                value = one_value(data, kind)
                if kind == "flag" and value not in ("on", "off"):
                    raise InvalidAnswer("A flag is either on or off.")
                return cls(kind, value)
        return None


def mark_in_one_read(user, code, number: int, mark: Mark) -> tuple[Attempt, Slot] | None:
    """set_flag or strike_option for the answer view's usual case: the answer path's locked read, then the
    slot's update (a strike reads the struck options again under the lock first: 3 queries; a flag 2). Only
    the user's own attempt under way, not sequential, before its deadline, and an option the item has.
    Returns the attempt and the slot (with its version and response) as now stored; None, with
    nothing written, for anything else: the caller takes the usual way, which says why."""
    with transaction.atomic():
        read = locked_read.read_slot_pair(user.pk, code, number)
        if read is None or not may_go_on_answering(
            user, read.attempt, read.bank_owner_id, read.in_live_session
        ):
            return None
        attempt, slot = read.attempt, read.slot
        if attempt.is_finished or attempt.sequential:
            return None
        if attempt.deadline is not None and timezone.now() > attempt.deadline:
            return None
        if mark.kind == "flag":
            slot.flagged = mark.value == "on"
            slot.save(update_fields=["flagged"])
        else:
            if mark.value not in slot.version.item.strikeable(slot.version.spec):
                return None
            # PostgreSQL does not read the joined slot again after waiting for the attempt's lock: another
            # tab's strike may have committed meanwhile. Read the struck options again, under the lock.
            slot.refresh_from_db(fields=["struck"])
            others = [i for i in slot.struck if i != mark.value]
            slot.struck = [*others, mark.value] if mark.kind == "strike" else others
            slot.save(update_fields=["struck"])
    return attempt, slot


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
    """Close the attempt and store its score, as at its deadline at the latest. Finishing twice changes
    nothing. `now` defaults to the clock once the attempt is locked, so that no answer saved while this
    waited for the lock is later than the finish."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_finished:
            now = now or timezone.now()
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
