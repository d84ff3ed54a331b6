"""Geometry for the charts the server draws as inline SVG: plain numbers the templates turn into shapes.

Every chart has a text or table alternative in its template; colour never carries a meaning alone (a
series has its own marker and line, a band its own words).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import pi

# The score-over-time chart's drawing box (SVG user units). Narrow, so that its labels stay readable when a
# phone shrinks it: at 328 px wide its 13-unit text is 10 px.
WIDTH, HEIGHT = 420, 230
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 40  # room for the axis labels


# -- one colour scale for scores and mastery, everywhere ---------------------------------------------------

# (below this percent, level, words): the level picks the colour (CSS .scale-1 ... .scale-5); the words
# say it, so colour never says it alone.
BANDS = (
    (40, 1, "Needs work"),
    (60, 2, "Developing"),
    (75, 3, "Getting there"),
    (90, 4, "Strong"),
    (None, 5, "Mastered"),
)


@dataclass(frozen=True)
class Band:
    level: int
    label: str


def band(percent: float) -> Band:
    """The band a score falls in: its colour level (1 low to 5 high) and its words."""
    for below, level, label in BANDS:
        if below is None or percent < below:
            return Band(level, label)
    raise AssertionError("the last band has no upper bound")


@dataclass(frozen=True)
class Bar:
    """A horizontal bar out of 100 (a viewBox 100 wide): its filled width and band."""

    percent: float
    band: Band

    @property
    def width(self) -> float:
        return round(max(0.0, min(100.0, self.percent)), 1)


def bar(percent: float) -> Bar:
    return Bar(percent, band(percent))


@dataclass(frozen=True)
class Ring:
    """A score as a ring: the arc's length along a circle of radius RING_RADIUS (stroke-dasharray)."""

    percent: float
    band: Band
    radius: float
    circumference: float

    @property
    def dash(self) -> float:
        return round(self.circumference * max(0.0, min(100.0, self.percent)) / 100, 2)

    @property
    def gap(self) -> float:
        return round(self.circumference - self.dash, 2)


RING_RADIUS = 52


def ring(percent: float) -> Ring:
    return Ring(percent, band(percent), RING_RADIUS, round(2 * pi * RING_RADIUS, 2))


# -- score over time -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    percent: float
    when: datetime
    label: str
    mode: str = "practice"

    @property
    def label_y(self) -> float:
        return self.y - 10

    @property
    def corner_x(self) -> float:  # an exam's square marker, 10 units wide, centred on the point
        return self.x - 5

    @property
    def corner_y(self) -> float:
        return self.y - 5


@dataclass(frozen=True)
class Series:
    """The points of one mode (practice or exam), oldest first."""

    mode: str
    name: str
    points: list[ChartPoint]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    x: float
    when: datetime


@dataclass(frozen=True)
class ScoreChart:
    points: list[ChartPoint]
    series: list[Series] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    tick_format: str = "j M"  # Django's date format for the x axis: the day, or the time within one day
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

    @property
    def tick_label_y(self) -> float:
        return _y(0) + 20


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


SERIES_NAMES = {"practice": "Practice", "exam": "Exam"}
TICKS = 4  # date labels on the x axis, at most


def score_chart(scores: list[tuple]) -> ScoreChart:
    """Place (when, percent, label[, mode]) scores, oldest first, along a time axis: x is the date, so a
    week without quizzes shows as a gap. Practice and exam are separate series; up to four dated ticks."""
    span = WIDTH - LEFT - RIGHT
    if not scores:
        return ScoreChart(points=[])
    first, last = scores[0][0], scores[-1][0]
    seconds = (last - first).total_seconds()

    def x(when: datetime) -> float:
        return LEFT + (span * (when - first).total_seconds() / seconds if seconds > 0 else span / 2)

    points = [
        ChartPoint(
            x=x(score[0]),
            y=_y(score[1]),
            percent=score[1],
            when=score[0],
            label=score[2],
            mode=score[3] if len(score) > 3 else "practice",
        )
        for score in scores
    ]
    series = [
        Series(mode, name, [p for p in points if p.mode == mode])
        for mode, name in SERIES_NAMES.items()
        if any(p.mode == mode for p in points)
    ]
    if seconds <= 0:
        ticks = [Tick(x(first), first)]
    else:
        count = min(TICKS, len(points))
        step = timedelta(seconds=seconds / max(1, count - 1))
        ticks = [Tick(x(first + step * index), first + step * index) for index in range(count)]
    tick_format = "j M" if seconds >= 2 * 24 * 3600 else "j M H:i" if seconds >= 12 * 3600 else "H:i"
    return ScoreChart(points=points, series=series, ticks=ticks, tick_format=tick_format)


# -- counts as bars: option choices, a class's score distribution --------------------------------------------


@dataclass(frozen=True)
class CountBar:
    label: str
    count: int
    share: float  # of the largest count, 0..100: the bar's width
    highlight: bool = False  # the key in an item analysis


def count_bars(counts: list[tuple[str, int, bool]]) -> list[CountBar]:
    """(label, count, highlight) as bars scaled to the largest count."""
    most = max((count for _, count, _ in counts), default=0)
    return [
        CountBar(label, count, round(100 * count / most, 1) if most else 0.0, highlight)
        for label, count, highlight in counts
    ]


DISTRIBUTION_BINS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def distribution(percents: list[float]) -> list[CountBar]:
    """How many scores fall in each fifth of 0-100 %, as bars (the last bin takes 100 %)."""
    counts = []
    for low, high in DISTRIBUTION_BINS:
        label = f"{low}–{min(high, 100)}%"
        counts.append((label, sum(1 for p in percents if low <= p < high), False))
    return count_bars(counts)
