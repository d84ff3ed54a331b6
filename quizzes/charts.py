"""Geometry for the server-rendered score chart: plain numbers the template turns into SVG."""

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36  # room for the axis labels


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    percent: float
    when: datetime
    label: str

    @property
    def label_y(self) -> float:
        return self.y - 10


@dataclass(frozen=True)
class ScoreChart:
    points: list[ChartPoint]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def first_when(self) -> datetime | None:
        return self.points[0].when if self.points else None

    @property
    def last_when(self) -> datetime | None:
        return self.points[-1].when if self.points else None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        """(percent, y) for the 0, 25, 50, 75 and 100 % lines."""
        return [(pct, _y(pct)) for pct in (0, 25, 50, 75, 100)]

    @property
    def left(self) -> int:
        return LEFT

    @property
    def right(self) -> int:
        return WIDTH - RIGHT

    @property
    def bottom(self) -> float:
        return _y(0)


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def score_chart(scores: list[tuple[datetime, float, str]]) -> ScoreChart:
    """Place (when, percent, label) scores, oldest first, evenly along the x axis."""
    span = WIDTH - LEFT - RIGHT
    count = len(scores)
    points = [
        ChartPoint(
            x=LEFT + (span * index / (count - 1) if count > 1 else span / 2),
            y=_y(percent),
            percent=percent,
            when=when,
            label=label,
        )
        for index, (when, percent, label) in enumerate(scores)
    ]
    return ScoreChart(points=points)
