import random

import pytest

from quizzes.taking import grading, selection


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


# -- one question per fact --------------------------------------------------------------------------------

# Questions 1 and 2 cite the same passage first: one fact. The others are facts of their own.
CANDIDATES = [(q, q * 10) for q in range(1, 9)]
SAME_PASSAGE = {1: ("passage", 1, "treatment-04"), 2: ("passage", 1, "treatment-04")}


@pytest.mark.parametrize("shuffle", [True, False])
def test_a_draw_never_takes_two_questions_that_cite_the_same_passage(shuffle):
    drawn_one_or_the_other = set()
    for seed in range(500):
        drawn = selection.choose(CANDIDATES, 7, random.Random(seed), shuffle=shuffle, facts=SAME_PASSAGE)
        assert len(drawn) == len(set(drawn)) == 7  # 7 facts: all of them, each once
        assert not {10, 20} <= set(drawn), seed
        drawn_one_or_the_other |= {10, 20} & set(drawn)
    assert drawn_one_or_the_other == {10, 20}  # either may stand for the fact


def test_with_facts_to_spare_each_fact_is_as_likely_whatever_its_number_of_questions():
    facts = {q: ("passage", 1, "big") for q in range(1, 6)}  # five questions on one fact, three alone
    candidates = [(q, q) for q in range(1, 9)]
    big = sum(
        bool(set(selection.choose(candidates, 2, random.Random(seed), facts=facts)) & {1, 2, 3, 4, 5})
        for seed in range(4000)
    )
    assert 0.45 < big / 4000 < 0.55  # 2 of 4 facts drawn: each in half of the draws


def test_without_shuffling_the_draw_keeps_the_callers_order():
    candidates = [(q, q * 10) for q in (5, 3, 8, 1, 2, 7)]  # e.g. ordered by topic
    drawn = selection.choose(candidates, 4, random.Random(3), shuffle=False, facts=SAME_PASSAGE)
    order = [v for _, v in candidates]
    assert drawn == sorted(drawn, key=order.index)


def test_asking_for_more_than_the_facts_uses_every_fact_before_any_twice_and_is_reproducible():
    facts = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "c"}
    candidates = [(q, q) for q in range(1, 7)]
    for seed in range(200):
        drawn = selection.choose(candidates, 5, random.Random(seed), facts=facts)
        assert len(drawn) == len(set(drawn)) == 5
        assert {facts[q] for q in drawn} == {"a", "b", "c"}  # each fact at least once...
        assert max(sum(facts[q] == f for q in drawn) for f in "abc") == 2  # ...and none a third time
        assert selection.choose(list(reversed(candidates)), 5, random.Random(seed), facts=facts) == drawn
    # A fixed list asks for all it holds: it gets them all, facts shared or not.
    assert sorted(selection.choose(candidates, 6, random.Random(0), facts=facts)) == [1, 2, 3, 4, 5, 6]


def test_a_draw_takes_facts_from_each_topic_in_turn():
    # Topic "big" has eight facts, topic "small" two: a four-question draw takes two of each every time
    # (a lottery in proportion to the topics' sizes would give "small" none in about a third of draws).
    candidates = [(q, q * 10) for q in range(1, 11)]
    topics = {q: "big" if q <= 8 else "small" for q in range(1, 11)}
    for seed in range(200):
        drawn = selection.choose(candidates, 4, random.Random(seed), topics=topics)
        assert sum(1 for v in drawn if topics[v // 10] == "small") == 2, seed


def test_of_a_facts_questions_the_draw_takes_the_least_used_clinical_judgment_step():
    # Four facts, each with a recall-style "recognize-cues" question and a "take-action" one: a four-question
    # draw asks two of each step, whichever questions the seed picks.
    candidates = [(q, q * 10) for q in range(1, 9)]
    facts = {q: (q + 1) // 2 for q in range(1, 9)}
    steps = {q: "recognize-cues" if q % 2 else "take-action" for q in range(1, 9)}
    picks = set()
    for seed in range(200):
        drawn = selection.choose(candidates, 4, random.Random(seed), facts=facts, steps=steps)
        assert sorted(steps[v // 10] for v in drawn) == ["recognize-cues"] * 2 + ["take-action"] * 2, seed
        assert len({facts[v // 10] for v in drawn}) == 4
        picks.add(tuple(sorted(drawn)))
    assert len(picks) > 4  # which question of a step stands for a fact is still left to the seed
