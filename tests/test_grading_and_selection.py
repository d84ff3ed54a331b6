import random

from quizzes import grading, selection


def test_total_is_sum_of_points_over_sum_of_maxima():
    score = grading.total([(1, 1), (0, 1), (2, 3)])
    assert (score.points, score.max_points) == (3, 5)
    assert score.percent == 60


def test_total_of_nothing_is_zero_percent():
    assert grading.total([]).percent == 0


def test_by_topic_groups_rows_in_first_seen_order():
    rows = [("Treatment", 1, 1), ("Diagnosis", 0, 1), ("Treatment", 1, 3)]
    topics = grading.by_topic(rows)
    assert [(t.topic, t.points, t.max_points, t.items) for t in topics] == [
        ("Treatment", 2, 4, 2),
        ("Diagnosis", 0, 1, 1),
    ]
    assert topics[0].percent == 50


def test_choose_is_reproducible_from_the_seed_whatever_the_input_order():
    candidates = [(q, q * 10) for q in range(1, 51)]
    first = selection.choose(candidates, 10, random.Random(42))
    shuffled = list(reversed(candidates))
    assert selection.choose(shuffled, 10, random.Random(42)) == first
    assert len(first) == len(set(first)) == 10
    assert set(first) <= {v for _, v in candidates}


def test_choose_takes_everything_when_the_pool_is_small():
    assert sorted(selection.choose([(1, 11), (2, 22)], 10, random.Random(0))) == [11, 22]


def test_different_seeds_give_different_orders():
    candidates = [(q, q) for q in range(30)]
    assert len({tuple(selection.choose(candidates, 10, random.Random(s))) for s in range(5)}) > 1
