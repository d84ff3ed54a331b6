"""Item-quality checks (authoring.checks) on what is stored: a bank's current versions, the facility the
item analysis measures, and the warnings authors have dismissed with a reason.

A dismissal belongs to one version and one check: a new version is checked afresh. Bank-level findings
(select-all key counts, key positions) are about no one version and cannot be dismissed: they go when
the bank changes.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from ..formats.bankfile import QuestionData
from ..formats.database import version_data
from ..models import Attempt, Bank, Question, QuestionVersion, WarningDismissal
from ..teaching.analysis import Which, analyse, analysed_attempts, load_counts
from .checks import CHECKS, Finding, Measured, Severity, check_bank, check_item, duplicates_of

# Pages (the question list) run the bank-level checks, whose near-duplicate pass compares every pair of
# items, up to this many questions (about a second); checkbank always runs them.
WEB_BANK_CHECKS_UP_TO = 2_000
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Reviewed:
    """A finding, the version it is about (None: the bank as a whole) and its dismissal, if any."""

    finding: Finding
    version: QuestionVersion | None = None
    dismissal: WarningDismissal | None = None

    @property
    def is_open(self) -> bool:
        """Left to deal with: a warning nobody has dismissed."""
        return self.dismissal is None and self.finding.severity == Severity.WARNING


@dataclass
class BankQuality:
    reviewed: list[Reviewed] = field(default_factory=list)

    @property
    def open(self) -> list[Reviewed]:
        return [r for r in self.reviewed if r.is_open]

    @property
    def dismissed(self) -> list[Reviewed]:
        return [r for r in self.reviewed if r.dismissal is not None]


def current_items(
    bank: Bank, *, exclude: Question | None = None
) -> list[tuple[QuestionData, QuestionVersion]]:
    """The bank's active questions at their current versions. One query."""
    questions = (
        bank.questions.filter(current_version__isnull=False, status=Question.Status.ACTIVE)
        .select_related("topic", "current_version")
        .order_by("topic__position", "id")
    )
    if exclude is not None:
        questions = questions.exclude(pk=exclude.pk)
    return [(version_data(q, q.current_version), q.current_version) for q in questions]


def measured_facility(bank: Bank, keys: Mapping[int, str]) -> dict[str, Measured]:
    """The facility of the versions `keys` names (version id -> question key) over every finished attempt
    of the bank's quizzes, by question key. The item analysis's own queries, however many items."""
    quiz_ids = list(bank.quizzes.values_list("pk", flat=True))
    if not quiz_ids:
        return {}
    counts, _ = load_counts(analysed_attempts(quiz_ids, which=Which.ALL))
    return {
        keys[item.version_id]: Measured(item.facility, item.attempts)
        for item in analyse(counts, whole_test=False).items
        if item.version_id in keys and item.facility is not None
    }


def _dismissals(version_ids) -> dict[tuple[int, str], WarningDismissal]:
    rows = WarningDismissal.objects.filter(version_id__in=list(version_ids)).select_related("dismissed_by")
    return {(d.version_id, d.check_id): d for d in rows}


def review_bank(bank: Bank, *, bank_level: bool | None = None) -> BankQuality:
    """Every finding about the bank's current versions, with their dismissals. A fixed number of queries.

    `bank_level` None: the bank-level checks only up to WEB_BANK_CHECKS_UP_TO questions (pages); True:
    always (checkbank)."""
    items = current_items(bank)
    if bank_level is None:
        bank_level = len(items) <= WEB_BANK_CHECKS_UP_TO
    versions = {data.key: version for data, version in items}
    measured = measured_facility(bank, {version.pk: key for key, version in versions.items()})
    findings = check_bank([data for data, _ in items], measured, bank_level=bank_level)
    dismissals = _dismissals(v.pk for v in versions.values())
    reviewed = []
    for finding in findings:
        version = versions.get(finding.key)
        dismissal = dismissals.get((version.pk, finding.check)) if version else None
        reviewed.append(Reviewed(finding, version, dismissal))
    return BankQuality(reviewed)


def review_draft(bank: Bank, data: QuestionData, *, question: Question | None = None) -> list[Reviewed]:
    """What the checks say about a draft as the author types: its own findings and the bank's items it
    nearly repeats. The dismissals of the version it was opened from still stand while the finding does."""
    others = [other for other, _ in current_items(bank, exclude=question)]
    findings = check_item(data) + duplicates_of(data, others)
    version = question.current_version if question is not None else None
    dismissals = _dismissals([version.pk]) if version is not None else {}
    return [
        Reviewed(f, version, dismissals.get((version.pk, f.check)) if version else None) for f in findings
    ]


def _stamp(bank: Bank) -> str:
    """What a bank's findings depend on (its current versions and active questions, its dismissals, its
    finished attempts), so a cached result is used only while none of it has changed. Three queries."""
    questions = Question.objects.filter(bank=bank).aggregate(
        newest=Max("current_version"),
        count=Count("pk"),
        active=Count("pk", filter=Q(status=Question.Status.ACTIVE)),
    )
    dismissals = WarningDismissal.objects.filter(version__question__bank=bank).aggregate(
        count=Count("pk"), last=Max("dismissed_at")
    )
    attempts = Attempt.objects.filter(quiz__bank=bank, finished_at__isnull=False).aggregate(
        count=Count("pk"), last=Max("finished_at")
    )
    return repr((bank.pk, sorted(questions.items()), sorted(dismissals.items()), sorted(attempts.items())))


def open_counts(bank: Bank) -> dict[int, int]:
    """Question id -> how many warnings are left on its current version, for the question list.

    Cached until the bank's questions, dismissals or finished attempts change: checking thousands of
    items on every page of the list would cost seconds."""
    key = "item-quality:" + hashlib.sha256(_stamp(bank).encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        counts = {}
        for r in review_bank(bank).open:
            if r.version is not None:
                counts[r.version.question_id] = counts.get(r.version.question_id, 0) + 1
        cache.set(key, counts, CACHE_SECONDS)
    return counts


class UnknownCheck(ValueError):
    """The dismissal names no check, or one the version does not trip."""


@transaction.atomic
def dismiss(version: QuestionVersion, check_id: str, reason: str, *, user) -> WarningDismissal:
    """Record that `check_id`'s warning does not apply to `version`, and why; a second dismissal of the
    same warning replaces the first's reason."""
    if check_id not in CHECKS:
        raise UnknownCheck(f"There is no check called {check_id!r}.")
    if not reason.strip():
        raise ValueError("Say why the warning does not apply.")
    dismissal, _ = WarningDismissal.objects.update_or_create(
        version=version,
        check_id=check_id,
        defaults={"reason": reason.strip(), "dismissed_by": user, "dismissed_at": timezone.now()},
    )
    return dismissal
