"""Ordering items: scoring per position or all or nothing, the shuffled first order, Move up / Move down
without JavaScript and with htmx, and the editor."""

import random
import re
from collections import Counter
from datetime import timedelta
from itertools import permutations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.items import AnswerInProgress, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from quizzes.models import Response, ReviewCard
from quizzes.taking import attempts
from tests.items.itemkit import HTMX, item_url, one_item_bank, post_answer, start, version_of

ORDERING = get_item_type("ordering")
IVIG_COURSE = {
    "scoring": "position",
    "steps": [
        {"text": "IVIG is started", "rationale": "R1"},
        {"text": "Strength improves within hours or days", "rationale": "R2"},
        {"text": "The benefit lasts 3 to 6 weeks or more", "rationale": "R3"},
        {"text": "The next infusion, about every 2 to 5 weeks", "rationale": "R4"},
    ],
}
SPEC = ORDERING.normalise(IVIG_COURSE)
A, B, C, D = ORDERING.key_answer(SPEC)


def with_scoring(scoring: str) -> dict:
    return SPEC | {"scoring": scoring}


@pytest.mark.parametrize(
    ("order", "scoring", "points", "most", "detail"),
    [
        ([A, B, C, D], "position", 4, 4, "4 of 4 steps in the right place"),
        ([A, B, D, C], "position", 2, 4, "2 of 4 steps in the right place"),
        ([B, A, D, C], "position", 0, 4, "0 of 4 steps in the right place"),
        ([D, C, B, A], "position", 0, 4, "0 of 4 steps in the right place"),
        ([A, C, B, D], "position", 2, 4, "2 of 4 steps in the right place"),
        ([A, B, C, D], "all-or-nothing", 1, 1, "4 of 4 steps in the right place"),
        ([A, B, D, C], "all-or-nothing", 0, 1, "2 of 4 steps in the right place"),
    ],
)
def test_scoring_per_position_or_all_or_nothing(order, scoring, points, most, detail):
    spec = with_scoring(scoring)
    answer = ORDERING.parse_answer(spec, form_data({"order": order}))
    grade = ORDERING.grade(spec, answer)
    assert (grade.points, grade.max_points, grade.detail) == (points, most, detail)
    assert ORDERING.max_points(spec) == most


@pytest.mark.parametrize("count", range(2, 9))
def test_the_first_order_is_shuffled_and_never_the_right_one(count):
    spec = ORDERING.normalise(
        {"scoring": "position", "steps": [{"text": f"S{n}", "rationale": "r"} for n in range(count)]}
    )
    key = ORDERING.key_answer(spec)
    orders = set()
    for seed in range(60):
        shown = [s.id for s in ORDERING.public_view("", spec, random.Random(f"{seed}:1")).steps]
        assert shown != key and sorted(shown) == sorted(key)
        orders.add(tuple(shown))
    assert len(orders) == 1 if count == 2 else len(orders) > 1  # two steps have one wrong order only
    assert [
        s.id for s in ORDERING.public_view("", spec, None).steps
    ] != key  # a quiz that keeps the written order


def ordering_of(count: int) -> dict:
    """A stored ordering item whose step ids are fixed, so every count below is the same on every run."""
    return {
        "scoring": "position",
        "steps": [{"id": f"s{n}", "text": f"S{n}", "rationale": "r"} for n in range(count)],
    }


def chi_square(counts: Counter, orders: list[tuple]) -> float:
    """Pearson's statistic of the counts against every order in `orders` being as likely."""
    expected = sum(counts.values()) / len(orders)
    return sum((counts[order] - expected) ** 2 / expected for order in orders)


# The 99.9th percentile of chi-square with (orders - 1) degrees of freedom: the seeds are fixed, so the
# test never flakes, and a uniform shuffle passes it with a wide margin (one rotation shown twice as often
# as the rest, as before the fix, scores in the hundreds).
CHI_SQUARE_999 = {4: 18.47, 22: 48.27}


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_first_order_is_uniform_over_every_order_but_the_key(count):
    spec = ordering_of(count)
    key = tuple(ORDERING.key_answer(spec))
    wrong_orders = [order for order in permutations(key) if order != key]
    shown = Counter(
        tuple(s.id for s in ORDERING.public_view("", spec, random.Random(f"{seed}:{count}")).steps)
        for seed in range(400 * len(wrong_orders))
    )
    assert set(shown) == set(wrong_orders)  # every order but the key, and never the key
    if len(wrong_orders) > 1:
        assert chi_square(shown, wrong_orders) < CHI_SQUARE_999[len(wrong_orders) - 1], shown


