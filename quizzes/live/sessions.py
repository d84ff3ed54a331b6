"""Live sessions in the database: starting one, the owner's moves, joining, answering, ending.

The rules are quizzes.live.machine's; this module loads a session's Stage, applies a move under the
session's row lock and stores the result, numbering each change (`seq`) so that the pages following the
session can tell whether they missed one. Who may reach a session is decided by the caller (the views go
through quizzes.accounts); these functions only check that a move comes from the session's owner.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from ..models import Attempt, Classroom, LiveParticipant, LiveSession, QuestionVersion, Quiz, Response, Slot
from ..taking import attempts
from ..teaching.classes import new_join_code, normalise_code
from . import machine
from .machine import IllegalMove, NotAnswerable, Phase, Stage

__all__ = ["IllegalMove", "NotAnswerable", "Phase", "Stage"]

CODE_ATTEMPTS = 10
MOVES = ("next", "reveal", "pause", "resume", "end")


class NotTheOwner(Exception):
    """Only the session's owner drives it."""


class CannotJoin(Exception):
    """The session has ended, or takes no guests, or the nickname is not acceptable (the message says)."""


def idle_time() -> timedelta:
    return timedelta(minutes=settings.LIVE_IDLE_MINUTES)


def stage_of(session: LiveSession) -> Stage:
    remaining = (
        timedelta(seconds=session.remaining_seconds) if session.remaining_seconds is not None else None
    )
    return Stage(
        Phase(session.phase),
        session.number,
        session.question_count,
        paused=session.paused,
        closes_at=session.closes_at,
        remaining=remaining,
    )


def _store(session: LiveSession, stage: Stage, now: datetime) -> None:
    session.phase, session.number, session.paused = stage.phase.value, stage.number, stage.paused
    session.closes_at = stage.closes_at
    session.remaining_seconds = stage.remaining.total_seconds() if stage.remaining is not None else None
    session.seq += 1
    session.last_activity_at = now
    fields = ["phase", "number", "paused", "closes_at", "remaining_seconds", "seq", "last_activity_at"]
    if stage.phase == Phase.ENDED and session.ended_at is None:
        session.ended_at = now
        fields.append("ended_at")
    session.save(update_fields=fields)


def start_session(
    owner,
    quiz: Quiz,
    *,
    classroom: Classroom | None = None,
    allow_guests: bool = False,
    allow_change: bool = False,
    show_leaderboard: bool = False,
    countdown_seconds: int | None = None,
    version_ids: list[int] | None = None,
    now: datetime | None = None,
    seed: int | None = None,
) -> LiveSession:
    """A new session of the quiz in the lobby, its questions fixed now: `version_ids` when the educator
    picked them, else drawn as an attempt at the quiz would draw them. CannotJoin when there are none."""
    now = now or timezone.now()
    seed = secrets.randbits(48) if seed is None else seed
    if version_ids is None:
        version_ids = attempts.draw(quiz, attempts.quiz_questions(quiz), seed)
    if not version_ids:
        raise CannotJoin(f"“{quiz.title}” has no questions yet.")
    for _ in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return LiveSession.objects.create(
                    join_code=new_join_code(),
                    owner=owner,
                    quiz=quiz,
                    classroom=classroom,
                    version_ids=list(version_ids),
                    seed=seed,
                    allow_guests=allow_guests,
                    allow_change=allow_change,
                    show_leaderboard=show_leaderboard,
                    countdown_seconds=countdown_seconds or None,
                    created_at=now,
                    last_activity_at=now,
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not find a free join code.")


def move(session: LiveSession, user, action: str, *, now: datetime | None = None) -> LiveSession:
    """Apply the owner's move (one of MOVES) and store it; ending also finishes every participant's
    attempt. NotTheOwner for anyone else, IllegalMove when the session cannot make that move now."""
    if action not in MOVES:
        raise IllegalMove("That is not something a live session can do.")
    if session.owner_id != user.pk:
        raise NotTheOwner("Only the educator who started this session can run it.")
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        now = now or timezone.now()
        stage = stage_of(locked)
        if action == "next":
            stage = machine.advance(stage, now, locked.countdown)
        elif action == "reveal":
            stage = machine.reveal(stage)
        elif action == "pause":
            stage = machine.pause(stage, now)
        elif action == "resume":
            stage = machine.resume(stage, now)
        else:
            stage = machine.end(stage)
        _store(locked, stage, now)
        if stage.phase == Phase.ENDED:
            _finish_attempts(locked, now)
    return locked


def end_if_idle(session: LiveSession, *, now: datetime | None = None) -> bool:
    """End a session left alone longer than LIVE_IDLE_MINUTES since its owner's last move. True if it
    ended now (the caller tells the pages following it)."""
    now = now or timezone.now()
    if not machine.is_idle(stage_of(session), session.last_activity_at, now, idle_time()):
        return False
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        stage = stage_of(locked)
        if not machine.is_idle(stage, locked.last_activity_at, now, idle_time()):
            return False
        _store(locked, machine.end(stage), now)
        _finish_attempts(locked, now)
    session.refresh_from_db()
    return True


def _finish_attempts(session: LiveSession, now: datetime) -> None:
    """Score every participant's attempt: their answers become history, mastery and review like any."""
    for attempt in Attempt.objects.filter(live_participant__session=session, finished_at__isnull=True):
        attempts.finish_attempt(attempt, now=now)


# -- learners ---------------------------------------------------------------------------------------------


def find_session(join_code: str) -> LiveSession | None:
    """The session a typed join code names, while it has not ended."""
    code = normalise_code(join_code)
    if code is None:
        return None
    return (
        LiveSession.objects.select_related("quiz").exclude(phase=Phase.ENDED).filter(join_code=code).first()
    )


def is_class_member(session: LiveSession, user) -> bool:
    return bool(session.classroom_id) and session.classroom.memberships.filter(user_id=user.pk).exists()


def join(session: LiveSession, user, *, nickname: str = "", now: datetime | None = None) -> LiveParticipant:
    """Seat a signed-in learner in the session (again, if already seated: one seat per user), with an
    attempt of their own holding the session's questions in its order."""
    existing = session.participants.select_related("attempt").filter(user=user).first()
    if existing is not None:
        return existing
    if session.is_ended:
        raise CannotJoin("This live session has ended.")
    try:
        with transaction.atomic():
            return _seat(session, user, nickname.strip(), False, now or timezone.now())
    except IntegrityError:  # the same learner joining twice at once: the first seat stands
        return session.participants.select_related("attempt").get(user=user)


def join_as_guest(session: LiveSession, nickname: str, *, now: datetime | None = None) -> LiveParticipant:
    """Seat a visitor without an account, when the session takes guests: an inactive account is made for
    them (it cannot log in), known only by their nickname, so their answers are stored like anyone's."""
    nickname = nickname.strip()
    if session.is_ended:
        raise CannotJoin("This live session has ended.")
    if not session.allow_guests:
        raise CannotJoin("This session is for signed-in learners only: log in to join it.")
    if not nickname:
        raise CannotJoin("Choose a nickname to join as a guest.")
    with transaction.atomic():
        guest = get_user_model().objects.create_user(f"guest-{secrets.token_hex(8)}", is_active=False)
        return _seat(session, guest, nickname, True, now or timezone.now())


def _seat(session: LiveSession, user, nickname: str, guest: bool, now: datetime) -> LiveParticipant:
    quiz = session.quiz
    points = dict(QuestionVersion.objects.filter(pk__in=session.version_ids).values_list("pk", "max_points"))
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        # A changeable answer is replaced and its history kept, as in an exam; otherwise the first stands.
        mode=Quiz.Mode.EXAM if session.allow_change else Quiz.Mode.PRACTICE,
        seed=session.seed,
        slot_count=session.question_count,
        started_at=now,
        max_points=sum(points[v] for v in session.version_ids),
        shuffle_options=quiz.shuffle_options,
    )
    Slot.objects.bulk_create(
        Slot(attempt=attempt, number=number, version_id=version_id)
        for number, version_id in enumerate(session.version_ids, start=1)
    )
    return LiveParticipant.objects.create(
        session=session, user=user, attempt=attempt, nickname=nickname, is_guest=guest, joined_at=now
    )


