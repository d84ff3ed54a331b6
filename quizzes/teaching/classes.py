"""Classes: join codes, joining, removing a learner, assigning quizzes, and where each assignment stands.

Plain functions without a request. Who may reach a class is decided in quizzes.accounts.permissions; this
module only keeps the rules: a join code is short, unambiguous and unique, a learner is in a class once, a
quiz is assigned to a class once.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Q

from ..models import Assignment, Attempt, Classroom, Membership, Quiz
from . import overrides

# No 0/O and no 1/I: a code read aloud or copied from a whiteboard cannot be misread.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6  # 32**6, about a billion codes: guessing one is hopeless, typing one is easy
CODE_ATTEMPTS = 10  # a clash is about one in a billion a try; ten clashes in a row mean something is wrong


class JoinError(Exception):
    """The code matches no class, or the user may not join that class."""


class AlreadyAssigned(Exception):
    """The quiz is already assigned to the class."""


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """A code as typed ("abc-234 ", "ABC 234") in its stored form; None when it cannot be a join code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
        return None
    return code


def _with_fresh_code(save) -> str:
    """Call save(code) with new codes until one is not taken; each try is its own savepoint."""
    for _ in range(CODE_ATTEMPTS):
        code = new_join_code()
        try:
            with transaction.atomic():
                save(code)
        except IntegrityError:
            continue
        return code
    raise RuntimeError("Could not find a free join code.")


def create_classroom(owner, name: str) -> Classroom:
    classroom = Classroom(owner=owner, name=name)

    def save(code: str) -> None:
        classroom.join_code = code
        classroom.pk = None
        classroom.save()

    _with_fresh_code(save)
    return classroom


def regenerate_code(classroom: Classroom) -> str:
    """A new join code; the old one stops working at once. Members stay in the class."""

    def save(code: str) -> None:
        Classroom.objects.filter(pk=classroom.pk).update(join_code=code)

    classroom.join_code = _with_fresh_code(save)
    return classroom.join_code


# Wrong codes a user may try in an hour: plenty for typos, far too few to find a class by guessing.
JOIN_GUESSES_PER_HOUR = 20


def _guesses_key(user) -> str:
    return f"class-join-wrong-codes:{user.pk}"


def join_blocked(user) -> bool:
    """Whether the user has tried too many wrong codes this hour (kept in the shared cache)."""
    return cache.get(_guesses_key(user), 0) >= JOIN_GUESSES_PER_HOUR


def note_wrong_code(user) -> None:
    key = _guesses_key(user)
    cache.add(key, 0, timeout=3600)  # the hour runs from the first wrong code
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=3600)


def find_classroom(code: str) -> Classroom | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return Classroom.objects.select_related("owner").filter(join_code=normalised).first()


def join(user, classroom: Classroom) -> bool:
    """Add the user to the class. False when they were already in it. Its educator cannot join it."""
    if classroom.owner_id == user.pk:
        raise JoinError("You teach this class, so you cannot join it as a learner.")
    _, created = Membership.objects.get_or_create(classroom=classroom, user=user)
    return created


def remove_member(classroom: Classroom, user_id: int) -> bool:
    """Take a learner out of the class. Their attempts stay; the class's educator no longer sees them."""
    deleted, _ = Membership.objects.filter(classroom=classroom, user_id=user_id).delete()
    return bool(deleted)


def assign(classroom: Classroom, quiz: Quiz, due_at: datetime | None) -> Assignment:
    try:
        with transaction.atomic():
            return Assignment.objects.create(classroom=classroom, quiz=quiz, due_at=due_at)
    except IntegrityError:
        raise AlreadyAssigned(f"“{quiz.title}” is already assigned to {classroom.name}.") from None


# -- where a learner's assignment stands ------------------------------------------------------------------


class Status(StrEnum):
    DONE = "done"
    DONE_LATE = "done-late"
    IN_PROGRESS = "in-progress"
    OVERDUE = "overdue"
    TO_DO = "to-do"


STATUS_LABELS = {
    Status.DONE: "Done",
    Status.DONE_LATE: "Done late",
    Status.IN_PROGRESS: "In progress",
    Status.OVERDUE: "Overdue",
    Status.TO_DO: "To do",
}


def assignment_status(
    due_at: datetime | None, first_finished_at: datetime | None, in_progress: bool, now: datetime
) -> Status:
    """Done (late if the first finished attempt came after the due date), else overdue, in progress, to do."""
    if first_finished_at is not None:
        return Status.DONE_LATE if due_at is not None and first_finished_at > due_at else Status.DONE
    if due_at is not None and now > due_at:
        return Status.OVERDUE
    return Status.IN_PROGRESS if in_progress else Status.TO_DO


@dataclass(frozen=True)
class LearnerAssignment:
    """One assignment as its learner sees it: only their own attempts count."""

    assignment: Assignment
    status: Status
    best_percent: float | None
    in_progress: bool  # an attempt is under way
    available: bool  # the quiz can be started or resumed now

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def done(self) -> bool:
        return self.status in (Status.DONE, Status.DONE_LATE)


@dataclass(frozen=True)
class LearnerClass:
    classroom: Classroom
    assignments: list[LearnerAssignment]


def learner_classes(user, now: datetime) -> list[LearnerClass]:
    """The classes the user joined, each with its assignments and where the user stands (a close time of
    their own, quizzes.teaching.overrides, keeps a quiz available to them). Four queries."""
    classrooms = list(
        Classroom.objects.filter(memberships__user=user).select_related("owner").order_by("name", "pk")
    )
    assignments = list(
        Assignment.objects.filter(classroom__in=classrooms)
        .select_related("quiz__bank")
        .order_by("classroom_id", "due_at", "assigned_at", "pk")
    )
    quiz_ids = {a.quiz_id for a in assignments}
    summaries = {
        row["quiz_id"]: row
        for row in Attempt.objects.for_user(user)
        .filter(quiz_id__in=quiz_ids)
        .values("quiz_id")
        .annotate(
            first_finished=Min("finished_at"),
            open_count=Count("pk", filter=Q(finished_at__isnull=True)),
            best=Max(F("points") / F("max_points"), filter=Q(finished_at__isnull=False, max_points__gt=0)),
        )
    }
    own_close = overrides.own_close_times(user, assignments)
    by_class: dict[int, list[LearnerAssignment]] = {c.pk: [] for c in classrooms}
    for assignment in assignments:
        summary = summaries.get(assignment.quiz_id, {})
        quiz = assignment.quiz
        in_progress = bool(summary.get("open_count"))
        status = assignment_status(assignment.due_at, summary.get("first_finished"), in_progress, now)
        closes = own_close.get(quiz.pk, quiz.closes_at)
        is_open = (quiz.opens_at is None or quiz.opens_at <= now) and (closes is None or now < closes)
        available = in_progress or (
            quiz.is_published and not quiz.is_archived and quiz.bank.is_published and is_open
        )
        by_class[assignment.classroom_id].append(
            LearnerAssignment(assignment, status, _percent(summary.get("best")), in_progress, available)
        )
    return [LearnerClass(c, by_class[c.pk]) for c in classrooms]


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else 100 * fraction
