"""Item analysis with Moodle's quiz statistics definitions (docs.moodle.org/dev/Quiz_statistics_calculations).

For an item i answered in S attempts, x is the item's mark in each attempt and X the attempt's total, so
X - x is the rest-of-test score. Variances and covariances are sample ones (divided by S - 1), as in Moodle.

- facility index F = mean(x) / max mark
- standard deviation SD = sqrt(V(x)) / max mark (Moodle shows it as a share of the item's mark)
- discrimination index D = 100 * C(x, X - x) / sqrt(V(x) V(X - x)), the correlation with the rest of the test
- discriminative efficiency DE = 100 * C(x, X - x) / Cmax, where Cmax is the covariance of x and X - x
  each sorted ascending: the largest covariance those two sets of marks could have
- coefficient of internal consistency (Cronbach's alpha) CIC = 100 * p / (p - 1) * (1 - sum V(x_i) / V(X))
  over the quiz's p items
- error ratio ER = 100 * sqrt(1 - CIC / 100); standard error SE = ER / 100 * SD(X)

An item is one question version: versions are immutable, so an item's statistics never change after the
fact. An unanswered slot counts 0 marks, as in Moodle. The whole-quiz figures need every attempt to hold
the same items: they do when the quiz is a fixed list; when questions are drawn at random, each position
in the attempt is one item whatever question fills it, as Moodle does for random questions.

The numbers are computed in one pass over one query's rows (`load_rows`), never a query per item.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import Attempt, QuestionVersion, Slot

TOO_EASY, TOO_HARD = 0.9, 0.2  # facility index limits beyond which an item is flagged


# -- the statistics, on plain lists of marks ----------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance; None below two values."""
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def variance(values: Sequence[float]) -> float | None:
    return covariance(values, values)


def facility(marks: Sequence[float], max_mark: float) -> float | None:
    """Mean mark as a share of the item's maximum: 1.0 everyone got it right, 0.0 nobody did."""
    if not marks or not max_mark:
        return None
    return mean(marks) / max_mark


def standard_deviation(marks: Sequence[float], max_mark: float) -> float | None:
    """Sample standard deviation of the marks, as a share of the item's maximum."""
    v = variance(marks)
    if v is None or not max_mark:
        return None
    return math.sqrt(v) / max_mark