@dataclass(frozen=True)
class Answered:
    """An answer taken: the slot, with its version and stored response, and whether this was the learner's
    first answer to the question (one more to count; a retried POST or a changed answer is not)."""

    slot: Slot
    first: bool


def answer(
    session: LiveSession,
    participant: LiveParticipant,
    number: int,
    data: QueryDict,
    *,
    now: datetime | None = None,
    fresh: bool = False,
) -> Answered:
    """Record the participant's answer to question `number`, scored by its item type like any answer.

    NotAnswerable unless it is the open question (machine.check_answerable), judged from the session as
    stored: it is read again unless the caller read it in this request (`fresh`: the answer view's seat
    lookup reads it, so a class's answers cost no query more for it). Idempotent: the first answer
    stands, so a retried POST is not counted twice; with the session's allow_change, a different answer
    replaces it until the reveal (and the one replaced is kept, as an exam's is). Raises what
    taking.attempts.record_answer raises for the answer itself (InvalidAnswer, FixableAnswer).
    """
    now = now or timezone.now()
    if not fresh:
        session.refresh_from_db(fields=["phase", "number", "paused", "closes_at", "remaining_seconds"])
    machine.check_answerable(stage_of(session), number, now)
    try:
        slot = attempts.record_answer(participant.attempt, number, data, now=now)
    except attempts.AttemptClosed:
        raise NotAnswerable("This live session has ended.") from None
    # A response stored now is answered at `now`; one stored before (a retry, or the answer a change
    # replaced in place) keeps its earlier time.
    return Answered(slot, slot.response.answered_at == now)


def answered_count(session: LiveSession, number: int) -> int:
    """How many learners have answered question `number` (one aggregate query)."""
    return Response.objects.filter(
        slot__attempt__live_participant__session=session, slot__number=number
    ).count()


def own_response(participant: LiveParticipant, number: int) -> tuple[Slot, Response | None]:
    """The participant's slot `number` with its version, and their answer to it (None if none)."""
    slot = Slot.objects.select_related("version", "response").get(
        attempt=participant.attempt_id, number=number
    )
    return slot, getattr(slot, "response", None)


@dataclass(frozen=True)
class Seat:
    """What the learner's page needs: their slot and answer for the question on screen."""

    slot: Slot | None
    response: Response | None


def seat_for(session: LiveSession, participant: LiveParticipant) -> Seat:
    if session.number < 1:
        return Seat(None, None)
    slot, response = own_response(participant, session.number)
    return Seat(slot, response)