@pytest.mark.parametrize("count", [2, 3, 4])
def test_without_a_seed_the_first_order_is_still_never_the_key_and_varies_by_item(count):
    # A quiz that keeps options as written passes no rng: the steps are still shuffled (by their ids).
    shown = Counter()
    for item in range(300 * count):
        spec = {
            "scoring": "position",
            "steps": [s | {"id": f"{item}-{s['id']}"} for s in ordering_of(count)["steps"]],
        }
        order = tuple(s.id.partition("-")[2] for s in ORDERING.public_view("", spec, None).steps)
        assert [s.id for s in ORDERING.public_view("", spec, None).steps] == [
            f"{item}-{i}" for i in order
        ]  # the same item shows the same order on every visit
        shown[order] += 1
    key = tuple(ORDERING.key_answer(ordering_of(count)))
    assert set(shown) == {order for order in permutations(key) if order != key}


def test_the_same_slot_shows_the_same_order_and_a_draft_shows_itself():
    first = [s.id for s in ORDERING.public_view("", SPEC, random.Random("9:3")).steps]
    assert [s.id for s in ORDERING.public_view("", SPEC, random.Random("9:3")).steps] == first
    assert [s.id for s in ORDERING.public_view("", SPEC, None, [D, A, B, C]).steps] == [D, A, B, C]
    # Something that is not an order of these steps is not followed.
    assert [s.id for s in ORDERING.public_view("", SPEC, random.Random("9:3"), [A, A, B, C]).steps] == first


@pytest.mark.parametrize(
    ("order", "move", "after", "focus"),
    [
        ([B, A, C, D], f"up:{A}", [A, B, C, D], f"down:{A}"),  # reached the top: Move down keeps the focus
        ([B, C, A, D], f"up:{A}", [B, A, C, D], f"up:{A}"),
        ([A, B, C, D], f"down:{B}", [A, C, B, D], f"down:{B}"),
        ([A, B, D, C], f"down:{D}", [A, B, C, D], f"up:{D}"),  # reached the bottom
        ([A, B, C, D], f"up:{A}", [A, B, C, D], f"down:{A}"),  # already first: nothing moves
    ],
)
def test_a_move_rearranges_without_submitting(order, move, after, focus):
    with pytest.raises(AnswerInProgress) as change:
        ORDERING.parse_answer(SPEC, form_data({"order": order, "move": move}))
    assert (change.value.draft, change.value.focus) == (after, focus)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"order": [A, B, C]},
        {"order": [A, B, C, C]},
        {"order": [A, B, C, D, A]},
        {"order": [A, B, C, "forged"]},
        {"order": [A, B, C, D], "move": f"left:{A}"},
        {"order": [A, B, C, D], "move": "up:forged"},
        {"order": [A, B, C, D], "move": "up"},
    ],
)
def test_orders_and_moves_no_page_sends_are_invalid(data):
    with pytest.raises(InvalidAnswer):
        ORDERING.parse_answer(SPEC, form_data(data))


def test_the_review_compares_each_step_with_the_right_one():
    review = ORDERING.review(SPEC, [A, C, B, D], None)
    assert [(p.label, p.given, p.key, p.right) for p in review.parts][:2] == [
        ("Step 1", "IVIG is started", "IVIG is started", True),
        ("Step 2", "The benefit lasts 3 to 6 weeks or more", "Strength improves within hours or days", False),
    ]
    assert [p.rationale for p in review.parts] == ["R1", "R2", "R3", "R4"]
    unanswered = ORDERING.review(SPEC, None, None)
    assert unanswered.grade.points == 0 and all(p.given == "" and not p.right for p in unanswered.parts)


