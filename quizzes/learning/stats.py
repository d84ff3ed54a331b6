"""Learner statistics computed in the database: topic mastery and percentiles.

Each function is a fixed, small number of queries whatever the number of attempts.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from ..models import Attempt, Bank, ClinicalJudgment, CognitiveLevel, Response, Topic

RECENT_ANSWERS = 20  # mastery looks at this many of the learner's latest answers per topic
MIN_PERCENTILE_POOL = 5  # below this many first attempts a percentile says nothing


@dataclass(frozen=True)
class TopicMastery:
    topic: Topic
    answers: int
    points: float
    max_points: float

    @property
    def percent(self) -> float | None:
        return 100 * self.points / self.max_points if self.max_points else None


def _recent_sums(responses, group: str) -> dict:
    """(answers, points, max points) per value of `group` over the latest RECENT_ANSWERS final answers of
    each: practice answers at once, exam answers once the exam is finished (until then they may change).
    One query."""
    group_of = F(group)
    recent = (
        responses.filter(Q(slot__attempt__mode="practice") | Q(slot__attempt__finished_at__isnull=False))
        .annotate(
            grouped=group_of,
            recency=Window(
                RowNumber(), partition_by=[group_of], order_by=[F("answered_at").desc(), F("pk").desc()]
            ),
        )
        .filter(recency__lte=RECENT_ANSWERS)
        .values_list("grouped", "points", "max_points")
    )
    sums: dict = defaultdict(lambda: [0, 0.0, 0.0])
    for value, points, max_points in recent:
        entry = sums[value]
        entry[0] += 1
        entry[1] += points
        entry[2] += max_points
    return sums


def mastery(user, banks: Iterable[Bank]) -> dict[Bank, list[TopicMastery]]:
    """Share of points earned per topic over the learner's recent final answers. Three queries.

    Practice answers count at once; exam answers once the exam is finished (until then they may change).
    """
    banks = list(banks)
    topics = list(Topic.objects.filter(bank__in=banks).order_by("bank_id", "position", "id"))
    responses = Response.objects.filter(slot__attempt__user=user, slot__version__question__topic__in=topics)
    sums = _recent_sums(responses, "slot__version__question__topic_id")
    by_bank: dict[Bank, list[TopicMastery]] = {bank: [] for bank in banks}
    bank_by_id = {bank.pk: bank for bank in banks}
    for topic in topics:
        answers, points, max_points = sums.get(topic.pk, (0, 0.0, 0.0))
        by_bank[bank_by_id[topic.bank_id]].append(TopicMastery(topic, int(answers), points, max_points))
    return by_bank


# The version's tags mastery is also broken down by, with their headings.
TAGS = {
    "clinical_judgment": ("Clinical judgment step", ClinicalJudgment),
    "cognitive_level": ("Cognitive level", CognitiveLevel),
}


@dataclass(frozen=True)
class TagMastery:
    value: str
    label: str
    answers: int
    points: float
    max_points: float

    percent = TopicMastery.percent


def mastery_by_tag(user, banks: Iterable[Bank]) -> dict[str, list[TagMastery]]:
    """Share of points earned per clinical-judgment step and per cognitive level, over the learner's
    recent final answers to tagged questions of `banks` (the last RECENT_ANSWERS of each step or level),
    only the steps and levels answered, in the model's order. One query per tag."""
    banks = list(banks)
    found: dict[str, list[TagMastery]] = {}
    for name, (_, choices) in TAGS.items():
        responses = Response.objects.filter(
            slot__attempt__user=user, slot__version__question__bank__in=banks
        ).exclude(**{f"slot__version__{name}": ""})
        sums = _recent_sums(responses, f"slot__version__{name}")
        found[name] = [
            TagMastery(value, label, int(sums[value][0]), sums[value][1], sums[value][2])
            for value, label in choices.choices
            if value in sums
        ]
    return found


def weakest(masteries: Iterable[TopicMastery]) -> TopicMastery | None:
    """The attempted topic with the lowest share of points; failing that, the first one never tried."""
    tried = [m for m in masteries if m.answers]
    if tried:
        return min(tried, key=lambda m: (m.percent, m.topic.position))
    untried = [m for m in masteries if not m.answers]
    return untried[0] if untried else None


def first_attempt_scores(quiz_ids: Iterable[int]) -> dict[int, list[float]]:
    """Each learner's first finished attempt at each quiz, as a fraction of the maximum. One query."""
    rows = (
        Attempt.objects.finished()
        .filter(quiz_id__in=list(quiz_ids), max_points__gt=0)
        .annotate(
            nth=Window(
                RowNumber(), partition_by=[F("quiz_id"), F("user_id")], order_by=[F("finished_at"), F("pk")]
            )
        )
        .filter(nth=1)
        .values_list("quiz_id", "points", "max_points")
    )
    scores: dict[int, list[float]] = defaultdict(list)
    for quiz_id, points, max_points in rows:
        scores[quiz_id].append(points / max_points)
    return scores


def percentile(score: float, pool: list[float]) -> int | None:
    """Percentile rank of `score` in `pool`: the share below it, counting ties as half. None if too few."""
    if len(pool) < MIN_PERCENTILE_POOL:
        return None
    below = sum(1 for s in pool if s < score)
    ties = sum(1 for s in pool if s == score)
    return round(100 * (below + ties / 2) / len(pool))


@dataclass(frozen=True)
class Standing:
    percentile: int | None
    pool: int


def standings(attempts: Iterable[Attempt]) -> dict[int, Standing]:
    """Where each finished attempt stands among learners' first attempts at its quiz. One query."""
    attempts = [a for a in attempts if a.is_finished and a.max_points]
    pools = first_attempt_scores({a.quiz_id for a in attempts})
    return {
        a.pk: Standing(
            percentile(a.points / a.max_points, pools.get(a.quiz_id, [])), len(pools.get(a.quiz_id, []))
        )
        for a in attempts
    }
