"""A class's gradebook: its learners against its assigned quizzes, the best or last finished score in each.

Five queries whatever the size of the class: members, assignments, the picked attempt of each learner at
each quiz (a window function chooses it in the database), the attempts still under way, and the learners'
accommodations (marked in their cells).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from statistics import fmean
from uuid import UUID

from django.db.models import Count, F, Min, Window
from django.db.models.functions import RowNumber

from ..models import Assignment, Attempt, Classroom, Membership
from ..text import csv_safe
from . import overrides


class Pick(StrEnum):
    BEST = "best"
    LAST = "last"


PICK_LABELS = {Pick.BEST: "Best score", Pick.LAST: "Last score"}

# How each pick orders a learner's finished attempts at a quiz: the first one is shown.
PICK_ORDER = {
    Pick.BEST: [(F("points") / F("max_points")).desc(), F("finished_at").asc(), F("pk").asc()],
    Pick.LAST: [F("finished_at").desc(), F("pk").desc()],
}


class CellStatus(StrEnum):
    PASSED = "passed"
    NOT_PASSED = "not-passed"
    DONE = "done"
    IN_PROGRESS = "in-progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not-started"


CELL_LABELS = {
    CellStatus.PASSED: "Passed",
    CellStatus.NOT_PASSED: "Not passed",
    CellStatus.DONE: "Done",
    CellStatus.IN_PROGRESS: "In progress",
    CellStatus.OVERDUE: "Overdue",
    CellStatus.NOT_STARTED: "Not started",
}


@dataclass(frozen=True)
class Cell:
    assignment: Assignment
    status: CellStatus
    percent: float | None = None
    code: UUID | None = None  # the attempt the score comes from, for its review
    attempts: int = 0  # finished attempts
    late: bool = False  # the first finished attempt came after the due date
    accommodation: str = ""  # the learner's accommodations on this assignment, in words

    @property
    def label(self) -> str:
        return CELL_LABELS[self.status] + (" (late)" if self.late else "")


@dataclass(frozen=True)
class Row:
    learner: object  # a user
    cells: list[Cell]

    @property
    def average(self) -> float | None:
        """Mean score over the quizzes the learner has finished; None before the first."""
        scores = [c.percent for c in self.cells if c.percent is not None]
        return fmean(scores) if scores else None

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c.percent is not None)


@dataclass(frozen=True)
class Gradebook:
    assignments: list[Assignment]
    rows: list[Row]

    @property
    def quiz_averages(self) -> list[float | None]:
        """Mean score of each quiz over the learners who finished it."""
        averages = []
        for index in range(len(self.assignments)):
            scores = [r.cells[index].percent for r in self.rows if r.cells[index].percent is not None]
            averages.append(fmean(scores) if scores else None)
        return averages


def cell_status(
    percent: float | None, pass_mark: int | None, due_at: datetime | None, in_progress: bool, now: datetime
) -> CellStatus:
    if percent is not None:
        if pass_mark is None:
            return CellStatus.DONE
        return CellStatus.PASSED if percent >= pass_mark else CellStatus.NOT_PASSED
    if due_at is not None and now > due_at:
        return CellStatus.OVERDUE
    return CellStatus.IN_PROGRESS if in_progress else CellStatus.NOT_STARTED


def build(classroom: Classroom, *, pick: Pick, now: datetime) -> Gradebook:
    """The gradebook of the class. Five queries."""
    members = list(
        Membership.objects.filter(classroom=classroom).select_related("user").order_by("user__username")
    )
    assignments = list(classroom.assignments.select_related("quiz").order_by("assigned_at", "pk"))
    member_ids = Membership.objects.filter(classroom=classroom).values("user_id")
    quiz_ids = Assignment.objects.filter(classroom=classroom).values("quiz_id")
    partition = [F("user_id"), F("quiz_id")]
    picked = (
        Attempt.objects.finished()
        .filter(user_id__in=member_ids, quiz_id__in=quiz_ids, max_points__gt=0)
        .annotate(
            nth=Window(RowNumber(), partition_by=partition, order_by=PICK_ORDER[pick]),
            finished_count=Window(Count("pk"), partition_by=partition),
            first_finished=Window(Min("finished_at"), partition_by=partition),
        )
        .filter(nth=1)
        .values_list("user_id", "quiz_id", "code", "points", "max_points", "finished_count", "first_finished")
    )
    scores = {(u, q): (code, 100 * p / m, n, first) for u, q, code, p, m, n, first in picked}
    open_pairs = set(
        Attempt.objects.unfinished()
        .filter(user_id__in=member_ids, quiz_id__in=quiz_ids)
        .values_list("user_id", "quiz_id")
        .distinct()
    )
    accommodations = {
        key: _marked(applied)
        for key, applied in overrides.in_class(classroom, member_ids={m.user_id for m in members}).items()
    }
    rows = []
    for membership in members:
        cells = []
        for assignment in assignments:
            key = (membership.user_id, assignment.quiz_id)
            code, percent, count, first = scores.get(key, (None, None, 0, None))
            status = cell_status(
                percent, assignment.quiz.pass_mark_percent, assignment.due_at, key in open_pairs, now
            )
            late = first is not None and assignment.due_at is not None and first > assignment.due_at
            accommodation = accommodations.get((membership.user_id, assignment.pk), "")
            cells.append(Cell(assignment, status, percent, code, count, late, accommodation))
        rows.append(Row(membership.user, cells))
    return Gradebook(assignments, rows)


def _marked(applied: overrides.Applied) -> str:
    """A cell's accommodations in words, and whose they are: "50 % extra time (group Extra time 50 %)"."""
    said = ", ".join(applied.accommodation.phrases(closes="own close time"))
    sources = (["own"] if applied.own else []) + [f"group {name}" for name in applied.groups]
    if applied.groups:
        said += f" ({', '.join(sources)}{': the most generous of each' if applied.combined else ''})"
    return said


