"""Item types: validation, the public view, answer parsing and grading."""

import random

import pytest

from quizzes.items import EmptyAnswer, InvalidAnswer, get_item_type
from quizzes.items.multiple import sata_points
from tests.conftest import chosen


def spec(*flags: bool) -> dict:
    return {
        "options": [
            {"id": f"o{i}", "text": f"Option {i}", "correct": flag, "rationale": f"why {i}"}
            for i, flag in enumerate(flags)
        ]
    }


SATA = get_item_type("multiple")
SINGLE = get_item_type("single")
TRUEFALSE = get_item_type("truefalse")


@pytest.mark.parametrize(
    ("keys", "chosen_keys", "chosen_distractors", "points"),
    [
        (3, 3, 0, 3),  # all keys, nothing else: full marks
        (3, 2, 0, 2),  # a key missed: no penalty beyond the lost point
        (3, 3, 1, 2),  # all keys plus one distractor: -1
        (3, 1, 2, 0),  # more distractors than keys: floored at 0, never negative
        (3, 0, 0, 0),  # nothing right
        (2, 0, 2, 0),  # only distractors
        (2, 2, 1, 1),
        (1, 1, 0, 1),
    ],
)
def test_sata_scores_plus_minus_floored_at_zero(keys, chosen_keys, chosen_distractors, points):
    item_spec = spec(*([True] * keys + [False] * 3))
    answer = [f"o{i}" for i in range(chosen_keys)] + [f"o{keys + i}" for i in range(chosen_distractors)]
    grade = SATA.grade(item_spec, answer)
    assert grade.points == points
    assert grade.max_points == keys
    assert sata_points(chosen_keys, chosen_distractors) == points


def test_single_answer_scores_one_for_the_key_and_zero_otherwise():
    item_spec = spec(False, True, False)
    assert SINGLE.grade(item_spec, ["o1"]).points == 1
    assert SINGLE.grade(item_spec, ["o0"]).points == 0
    assert SINGLE.max_points(item_spec) == 1


def test_true_false_scores_zero_or_one():
    item_spec = {
        "options": [
            {"id": "t", "text": "True", "correct": False, "rationale": "no"},
            {"id": "f", "text": "False", "correct": True, "rationale": "yes"},
        ]
    }
    assert TRUEFALSE.grade(item_spec, ["f"]).is_correct
    assert TRUEFALSE.grade(item_spec, ["t"]).verdict == "incorrect"


def test_partial_grade_is_reported_as_partial():
    grade = SATA.grade(spec(True, True, False), ["o0"])
    assert grade.is_partial and grade.verdict == "partial"


@pytest.mark.parametrize(
    ("item_type", "flags", "message"),
    [
        ("single", (True, True, False), "exactly one correct"),
        ("single", (False, False), "exactly one correct"),
        ("multiple", (False, False, False), "at least one correct"),
        ("multiple", (True, True, True), "at least one incorrect"),
        ("single", (True,), "needs 2 to 8 options"),
    ],
)
def test_validation_names_what_is_wrong(item_type, flags, message):
    errors = get_item_type(item_type).validate(spec(*flags))
    assert any(message in e for e in errors), errors


def test_validation_refuses_empty_option_text_and_duplicates():
    bad = spec(True, False, False)
    bad["options"][1]["text"] = "  "
    bad["options"][2]["text"] = "Option 0"
    errors = SINGLE.validate(bad)
    assert "option 2 has no text" in errors
    assert "two options have the same text" in errors


def test_true_false_options_must_be_true_then_false():
    errors = TRUEFALSE.validate(spec(True, False))
    assert errors == ['options must be "True" then "False"']


def test_public_view_carries_no_key_and_no_rationale():
    view = SINGLE.public_view("Stem?", spec(False, True, False, False), random.Random(1))
    assert set(vars(view)) == {"stem", "options", "input_type", "instructions", "template"}
    assert all(set(vars(o)) == {"id", "text"} for o in view.options)


def test_options_are_shuffled_the_same_way_for_the_same_seed():
    item_spec = spec(True, False, False, False, False)
    first = [o.id for o in SINGLE.public_view("", item_spec, random.Random("7:1")).options]
    again = [o.id for o in SINGLE.public_view("", item_spec, random.Random("7:1")).options]
    orders = {
        tuple(o.id for o in SINGLE.public_view("", item_spec, random.Random(s)).options) for s in range(20)
    }
    assert first == again
    assert len(orders) > 1


def test_true_false_is_never_shuffled():
    item_spec = {
        "options": [
            {"id": "t", "text": "True", "correct": True, "rationale": "a"},
            {"id": "f", "text": "False", "correct": False, "rationale": "b"},
        ]
    }
    for seed in range(10):
        assert [o.text for o in TRUEFALSE.public_view("", item_spec, random.Random(seed)).options] == [
            "True",
            "False",
        ]


def test_parse_answer_refuses_foreign_ids_and_several_answers_to_a_single_item():
    item_spec = spec(True, False, False)
    with pytest.raises(InvalidAnswer):
        SINGLE.parse_answer(item_spec, chosen(["nope"]))
    with pytest.raises(InvalidAnswer):
        SINGLE.parse_answer(item_spec, chosen(["o0", "o1"]))
    with pytest.raises(EmptyAnswer):
        SATA.parse_answer(item_spec, chosen([]))
    assert SATA.parse_answer(item_spec, chosen(["o1", "o0", "o1"])) == ["o0", "o1"]


def test_review_lists_options_in_the_order_the_learner_saw_them():
    item_spec = spec(True, False, False, False)
    seen = [o.text for o in SINGLE.public_view("", item_spec, random.Random(3)).options]
    review = SINGLE.review(item_spec, ["o2"], random.Random(3))
    assert [o.text for o in review.options] == seen
    assert [o.text for o in review.options if o.chosen] == ["Option 2"]
    assert [o.text for o in review.options if o.is_key] == ["Option 0"]