def steps(*rows) -> list[dict]:
    return [{"text": f"S{n}", "rationale": "r"} | row for n, row in enumerate(rows)]


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"scoring": "most", "steps": steps({}, {}, {})}, "scoring", "scoring must be one of"),
        ({"scoring": "position", "steps": steps({}, {})}, "steps", "needs 3 to 8 steps, has 2"),
        ({"scoring": "position", "steps": steps(*[{}] * 9)}, "steps", "needs 3 to 8 steps"),
        ({"scoring": "position", "steps": steps({}, {"text": ""}, {})}, "steps.1.text", "no text"),
        ({"scoring": "position", "steps": steps({}, {"text": "s0"}, {})}, "steps.1.text", "same text"),
        (
            {"scoring": "position", "steps": steps({}, {"rationale": " "}, {})},
            "steps.1.rationale",
            "no rationale",
        ),
        ({"scoring": "position", "steps": "S"}, "steps", "must be a list"),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = ORDERING.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0], errors


def editor(scoring: str, *rows) -> dict:
    data = {
        "spec-scoring": scoring,
        "spec-steps-TOTAL_FORMS": str(len(rows)),
        "spec-steps-INITIAL_FORMS": "0",
    }
    for index, (text, rationale) in enumerate(rows):
        data[f"spec-steps-{index}-text"] = text
        data[f"spec-steps-{index}-rationale"] = rationale
    return form_data(data)


def test_the_editor_builds_the_steps_in_order():
    rows = [("First", "a"), ("Second", "b"), ("Third", "c")]
    form = ORDERING.spec_form(editor("all-or-nothing", *rows, ("", "")))
    assert form.is_valid()
    assert form.draft() == {
        "scoring": "all-or-nothing",
        "steps": [{"text": text, "rationale": why} for text, why in rows],
    }
    assert len(ORDERING.spec_form(spec=SPEC).formsets["steps"].forms) == 6  # four steps and two blank rows
    # A new item starts with the three steps it needs at least, and two blank rows to grow into.
    assert len(ORDERING.spec_form().formsets["steps"].forms) == 5


def test_a_new_item_needs_three_steps_but_a_saved_two_step_version_is_still_shown():
    two = ORDERING.normalise({"scoring": "position", "steps": steps({}, {})})
    assert ORDERING.validate(two) == ["needs 3 to 8 steps, has 2"]
    form = ORDERING.spec_form(editor("position", ("First", "a"), ("Second", "b")))
    assert not form.is_valid() and form.formsets["steps"].non_form_errors() == ["needs 3 to 8 steps, has 2"]
    # Saved before the rule: shown, in its only wrong order, and graded as before.
    key = ORDERING.key_answer(two)
    assert [s.id for s in ORDERING.public_view("", two, random.Random("1:1")).steps] == key[::-1]
    assert [s.id for s in ORDERING.public_view("", two, None).steps] == key[::-1]
    assert ORDERING.grade(two, key).is_correct


def test_editor_errors_sit_next_to_the_field():
    form = ORDERING.spec_form(editor("", ("First", "a"), ("first", ""), ("Third", "c")))
    assert not form.is_valid()
    assert "scoring" in form.form.errors
    assert form.formsets["steps"].forms[1].errors == {
        "text": ["two steps have the same text"],
        "rationale": ["step 2 has no rationale"],
    }
    form = ORDERING.spec_form(editor("position", ("Only", "a")))
    assert not form.is_valid() and form.formsets["steps"].non_form_errors() == ["needs 3 to 8 steps, has 1"]


# -- through the learner's pages --------------------------------------------------------------------------


def shown_order(html: str) -> list[str]:
    return re.findall(r'name="order" value="(\w+)"', html)


@pytest.fixture
def bank(db):
    return one_item_bank("ordering", IVIG_COURSE)