# -- sorting and export -----------------------------------------------------------------------------------

SORT_LEARNER, SORT_AVERAGE = "learner", "average"


def sort_keys(gradebook: Gradebook) -> list[str]:
    """Every column the gradebook sorts by: the learner, each quiz (`q<assignment id>`), the average."""
    return [SORT_LEARNER, *(f"q{a.pk}" for a in gradebook.assignments), SORT_AVERAGE]


def sort_rows(gradebook: Gradebook, key: str, *, descending: bool = False) -> list[Row]:
    """Rows in the order of one column. Learners without a score in it come last either way."""
    if key == SORT_LEARNER:
        return sorted(gradebook.rows, key=lambda r: r.learner.get_username().casefold(), reverse=descending)
    if key == SORT_AVERAGE:
        value = Row.average.fget
    else:
        index = [f"q{a.pk}" for a in gradebook.assignments].index(key)

        def value(row: Row) -> float | None:
            return row.cells[index].percent

    by_name = sorted(gradebook.rows, key=lambda r: r.learner.get_username().casefold())
    scored = [r for r in by_name if value(r) is not None]
    unscored = [r for r in by_name if value(r) is None]
    return sorted(scored, key=value, reverse=descending) + unscored


def csv_rows(gradebook: Gradebook, rows: list[Row]) -> Iterator[list[str]]:
    """The gradebook as spreadsheet rows: a score (percent) or the status, per learner and quiz; averages."""
    yield ["learner", *(csv_safe(a.quiz.title) for a in gradebook.assignments), "average"]
    for row in rows:
        yield [
            csv_safe(row.learner.get_username()),
            *(_figure(c.percent) if c.percent is not None else c.label.lower() for c in row.cells),
            _figure(row.average),
        ]
    yield ["quiz average", *(_figure(a) for a in gradebook.quiz_averages), ""]


def _figure(percent: float | None) -> str:
    return "" if percent is None else f"{percent:.1f}"
