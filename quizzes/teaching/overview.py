"""The educator's home: each class they teach with what is due this week, how each assignment stands
(completion, average, who has not started or is overdue), the items the analysis flags, and their
questions needing review (item-check warnings not dismissed, citations a source revision left stale).

A fixed number of queries whatever the number of classes, learners, quizzes and questions: classes,
assignments, memberships, one grouped count of attempts, the item analysis's six, and two for the
questions needing review.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from django.db.models import Count, F, Max, Min, Q

from ..authoring.checks import CHECKS
from ..models import Assignment, Attempt, Classroom, Membership, Question, WarningDismissal
from . import analysis
from .classes import Status, assignment_status

WEEK = timedelta(days=7)
# An item is flagged on the home page only once this many learners have answered it: one or two answers
# make any item look too easy or too hard.
FLAG_MIN_ANSWERS = 5


@dataclass(frozen=True)
class AssignmentStanding:
    assignment: Assignment
    learners: int
    done: int  # learners with a finished attempt
    average: float | None  # mean of their best scores, in percent
    not_started: list  # users
    overdue: list  # users
    due_this_week: bool  # due in the next seven days


@dataclass(frozen=True)
class ClassOverview:
    classroom: Classroom
    learners: int
    assignments: list[AssignmentStanding]

    @property
    def due_this_week(self) -> list[AssignmentStanding]:
        return [a for a in self.assignments if a.due_this_week]


@dataclass(frozen=True)
class NeedsReview:
    """One of the educator's questions that needs another look, and why."""

    question: Question  # with its bank and current version
    warnings: list[str]  # the titles of the item checks it trips, none dismissed
    stale: int  # how many of the passages it cites a newer source version edited or removed

    @property
    def why(self) -> list[str]:
        said = list(self.warnings)
        if self.stale:
            passages = f"{self.stale} cited passage{'s' if self.stale != 1 else ''}"
            said.append(f"{passages} changed in a newer source version")
        return said


@dataclass(frozen=True)
class ReviewList:
    shown: list[NeedsReview]
    total: int  # how many were found among those read; more may follow when `more` is set
    more: bool = False


@dataclass(frozen=True)
class Overview:
    classes: list[ClassOverview]
    flagged: list[analysis.ItemReport]
    to_review: ReviewList


# The home lists this many questions needing review (the first, by bank and key); the rest are counted, up
# to REVIEW_READ candidates: a bank imported with thousands of warnings must not make every visit to the
# home read thousands of rows ("at least N" beyond that).
REVIEW_SHOWN = 10
REVIEW_READ = 500


def questions_needing_review(user) -> ReviewList:
    """The user's own active questions whose current version trips an item check's warning that nobody
    dismissed (QuestionVersion.warnings, worked out when the version was saved), or that cite a passage
    a newer source version edited or removed (sources.NeedsReview, until an author confirms or edits).
    Two queries, whatever the number of questions: the candidates (at most REVIEW_READ of them), then
    their versions' dismissals."""
    stale = Count("review_flags__passage", distinct=True)
    candidates = list(
        Question.objects.filter(
            bank__owner=user, status=Question.Status.ACTIVE, current_version__isnull=False
        )
        .annotate(stale=stale)
        .filter(Q(stale__gt=0) | ~Q(current_version__warnings=[]))
        .select_related("bank", "current_version")
        .order_by("bank__title", "bank_id", "key", "pk")[: REVIEW_READ + 1]
    )
    more = len(candidates) > REVIEW_READ
    candidates = candidates[:REVIEW_READ]
    dismissed = set(
        WarningDismissal.objects.filter(
            version_id__in=[q.current_version_id for q in candidates]
        ).values_list("version_id", "check_id")
    )
    found = []
    for question in candidates:
        version = question.current_version
        warnings = [
            CHECKS[c].title for c in version.warnings if c in CHECKS and (version.pk, c) not in dismissed
        ]
        if warnings or question.stale:
            found.append(NeedsReview(question, warnings, question.stale))
    return ReviewList(found[:REVIEW_SHOWN], len(found), more)


def educator_overview(classrooms, now: datetime, educator=None) -> Overview:
    """The overview of `classrooms` (the educator's, from quizzes.accounts.permissions.classes_for), and
    the questions of the `educator`'s banks needing review."""
    classrooms = list(classrooms.order_by("name", "pk"))
    assignments = list(
        Assignment.objects.filter(classroom__in=classrooms)
        .select_related("quiz")
        .order_by("classroom_id", F("due_at").asc(nulls_last=True), "assigned_at", "pk")
    )
    members: dict[int, list] = {c.pk: [] for c in classrooms}
    for membership in (
        Membership.objects.filter(classroom__in=classrooms).select_related("user").order_by("user__username")
    ):
        members[membership.classroom_id].append(membership.user)
    quiz_ids = {a.quiz_id for a in assignments}
    learner_ids = {u.pk for users in members.values() for u in users}
    summaries = {
        (row["user_id"], row["quiz_id"]): row
        for row in Attempt.objects.filter(user_id__in=learner_ids, quiz_id__in=quiz_ids)
        .values("user_id", "quiz_id")
        .annotate(
            first_finished=Min("finished_at"),
            open_count=Count("pk", filter=Q(finished_at__isnull=True)),
            best=Max(F("points") / F("max_points"), filter=Q(finished_at__isnull=False, max_points__gt=0)),
        )
    }
    by_class: dict[int, list[AssignmentStanding]] = {c.pk: [] for c in classrooms}
    for assignment in assignments:
        learners = members[assignment.classroom_id]
        scores, not_started, overdue = [], [], []
        for user in learners:
            summary = summaries.get((user.pk, assignment.quiz_id), {})
            if summary.get("best") is not None:
                scores.append(100 * summary["best"])
            status = assignment_status(
                assignment.due_at, summary.get("first_finished"), bool(summary.get("open_count")), now
            )
            if status == Status.OVERDUE:
                overdue.append(user)
            elif status == Status.TO_DO:
                not_started.append(user)
        done = sum(1 for u in learners if summaries.get((u.pk, assignment.quiz_id), {}).get("first_finished"))
        due = assignment.due_at
        by_class[assignment.classroom_id].append(
            AssignmentStanding(
                assignment,
                len(learners),
                done,
                fmean(scores) if scores else None,
                not_started,
                overdue,
                due is not None and now <= due < now + WEEK,
            )
        )
    overviews = [ClassOverview(c, len(members[c.pk]), by_class[c.pk]) for c in classrooms]
    to_review = questions_needing_review(educator) if educator is not None else ReviewList([], 0)
    return Overview(overviews, flagged_items(quiz_ids), to_review)


def flagged_items(quiz_ids) -> list[analysis.ItemReport]:
    """Items of these quizzes that the analysis flags (too easy, too hard, discriminating negatively),
    over learners' first attempts, once enough learners answered them. Six queries."""
    if not quiz_ids:
        return []
    _, reports = analysis.run(sorted(quiz_ids), whole_test=False)
    return [r for r in reports if r.stats.flags and r.stats.attempts >= FLAG_MIN_ANSWERS]
