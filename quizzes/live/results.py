"""What a live session's answers add up to: the distribution shown at each reveal, the summary per
question at the end, its CSV, and the optional leaderboard. Counts only: no learner is named on screen.
"""

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from ..items import Grade
from ..models import LiveParticipant, LiveSession, QuestionVersion, Response
from ..text import csv_safe

VERDICTS = (("correct", "Correct"), ("partial", "Partly correct"), ("incorrect", "Incorrect"))


@dataclass(frozen=True)
class Bar:
    """One bar of a distribution: what it counts, how many, and whether it is (part of) the key."""

    label: str
    count: int
    total: int
    key: bool

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass(frozen=True)
class QuestionSummary:
    number: int
    version: QuestionVersion
    answered: int
    correct: int
    bars: list[Bar]

    @property
    def percent_correct(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def option_rng(session: LiveSession, number: int) -> random.Random | None:
    """The order of a question's options on the projector: the one every participant's attempt uses
    (Slot.option_rng with the session's seed), so the screen and the phones agree."""
    return random.Random(f"{session.seed}:{number}") if session.quiz.shuffle_options else None


def distribution(
    session: LiveSession, number: int, version: QuestionVersion, answers: Iterable[tuple[Any, float, float]]
) -> list[Bar]:
    """The bars for a question's answers ((answer, points, max points) each): for an item with options,
    how many chose each option, in the order shown; for any other item, how many were right, partly
    right and wrong."""
    answers = list(answers)
    total = len(answers)
    options = version.spec.get("options") if isinstance(version.spec, dict) else None
    if options and all(isinstance(o, dict) and "id" in o for o in options):
        chosen = Counter(oid for answer, _, _ in answers for oid in (answer or ()))
        shown = version.item.public_view(version.stem, version.spec, option_rng(session, number)).options
        keys = {o["id"] for o in options if o.get("correct")}
        return [Bar(o.text, chosen[o.id], total, o.id in keys) for o in shown]
    verdicts = Counter(Grade(points, maximum).verdict for _, points, maximum in answers)
    return [Bar(label, verdicts[name], total, name == "correct") for name, label in VERDICTS]


def _responses(session: LiveSession):
    return Response.objects.filter(slot__attempt__live_participant__session=session)


def question_summary(session: LiveSession, number: int) -> QuestionSummary:
    """One question's answers so far: two queries (the version, the answers)."""
    version = QuestionVersion.objects.get(pk=session.version_ids[number - 1])
    rows = list(_responses(session).filter(slot__number=number).values_list("answer", "points", "max_points"))
    return _summary(session, number, version, rows)


def _summary(session: LiveSession, number: int, version: QuestionVersion, rows: list) -> QuestionSummary:
    return QuestionSummary(
        number=number,
        version=version,
        answered=len(rows),
        correct=sum(Grade(points, maximum).is_correct for _, points, maximum in rows),
        bars=distribution(session, number, version, rows),
    )


def summary(session: LiveSession) -> list[QuestionSummary]:
    """Every question of the session with its answers: two queries whatever the session's size."""
    versions = QuestionVersion.objects.in_bulk(session.version_ids)
    rows: dict[int, list] = {n: [] for n in range(1, session.question_count + 1)}
    for number, answer, points, maximum in _responses(session).values_list(
        "slot__number", "answer", "points", "max_points"
    ):
        rows[number].append((answer, points, maximum))
    return [
        _summary(session, number, versions[version_id], rows[number])
        for number, version_id in enumerate(session.version_ids, start=1)
    ]


@dataclass(frozen=True)
class Standing:
    nickname: str
    points: float


def leaderboard(session: LiveSession, size: int = 5) -> list[Standing]:
    """The top participants by points, by nickname only (never their names); none without a nickname."""
    rows = (
        LiveParticipant.objects.filter(session=session)
        .exclude(nickname="")
        .annotate(total=Sum("attempt__slots__response__points"))
        .order_by("-total", "joined_at")
        .values_list("nickname", "total")[:size]
    )
    return [Standing(nickname, total or 0.0) for nickname, total in rows]


def csv_rows(session: LiveSession, questions: list[QuestionSummary]) -> list[list[str]]:
    """The summary as CSV rows: one per question, user text defused against spreadsheet formulas."""
    header = ["question", "stem", "answered", "correct", "percent correct", "distribution"]
    lines = [header]
    for q in questions:
        bars = "; ".join(f"{b.label}{' (key)' if b.key else ''}: {b.count}" for b in q.bars)
        lines.append(
            [str(q.number), csv_safe(q.version.stem), str(q.answered), str(q.correct), str(q.percent_correct)]
            + [csv_safe(bars)]
        )
    return lines