def discrimination_index(marks: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 x the correlation of the item's marks with the rest-of-test scores; None if either is flat."""
    c, vx, vr = covariance(marks, rest), variance(marks), variance(rest)
    if c is None or not vx or not vr:
        return None
    return 100 * c / math.sqrt(vx * vr)


def discriminative_efficiency(marks: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 x the covariance over the largest covariance the same marks could have (both sorted)."""
    c = covariance(marks, rest)
    c_max = covariance(sorted(marks), sorted(rest))
    if c is None or not c_max:
        return None
    return 100 * c / c_max


def internal_consistency(item_variances: Sequence[float], total_variance: float | None) -> float | None:
    """Cronbach's alpha, as a percentage (Moodle's CIC). Needs two items and a spread of totals."""
    p = len(item_variances)
    if p < 2 or not total_variance:
        return None
    return 100 * p / (p - 1) * (1 - math.fsum(item_variances) / total_variance)


def error_ratio(cic: float | None) -> float | None:
    """The share (in %) of the spread of scores that is measurement error rather than ability."""
    if cic is None:
        return None
    return 100 * math.sqrt(1 - cic / 100)


def standard_error(er: float | None, sd: float | None) -> float | None:
    """How far, in marks, a learner's score may be from their true score."""
    if er is None or sd is None:
        return None
    return er / 100 * sd


# -- one pass over an analysis's rows -----------------------------------------------------------------------

# One slot of one analysed attempt: (attempt id, slot number, version id, question id, version's max points,
# response points or None when unanswered, response answer or None). `load_rows` gives them.
Row = tuple[int, int, int, int, float, float | None, list | None]


class Flag(StrEnum):
    TOO_EASY = "too-easy"
    TOO_HARD = "too-hard"
    NEGATIVE = "negative"


FLAG_LABELS = {
    Flag.TOO_EASY: f"Too easy (facility above {TOO_EASY:.0%})",
    Flag.TOO_HARD: f"Too hard (facility below {TOO_HARD:.0%})",
    Flag.NEGATIVE: "Discriminates negatively",
}


@dataclass
class ItemStats:
    version_id: int
    question_id: int
    max_mark: float
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    chosen: Counter = field(default_factory=Counter)  # option id -> how many answers included it
    unanswered: int = 0

    @property
    def flags(self) -> list[Flag]:
        flags = []
        if self.facility is not None and self.facility > TOO_EASY:
            flags.append(Flag.TOO_EASY)
        if self.facility is not None and self.facility < TOO_HARD:
            flags.append(Flag.TOO_HARD)
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(Flag.NEGATIVE)
        return flags


@dataclass(frozen=True)
class TestStats:
    attempts: int  # attempts the whole-quiz figures are computed over
    items: int  # p: items per attempt
    mean: float | None  # mean total mark
    mean_percent: float | None
    median: float | None
    sd: float | None  # of the total marks
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


@dataclass(frozen=True)
class Analysis:
    attempts: int
    items: list[ItemStats]
    test: TestStats | None


def analyse(rows: Iterable[Row], *, whole_test: bool = True) -> Analysis:
    """Statistics of every item in the rows, and (with whole_test) of the quiz as a whole."""
    rows = list(rows)
    totals: dict[int, float] = defaultdict(float)
    maxima: dict[int, float] = defaultdict(float)
    for attempt_id, _, _, _, max_mark, points, _ in rows:
        totals[attempt_id] += points or 0.0
        maxima[attempt_id] += max_mark

    marks: dict[int, list[float]] = defaultdict(list)
    rest: dict[int, list[float]] = defaultdict(list)
    info: dict[int, tuple[int, float]] = {}
    chosen: dict[int, Counter] = defaultdict(Counter)
    unanswered: Counter = Counter()
    for attempt_id, _, version_id, question_id, max_mark, points, answer in rows:
        mark = points or 0.0
        marks[version_id].append(mark)
        rest[version_id].append(totals[attempt_id] - mark)
        info.setdefault(version_id, (question_id, max_mark))
        if answer is None:
            unanswered[version_id] += 1
        else:
            # Choice items answer with a list of option ids; other item types' answers are not counted here.
            if isinstance(answer, list):
                chosen[version_id].update({a for a in answer if isinstance(a, str)})

    items = [
        ItemStats(
            version_id=version_id,
            question_id=info[version_id][0],
            max_mark=info[version_id][1],
            attempts=len(item_marks),
            facility=facility(item_marks, info[version_id][1]),
            sd=standard_deviation(item_marks, info[version_id][1]),
            discrimination=discrimination_index(item_marks, rest[version_id]),
            efficiency=discriminative_efficiency(item_marks, rest[version_id]),
            chosen=chosen[version_id],
            unanswered=unanswered[version_id],
        )
        for version_id, item_marks in marks.items()
    ]
    test = _test_stats(rows, totals, maxima) if whole_test and rows else None
    return Analysis(attempts=len(totals), items=items, test=test)


def _test_stats(rows: list[Row], totals: dict[int, float], maxima: dict[int, float]) -> TestStats:
    """The whole quiz: its items are its questions when every attempt had the same, else its positions."""
    slots: dict[int, dict[int, float]] = defaultdict(dict)  # attempt -> slot number -> mark
    questions: dict[int, dict[int, float]] = defaultdict(dict)  # attempt -> question -> mark
    for attempt_id, number, _, question_id, _, points, _ in rows:
        slots[attempt_id][number] = points or 0.0
        questions[attempt_id][question_id] = points or 0.0
    if len({frozenset(q) for q in questions.values()}) == 1:
        by_attempt = questions
    else:
        # Attempts of different lengths (the quiz changed) cannot share one set of positions: take the
        # attempts of the most common length.
        lengths = Counter(len(s) for s in slots.values())
        length = max(lengths, key=lambda n: (lengths[n], n))
        by_attempt = {a: s for a, s in slots.items() if len(s) == length}
    keys = sorted(next(iter(by_attempt.values())))
    attempt_ids = list(by_attempt)
    item_variances = [variance([by_attempt[a].get(k, 0.0) for a in attempt_ids]) or 0.0 for k in keys]
    test_totals = [totals[a] for a in attempt_ids]
    total_variance = variance(test_totals)
    # Moodle gives the consistency only from three attempts on.
    cic = internal_consistency(item_variances, total_variance) if len(attempt_ids) > 2 else None
    er = error_ratio(cic)
    sd = math.sqrt(total_variance) if total_variance is not None else None
    return TestStats(
        attempts=len(attempt_ids),
        items=len(keys),
        mean=mean(test_totals),
        mean_percent=mean([100 * totals[a] / maxima[a] for a in attempt_ids if maxima[a]]),
        median=_median(test_totals),
        sd=sd,
        cic=cic,
        error_ratio=er,
        standard_error=standard_error(er, sd),
    )


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# -- which attempts, from the database ----------------------------------------------------------------------


class Which(StrEnum):
    FIRST = "first"
    ALL = "all"


WHICH_LABELS = {
    Which.FIRST: "First finished attempt of each learner",
    Which.ALL: "Every finished attempt",
}


def analysed_attempts(
    quizzes: QuerySet,
    *,
    which: Which = Which.FIRST,
    classroom=None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Attempt]:
    """The finished attempts an analysis covers: first ones (per learner and quiz) or all, then filtered.

    "First" is decided before the filters: a learner whose first attempt falls outside the dates counts with
    none, rather than with a later, practised one.
    """
    finished = Attempt.objects.finished().filter(quiz__in=quizzes)
    if which == Which.FIRST:
        first = finished.annotate(
            nth=Window(
                RowNumber(), partition_by=[F("quiz_id"), F("user_id")], order_by=[F("finished_at"), F("pk")]
            )
        ).filter(nth=1)
        finished = Attempt.objects.filter(pk__in=first.values("pk"))
    if classroom is not None:
        finished = finished.filter(user__memberships__classroom=classroom)
    if since is not None:
        finished = finished.filter(finished_at__gte=since)
    if until is not None:
        finished = finished.filter(finished_at__lt=until)
    return finished


def load_rows(attempts: QuerySet[Attempt]) -> list[Row]:
    """Every slot of the attempts with its version and response, in one query."""
    return list(
        Slot.objects.filter(attempt__in=attempts.values("pk")).values_list(
            "attempt_id",
            "number",
            "version_id",
            "version__question_id",
            "version__max_points",
            "response__points",
            "response__answer",
        )
    )


@dataclass(frozen=True)
class OptionCount:
    text: str
    correct: bool
    count: int
    share: float | None  # of the answers given to the item


def option_counts(spec: dict, stats: ItemStats) -> list[OptionCount]:
    """How many answers chose each option of a choice item, in the order written; [] for other items."""
    options = spec.get("options") if isinstance(spec, dict) else None
    if not isinstance(options, list) or not all(isinstance(o, dict) and "id" in o for o in options):
        return []
    answered = stats.attempts - stats.unanswered
    counts = [stats.chosen.get(o["id"], 0) for o in options]
    return [
        OptionCount(
            text=str(o.get("text", "")),
            correct=bool(o.get("correct")),
            count=count,
            share=count / answered if answered else None,
        )
        for o, count in zip(options, counts, strict=True)
    ]


@dataclass(frozen=True)
class ItemReport:
    """One item's statistics beside the version they are about, for the page."""

    version: QuestionVersion
    stats: ItemStats
    options: list[OptionCount]

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.stats.flags]


def item_reports(result: Analysis) -> list[ItemReport]:
    """The analysed items with their versions, in the bank's topic order. One query."""
    stats = {item.version_id: item for item in result.items}
    versions = QuestionVersion.objects.filter(pk__in=list(stats)).select_related("question__topic")
    ordered = sorted(
        versions, key=lambda v: (v.question.topic.position, v.question.topic_id, v.question_id, v.number)
    )
    return [ItemReport(v, stats[v.pk], option_counts(v.spec, stats[v.pk])) for v in ordered]
