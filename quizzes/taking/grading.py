"""Scoring rules shared by item types: an attempt's total and its per-topic breakdown.

Each item type grades its own answers (see `quizzes.items`); this module only adds them up.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float

    @property
    def percent(self) -> float:
        return 100 * self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class TopicScore(Score):
    topic: str
    items: int


def total(scores: Iterable[tuple[float, float]]) -> Score:
    """Sum of points over sum of maxima. Unanswered items count with 0 points."""
    points = max_points = 0.0
    for earned, maximum in scores:
        points += earned
        max_points += maximum
    return Score(points=points, max_points=max_points)


def by_topic(rows: Iterable[tuple[str, float, float]]) -> list[TopicScore]:
    """Group (topic, points, max_points) rows into one score per topic, in first-seen order."""
    sums: dict[str, list[float]] = {}
    for topic, earned, maximum in rows:
        entry = sums.setdefault(topic, [0.0, 0.0, 0])
        entry[0] += earned
        entry[1] += maximum
        entry[2] += 1
    return [
        TopicScore(topic=topic, points=p, max_points=m, items=int(n)) for topic, (p, m, n) in sums.items()
    ]


@dataclass(frozen=True)
class ConfidenceSummary:
    """How the learner's confidence matched their results. "Right" means full marks."""

    right_and_sure: int = 0
    lucky: int = 0  # right, but the learner was unsure or guessing
    wrong_but_sure: int = 0  # a misconception: the ones most worth reviewing
    wrong_and_unsure: int = 0  # wrong, and the learner knew they were unsure or guessing
    rated: int = 0  # answers given with a confidence at all: the sum of the four


def confidence_summary(answers: Iterable[tuple[str, bool]]) -> ConfidenceSummary:
    """Count (confidence, is_right) pairs; an answer without a confidence ("") counts in none."""
    sure_right = lucky = sure_wrong = unsure_wrong = rated = 0
    for confidence, right in answers:
        if not confidence:
            continue
        rated += 1
        if confidence == "sure":
            sure_right += right
            sure_wrong += not right
        else:
            lucky += right
            unsure_wrong += not right
    return ConfidenceSummary(
        right_and_sure=sure_right,
        lucky=lucky,
        wrong_but_sure=sure_wrong,
        wrong_and_unsure=unsure_wrong,
        rated=rated,
    )
