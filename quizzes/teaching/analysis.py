"""Item analysis with Moodle's quiz statistics definitions (docs.moodle.org/dev/Quiz_statistics_calculations).

For an item answered in S attempts, x is the item's mark in each attempt and X the attempt's total, so
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

The database does the counting (`load_counts`): it groups equal marks, so a few thousand rows stand for
100,000 responses, and the statistics below work on those counted groups in one pass. A fixed number of
queries whatever the number of items or attempts, never one per item.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, F, FloatField, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from ..models import (
    Attempt,
    ClinicalJudgment,
    CognitiveLevel,
    Confidence,
    QuestionVersion,
    Response,
    ResponseChange,
    Slot,
)

TOO_EASY, TOO_HARD = 0.9, 0.2  # facility index limits beyond which an item is flagged

# A sample counted in groups: (value, how many times it occurs).
Counted = Sequence[tuple[float, int]]
# Pairs counted in groups: (item mark x, rest-of-test score X - x, how many attempts had them).
CountedPairs = Sequence[tuple[float, float, int]]


# -- the statistics, on counted marks -----------------------------------------------------------------------


def mean(sample: Counted) -> float | None:
    values, counts = _columns(sample, 2)
    n = sum(counts)
    return math.sumprod(values, counts) / n if n else None


def covariance(pairs: CountedPairs) -> float | None:
    """Sample covariance of x and y; None below two values."""
    xs, ys, counts = _columns(pairs, 3)
    n = sum(counts)
    if n < 2:
        return None
    mx, my = math.sumprod(xs, counts) / n, math.sumprod(ys, counts) / n
    weighted = [(x - mx) * c for x, c in zip(xs, counts, strict=True)]
    return math.sumprod(weighted, [y - my for y in ys]) / (n - 1)


def variance(sample: Counted) -> float | None:
    values, counts = _columns(sample, 2)
    return covariance(list(zip(values, values, counts, strict=True)))


def _columns(rows: Sequence[tuple], width: int) -> list[tuple]:
    """[(a, b), (c, d)] -> [(a, c), (b, d)]; `width` empty columns for no rows."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