def test_moving_a_step_without_javascript_shows_the_page_again_and_records_nothing(
    learner_client, learner, bank
):
    attempt = start(learner, bank)
    order = shown_order(learner_client.get(item_url(attempt)).content.decode())
    response = post_answer(learner_client, attempt, {"order": order, "move": f"up:{order[2]}"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert shown_order(html) == [order[0], order[2], order[1], order[3]]
    assert f'value="up:{order[2]}" autofocus data-swap-focus' in html
    assert 'id="question-heading" tabindex="-1">' in html  # the heading does not take the focus
    assert "is now step 2 of 4." in html
    assert not Response.objects.exists()


def test_moving_a_step_with_htmx_swaps_the_card_and_keeps_the_focus_on_the_button(
    learner_client, learner, bank
):
    attempt = start(learner, bank)
    order = shown_order(learner_client.get(item_url(attempt)).content.decode())
    html = post_answer(
        learner_client, attempt, {"order": order, "move": f"down:{order[0]}"}, **HTMX
    ).content.decode()
    assert html.lstrip().startswith('<section id="question-card"')
    assert shown_order(html) == [order[1], order[0], order[2], order[3]]
    assert html.count("data-swap-focus") == 1 and f'value="down:{order[0]}" autofocus data-swap-focus' in html


def test_the_order_put_together_is_the_answer(learner_client, learner, bank):
    attempt = start(learner, bank)
    key = ORDERING.key_answer(version_of(attempt).spec)
    swapped = [key[1], key[0], *key[2:]]
    html = post_answer(learner_client, attempt, {"order": swapped}, **HTMX).content.decode()
    assert "Partly correct" in html and "2 of 4 points (2 of 4 steps in the right place)" in html
    assert Response.objects.get().answer == swapped


def test_an_exam_shows_the_saved_order_again(learner_client, learner, bank):
    attempt = start(learner, bank, "exam")
    key = ORDERING.key_answer(version_of(attempt).spec)
    post_answer(learner_client, attempt, {"order": key})
    assert shown_order(learner_client.get(item_url(attempt)).content.decode()) == key


def test_a_quiz_with_shuffling_off_still_never_shows_the_key_order(learner_client, learner, bank):
    bank.quizzes.update(shuffle_options=False)
    orders = set()
    for _ in range(3):
        attempt = start(learner, bank)
        assert attempt.option_rng(attempt.slots.get()) is None  # no seed: the steps' ids shuffle them
        key = ORDERING.key_answer(version_of(attempt).spec)
        shown = shown_order(learner_client.get(item_url(attempt)).content.decode())
        assert sorted(shown) == sorted(key) and shown != key
        orders.add(tuple(shown))
        attempts.finish_attempt(attempt)
    assert len(orders) == 1  # the same on every attempt, as a quiz that does not shuffle promises


def test_a_move_makes_a_fixed_number_of_queries(learner_client, learner, bank):
    attempt = start(learner, bank)
    order = shown_order(learner_client.get(item_url(attempt)).content.decode())
    with CaptureQueriesContext(connection) as queries:
        post_answer(learner_client, attempt, {"order": order, "move": f"up:{order[1]}"}, **HTMX)
    # the attempt locked with its quiz, the slot (+ the next) with version and response; nothing written
    assert sum("SAVEPOINT" not in q["sql"] for q in queries.captured_queries) == 1


def test_steps_move_in_a_review_session_too(learner_client, learner, bank):
    attempt = start(learner, bank)
    spec = version_of(attempt).spec
    attempts.record_answer(attempt, 1, form_data({"order": list(reversed(ORDERING.key_answer(spec)))}))
    attempts.finish_attempt(attempt)
    ReviewCard.objects.update(due=timezone.now() - timedelta(minutes=1))
    card = ReviewCard.objects.get()
    order = shown_order(learner_client.get(reverse("quizzes:review-next")).content.decode())
    url = reverse("quizzes:review-answer", args=[card.pk])
    html = learner_client.post(
        url, {"round": card.review_count, "order": order, "move": f"up:{order[3]}"}, **HTMX
    )
    html = html.content.decode()
    assert html.lstrip().startswith('<section id="review-card"')
    assert shown_order(html) == [*order[:2], order[3], order[2]]
    assert 'id="review-heading" tabindex="-1">' in html
    assert ReviewCard.objects.get().review_count == card.review_count  # nothing was rated
