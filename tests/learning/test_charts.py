"""The geometry of the server-drawn charts (quizzes.learning.charts)."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.learning import charts

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("percent", "level", "label"),
    [
        (0, 1, "Needs work"),
        (39.9, 1, "Needs work"),
        (40, 2, "Developing"),
        (74, 3, "Getting there"),
        (75, 4, "Strong"),
        (90, 5, "Mastered"),
        (100, 5, "Mastered"),
    ],
)
def test_one_scale_puts_each_score_in_a_band_with_words(percent, level, label):
    assert charts.band(percent) == charts.Band(level, label)


def test_the_score_chart_places_points_by_date_and_splits_practice_from_exam():
    scores = [
        (START, 40.0, "P1", "practice"),
        (START + timedelta(days=1), 60.0, "E1", "exam"),
        (START + timedelta(days=10), 80.0, "P2", "practice"),
    ]
    chart = charts.score_chart(scores)
    xs = [p.x for p in chart.points]
    assert xs[0] == charts.LEFT and xs[-1] == charts.WIDTH - charts.RIGHT
    # a day in, of ten: a tenth of the way along, not half (points are placed by time, not by count)
    assert xs[1] == pytest.approx(charts.LEFT + (charts.WIDTH - charts.LEFT - charts.RIGHT) / 10)
    assert [(s.mode, s.name, [p.label for p in s.points]) for s in chart.series] == [
        ("practice", "Practice", ["P1", "P2"]),
        ("exam", "Exam", ["E1"]),
    ]
    assert chart.tick_format == "j M"
    assert [t.when for t in chart.ticks][0] == START and chart.ticks[-1].when == START + timedelta(days=10)
    assert len(chart.ticks) == 3  # no more ticks than points


def test_scores_within_a_day_get_times_on_the_axis_and_one_score_sits_in_the_middle():
    chart = charts.score_chart([(START, 50.0, "A"), (START + timedelta(hours=2), 70.0, "B")])
    assert chart.tick_format == "H:i" and len(chart.ticks) == 2
    single = charts.score_chart([(START, 50.0, "A")])
    assert single.points[0].x == charts.LEFT + (charts.WIDTH - charts.LEFT - charts.RIGHT) / 2
    assert len(single.ticks) == 1
    assert charts.score_chart([]).points == []


def test_a_ring_draws_the_share_of_its_circumference():
    ring = charts.ring(25)
    assert ring.dash == pytest.approx(ring.circumference / 4, abs=0.01)
    assert ring.dash + ring.gap == pytest.approx(ring.circumference, abs=0.02)
    assert charts.ring(130).dash == pytest.approx(ring.circumference, abs=0.01)


def test_bars_are_clamped_and_counts_scale_to_the_largest():
    assert charts.bar(-5).width == 0 and charts.bar(140).width == 100
    bars = charts.count_bars([("a", 10, True), ("b", 5, False), ("c", 0, False)])
    assert [(b.share, b.highlight) for b in bars] == [(100.0, True), (50.0, False), (0.0, False)]
    assert [b.share for b in charts.count_bars([("a", 0, False)])] == [0.0]


def test_the_distribution_counts_scores_in_fifths_with_100_in_the_top_one():
    bars = charts.distribution([0, 19.9, 20, 55, 99, 100])
    assert [b.label for b in bars] == ["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"]
    assert [b.count for b in bars] == [2, 1, 1, 0, 2]