def median(sample: Counted) -> float | None:
    ordered = sorted((v, c) for v, c in sample if c)
    n = sum(c for _, c in ordered)
    if not n:
        return None
    middle = {(n - 1) // 2: None, n // 2: None}  # the 0-based position(s) of the middle value(s)
    seen = 0
    for value, c in ordered:
        for position in middle:
            if seen <= position < seen + c:
                middle[position] = value
        seen += c
    return math.fsum(middle.values()) / len(middle)


def facility(pairs: CountedPairs, max_mark: float) -> float | None:
    """Mean mark as a share of the item's maximum: 1.0 everyone got it right, 0.0 nobody did."""
    m = mean([(x, c) for x, _, c in pairs])
    return None if m is None or not max_mark else m / max_mark


def standard_deviation(pairs: CountedPairs, max_mark: float) -> float | None:
    """Sample standard deviation of the marks, as a share of the item's maximum."""
    v = variance([(x, c) for x, _, c in pairs])
    return None if v is None or not max_mark else math.sqrt(v) / max_mark


def discrimination_index(pairs: CountedPairs) -> float | None:
    """100 x the correlation of the item's marks with the rest-of-test scores; None if either is flat."""
    c = covariance(pairs)
    vx = variance([(x, n) for x, _, n in pairs])
    vr = variance([(r, n) for _, r, n in pairs])
    if c is None or not vx or not vr:
        return None
    return 100 * c / math.sqrt(vx * vr)


def discriminative_efficiency(pairs: CountedPairs) -> float | None:
    """100 x the covariance over the largest covariance the same marks could have (both sorted)."""
    c = covariance(pairs)
    c_max = covariance(_sorted_pairing(pairs))
    if c is None or not c_max:
        return None
    return 100 * c / c_max


def _sorted_pairing(pairs: CountedPairs) -> list[tuple[float, float, int]]:
    """The pairs the marks would make if both were sorted: the i-th smallest x with the i-th smallest r."""
    xs = [[x, c] for x, c in sorted(_totals(pairs, 0).items())]
    rs = [[r, c] for r, c in sorted(_totals(pairs, 1).items())]
    paired, i, j = [], 0, 0
    while i < len(xs) and j < len(rs):
        k = min(xs[i][1], rs[j][1])
        paired.append((xs[i][0], rs[j][0], k))
        xs[i][1] -= k
        rs[j][1] -= k
        i += xs[i][1] == 0
        j += rs[j][1] == 0
    return paired


def _totals(pairs: CountedPairs, index: int) -> Counter:
    counts: Counter = Counter()
    for pair in pairs:
        counts[pair[index]] += pair[2]
    return counts


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


# -- an analysis, from what the database counted --------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """What an analysis needs, as the database counts it (load_counts)."""

    attempts: list[tuple[int, float, float, int]]  # (slots, total, max total, how many attempts)
    items: list[
        tuple[int, float, float, int, int]
    ]  # (version, mark, attempt's total, slots, unanswered ones)
    positions: list[tuple[int, float, int]]  # (slot number, mark, slots) in attempts of the usual length
    questions: dict[int, int]  # version -> its question
    max_marks: dict[int, float]  # version -> its maximum mark
    chosen: dict[int, Counter] = field(default_factory=dict)  # version -> option id -> answers choosing it
    changes: dict[int, "Changes"] = field(default_factory=dict)  # version -> its answers changed
    sure: dict[int, tuple[int, int]] = field(default_factory=dict)  # version -> (answers "sure", wrong ones)


@dataclass(frozen=True)
class Changes:
    """Exam answers to an item changed before submitting, by how the first answer compares with the last."""

    changed: int = 0
    wrong_to_right: int = 0  # the first answer short of full marks, the last one with them
    right_to_wrong: int = 0


def count_changes(rows: Sequence[tuple[int, float, float, float]]) -> dict[int, Changes]:
    """(version, first answer's points, last answer's points, max points) per changed slot -> per version."""
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for version_id, first, last, maximum in rows:
        counts = tally[version_id]
        counts[0] += 1
        counts[1] += first < maximum <= last
        counts[2] += last < maximum <= first
    return {version_id: Changes(*counts) for version_id, counts in tally.items()}


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
    changes: Changes = Changes()
    sure: int = 0  # answers given as "sure"
    sure_wrong: int = 0  # of those, the ones short of full marks: a misconception the item exposes

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


def usual_length(attempts: Sequence[tuple[int, float, float, int]]) -> int:
    """The most common number of slots among the attempts (the larger on a tie); 0 without attempts."""
    lengths: Counter = Counter()
    for slots, _, _, n in attempts:
        lengths[slots] += n
    return max(lengths, key=lambda k: (lengths[k], k)) if lengths else 0


def analyse(counts: Counts, *, whole_test: bool = True) -> Analysis:
    """Statistics of every item, and (with whole_test) of the quiz as a whole, in one pass over the counts."""
    pairs: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    unanswered: Counter = Counter()
    for version_id, mark, total, n, blank in counts.items:
        pairs[version_id].append((mark, total - mark, n))
        unanswered[version_id] += blank
    items = []
    for version_id, item_pairs in pairs.items():
        max_mark = counts.max_marks[version_id]
        items.append(
            ItemStats(
                version_id=version_id,
                question_id=counts.questions[version_id],
                max_mark=max_mark,
                attempts=sum(n for _, _, n in item_pairs),
                facility=facility(item_pairs, max_mark),
                sd=standard_deviation(item_pairs, max_mark),
                discrimination=discrimination_index(item_pairs),
                efficiency=discriminative_efficiency(item_pairs),
                chosen=counts.chosen.get(version_id, Counter()),
                unanswered=unanswered[version_id],
                changes=counts.changes.get(version_id, Changes()),
                sure=counts.sure.get(version_id, (0, 0))[0],
                sure_wrong=counts.sure.get(version_id, (0, 0))[1],
            )
        )
    attempts = sum(n for *_, n in counts.attempts)
    test = _test_stats(counts) if whole_test and attempts else None
    return Analysis(attempts=attempts, items=items, test=test)


def _test_stats(counts: Counts) -> TestStats:
    """The whole quiz: its items are its questions when every attempt had the same, else its positions.

    Attempts of another length than the usual one (the quiz changed) cannot share its items: they are left
    out of these figures.
    """
    length = usual_length(counts.attempts)
    included = [(total, maximum, n) for slots, total, maximum, n in counts.attempts if slots == length]
    questions = {counts.questions[version_id] for version_id, *_ in counts.items}
    # Each attempt holds distinct questions: as many questions as positions in every attempt means the
    # same questions in all of them.
    same_questions = len(included) == len(counts.attempts) and len(questions) == length
    marks: dict[int, list[tuple[float, int]]] = defaultdict(list)
    if same_questions:
        for version_id, mark, _, n, _ in counts.items:
            marks[counts.questions[version_id]].append((mark, n))
    else:
        for number, mark, n in counts.positions:
            marks[number].append((mark, n))
    item_variances = [variance(sample) or 0.0 for sample in marks.values()]
    totals = [(total, n) for total, _, n in included]
    total_variance = variance(totals)
    attempts = sum(n for _, _, n in included)
    # Moodle gives the consistency only from three attempts on.
    cic = internal_consistency(item_variances, total_variance) if attempts > 2 else None
    er = error_ratio(cic)
    sd = math.sqrt(total_variance) if total_variance is not None else None
    return TestStats(
        attempts=attempts,
        items=len(marks),
        mean=mean(totals),
        mean_percent=mean([(100 * total / maximum, n) for total, maximum, n in included if maximum]),
        median=median(totals),
        sd=sd,
        cic=cic,
        error_ratio=er,
        standard_error=standard_error(er, sd),
    )


# -- which attempts, counted by the database -------------------------------------------------------------


class Which(StrEnum):
    FIRST = "first"
    ALL = "all"


WHICH_LABELS = {
    Which.FIRST: "First finished attempt of each learner",
    Which.ALL: "Every finished attempt",
}


def analysed_attempts(
    quiz_ids: Sequence[int],
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
    finished = Attempt.objects.finished().filter(quiz_id__in=list(quiz_ids))
    if which == Which.FIRST:
        first = finished.annotate(
            nth=Window(
                RowNumber(), partition_by=[F("quiz_id"), F("user_id")], order_by=[F("finished_at"), F("pk")]
            )
        ).filter(nth__lte=1)  # the same as nth=1, but PostgreSQL then expects many rows and joins by hash
        finished = Attempt.objects.filter(pk__in=first.values("pk"))
    if classroom is not None:
        finished = finished.filter(user__memberships__classroom=classroom)
    if since is not None:
        finished = finished.filter(finished_at__gte=since)
    if until is not None:
        finished = finished.filter(finished_at__lt=until)
    return finished.order_by()


MARK = Coalesce("response__points", Value(0.0), output_field=FloatField())


def load_counts(attempts: QuerySet[Attempt]) -> tuple[Counts, dict[int, QuestionVersion]]:
    """Everything analyse needs, counted by the database, and the versions analysed. Six queries.

    Slots are grouped by version, mark, the attempt's total and the answer given: equal answers to an item
    score alike, so a few rows per item and total stand for all its responses, and the same rows count
    how often each option was chosen.
    """
    attempt_groups = list(
        attempts.values("slot_count", "max_points", total=Coalesce("points", Value(0.0)))
        .annotate(n=Count("pk"))
        .values_list("slot_count", "total", "max_points", "n")
    )
    slots = Slot.objects.filter(attempt_id__in=attempts.values("pk")).order_by()
    answer_groups = list(
        slots.values(
            "version_id", "response__answer", mark=MARK, total=Coalesce("attempt__points", Value(0.0))
        )
        .annotate(n=Count("pk"))
        .values_list("version_id", "mark", "total", "response__answer", "n")
    )
    items: Counter = Counter()
    blanks: Counter = Counter()
    chosen: dict[int, Counter] = defaultdict(Counter)
    for version_id, mark, total, answer, n in answer_groups:
        items[(version_id, mark, total)] += n
        if answer is None:  # no response: the slot was left unanswered
            blanks[(version_id, mark, total)] += n
        elif isinstance(answer, list):  # choice items answer with option ids; other types are not counted
            for option_id in {a for a in answer if isinstance(a, str)}:
                chosen[version_id][option_id] += n
    versions = QuestionVersion.objects.filter(pk__in={key[0] for key in items}).select_related(
        "question__topic"
    )
    versions = {v.pk: v for v in versions}
    positions = list(
        slots.filter(attempt__slot_count=usual_length(attempt_groups))
        .values("number", mark=MARK)
        .annotate(n=Count("pk"))
        .values_list("number", "mark", "n")
    )
    counts = Counts(
        attempts=attempt_groups,
        items=[(*key, n, blanks[key]) for key, n in items.items()],
        positions=positions,
        questions={pk: v.question_id for pk, v in versions.items()},
        max_marks={pk: v.max_points for pk, v in versions.items()},
        chosen=dict(chosen),
        changes=count_changes(_first_and_last_answers(attempts)),
        sure=_sure_answers(attempts),
    )
    return counts, versions


def _first_and_last_answers(attempts: QuerySet[Attempt]) -> list[tuple[int, float, float, float]]:
    """(version, first answer's points, last answer's points, max points) of every slot whose answer was
    changed: its oldest replaced answer (ResponseChange) against the response that counted. One query."""
    oldest = Window(RowNumber(), partition_by=[F("slot_id")], order_by=[F("replaced_at"), F("pk")])
    return list(
        ResponseChange.objects.filter(slot__attempt_id__in=attempts.values("pk"))
        .annotate(nth=oldest)
        .filter(nth=1)
        .values_list("slot__version_id", "points", "slot__response__points", "slot__response__max_points")
    )


def _sure_answers(attempts: QuerySet[Attempt]) -> dict[int, tuple[int, int]]:
    """version -> (answers given as "sure", those short of full marks). One query."""
    rows = (
        Response.objects.filter(slot__attempt_id__in=attempts.values("pk"), confidence=Confidence.SURE)
        .values("slot__version_id")
        .annotate(n=Count("pk"), wrong=Count("pk", filter=Q(points__lt=F("max_points"))))
        .values_list("slot__version_id", "n", "wrong")
    )
    return {version_id: (n, wrong) for version_id, n, wrong in rows}


# -- for the page -------------------------------------------------------------------------------------------


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


def item_reports(result: Analysis, versions: dict[int, QuestionVersion]) -> list[ItemReport]:
    """The analysed items beside their versions, in the bank's topic order."""

    def place(version: QuestionVersion) -> tuple:
        return version.question.topic.position, version.question.topic_id, version.question_id, version.number

    ordered = sorted(
        ((versions[item.version_id], item) for item in result.items), key=lambda pair: place(pair[0])
    )
    return [ItemReport(v, stats, option_counts(v.spec, stats)) for v, stats in ordered]


# The version's tags the analysis is broken down by, with their labels.
TAGS = {
    "clinical_judgment": ("Clinical judgment step", ClinicalJudgment),
    "cognitive_level": ("Cognitive level", CognitiveLevel),
}


@dataclass(frozen=True)
class TagRow:
    value: str  # "" for items not tagged
    label: str
    items: int
    answers: int
    facility: float | None  # over every answer to those items: their mean mark as a share of the maximum


@dataclass(frozen=True)
class TagBreakdown:
    field: str
    title: str
    rows: list[TagRow]


def by_tag(reports: Sequence[ItemReport]) -> list[TagBreakdown]:
    """The items' facility grouped by each tag (clinical-judgment step, cognitive level), in the tags'
    own order and untagged last: where a class is weak, by kind of thinking rather than by topic."""
    breakdowns = []
    for name, (title, choices) in TAGS.items():
        groups: dict[str, list[ItemReport]] = defaultdict(list)
        for report in reports:
            groups[getattr(report.version, name)].append(report)
        rows = []
        for value, label in [*choices.choices, ("", "Not tagged")]:
            members = groups.get(value, [])
            if not members:
                continue
            answers = sum(r.stats.attempts for r in members)
            marks = sum(r.stats.facility * r.stats.attempts for r in members if r.stats.facility is not None)
            rows.append(TagRow(value, label, len(members), answers, marks / answers if answers else None))
        breakdowns.append(TagBreakdown(name, title, rows))
    return breakdowns


def run(quiz_ids: Sequence[int], *, whole_test: bool = True, **filters) -> tuple[Analysis, list[ItemReport]]:
    """The analysis of the quizzes' attempts that `filters` choose (see analysed_attempts). Six queries."""
    counts, versions = load_counts(analysed_attempts(quiz_ids, **filters))
    result = analyse(counts, whole_test=whole_test)
    return result, item_reports(result, versions)
