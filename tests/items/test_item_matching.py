"""Matching items: 0/1 per pair, more responses than premises, answers left out, and the editor."""

import random
from dataclasses import asdict

import pytest

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from quizzes.models import Response
from tests.items.itemkit import HTMX, one_item_bank, post_answer, start, version_of

MATCHING = get_item_type("matching")
TREATMENTS = {
    "premises": [
        {"text": "IVIG", "match": "First-line treatment", "rationale": "R-IVIG"},
        {
            "text": "Cyclophosphamide",
            "match": "Temporarily effective in a few patients",
            "rationale": "R-cyclo",
        },
        {
            "text": "Corticosteroids",
            "match": "Ineffective, and can make MMN worse",
            "rationale": "R-steroids",
        },
        {"text": "Plasma exchange", "match": "Ineffective, and can make MMN worse", "rationale": "R-plasma"},
    ],
    # In the neutral (alphabetical) order a stored spec keeps them in, so the example round-trips.
    "responses": [
        "Cures MMN for good",
        "First-line treatment",
        "Ineffective, and can make MMN worse",
        "Temporarily effective in a few patients",
    ],
}
SPEC = MATCHING.normalise(TREATMENTS)
P = [p["id"] for p in SPEC["premises"]]
CURES, FIRST, WORSE, CYCLO = (r["id"] for r in SPEC["responses"])


def form(*responses) -> dict:
    return form_data(
        {f"match-{premise}": response for premise, response in zip(P, responses, strict=True) if response}
    )


@pytest.mark.parametrize(
    ("responses", "points", "detail"),
    [
        ((FIRST, CYCLO, WORSE, WORSE), 4, "4 of 4 pairs right"),  # one response matching two premises
        ((FIRST, CYCLO, WORSE, CURES), 3, "3 of 4 pairs right"),
        ((CYCLO, FIRST, WORSE, WORSE), 2, "2 of 4 pairs right"),
        ((WORSE, WORSE, WORSE, WORSE), 2, "2 of 4 pairs right"),
        ((CURES, CURES, CURES, CURES), 0, "0 of 4 pairs right"),  # the distractor matches nothing
    ],
)
def test_each_pair_scores_zero_or_one(responses, points, detail):
    answer = MATCHING.parse_answer(SPEC, form(*responses))
    grade = MATCHING.grade(SPEC, answer)
    assert (grade.points, grade.max_points, grade.detail) == (points, 4, detail)
    review = MATCHING.review(SPEC, answer, None)
    assert sum(part.right for part in review.parts) == points
    assert [part.label for part in review.parts] == [p["text"] for p in TREATMENTS["premises"]]


def test_a_premise_left_out_is_a_form_error_that_keeps_the_others():
    with pytest.raises(FixableAnswer, match="1 item has no answer yet") as error:
        MATCHING.parse_answer(SPEC, form(FIRST, CYCLO, None, WORSE))
    assert error.value.draft == {P[0]: FIRST, P[1]: CYCLO, P[2]: None, P[3]: WORSE}
    with pytest.raises(FixableAnswer, match="2 items have no answer yet"):
        MATCHING.parse_answer(SPEC, form(FIRST, None, None, WORSE))


def test_nothing_matched_is_an_empty_answer():
    with pytest.raises(EmptyAnswer, match="Match every item"):
        MATCHING.parse_answer(SPEC, form_data({f"match-{P[0]}": ""}))


@pytest.mark.parametrize(
    "data",
    [
        {f"match-{P[0]}": "not-a-response"},
        {f"match-{P[0]}": P[1]},  # a premise's id is not a response
        {f"match-{P[0]}": [FIRST, CYCLO]},
        {f"match-{P[0]}": "x" * 500},
    ],
)
def test_forged_choices_are_invalid(data):
    with pytest.raises(InvalidAnswer) as error:
        MATCHING.parse_answer(SPEC, form_data(data))
    assert not isinstance(error.value, FixableAnswer)


def test_fields_for_other_premises_are_ignored():
    data = form(FIRST, CYCLO, WORSE, WORSE)
    data["match-ghost"] = "x"
    answer = MATCHING.parse_answer(SPEC, data)
    assert set(answer) == set(P)


def test_the_public_view_has_no_key_and_shuffles_only_the_responses():
    view = MATCHING.public_view("Stem", SPEC, random.Random(4))
    assert [p.text for p in view.premises] == [p["text"] for p in TREATMENTS["premises"]]
    assert all(set(vars(p)) == {"id", "text", "chosen"} for p in view.premises)
    assert all(set(vars(r)) == {"id", "text"} for r in view.responses) and "R-" not in str(asdict(view))
    orders = {
        tuple(r.id for r in MATCHING.public_view("", SPEC, random.Random(seed)).responses)
        for seed in range(20)
    }
    assert len(orders) > 1
    again = [r.id for r in MATCHING.public_view("", SPEC, random.Random(4)).responses]
    assert again == [r.id for r in view.responses]


def test_the_public_view_shows_the_choices_made_so_far():
    view = MATCHING.public_view("", SPEC, None, {P[0]: CYCLO})
    assert [p.chosen for p in view.premises] == [CYCLO, None, None, None]


def premises(*rows) -> list[dict]:
    return [{"text": f"P{n}", "match": "A", "rationale": "r"} | row for n, row in enumerate(rows)]


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"premises": premises({}), "responses": ["A", "B"]}, "premises", "needs 2 to 8 items"),
        ({"premises": premises({}, {}), "responses": ["A"]}, "responses", "needs 2 to 12 responses"),
        ({"premises": premises({}, {}), "responses": ["A", "a"]}, "responses.1", "listed twice"),
        ({"premises": premises({}, {}), "responses": ["A", " "]}, "responses.1", "has no text"),
        ({"premises": premises({}, {}), "responses": "A"}, "responses", "must be a list"),
        (
            {"premises": premises({}, {"match": "C"}), "responses": ["A", "B"]},
            "premises.1.match",
            "not one of",
        ),
        ({"premises": premises({}, {"match": ""}), "responses": ["A", "B"]}, "premises.1.match", "no match"),
        ({"premises": premises({}, {"text": "P0"}), "responses": ["A", "B"]}, "premises.1.text", "same text"),
        (
            {"premises": premises({}, {"rationale": ""}), "responses": ["A", "B"]},
            "premises.1.rationale",
            "rationale",
        ),
        ({"premises": "P", "responses": ["A", "B"]}, "premises", "must be a list"),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = MATCHING.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0], errors


def test_the_example_round_trips_through_the_stored_spec():
    assert MATCHING.validate(TREATMENTS) == [] and MATCHING.content(SPEC) == TREATMENTS
    assert MATCHING.max_points(SPEC) == 4


# -- the editor's form ------------------------------------------------------------------------------------


def editor(responses: str, *rows) -> dict:
    data = {"spec-responses": responses, "spec-premises-TOTAL_FORMS": str(len(rows))}
    data["spec-premises-INITIAL_FORMS"] = "0"
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"spec-premises-{index}-{name}"] = value
    return form_data(data)


def test_the_editor_builds_the_spec_and_forgives_the_capitals_of_a_match():
    form = MATCHING.spec_form(
        editor(
            "First-line\n\nWorse\nCures",
            {"text": "IVIG", "match": "first-LINE", "rationale": "Yes."},
            {"text": "Steroids", "match": "Worse", "rationale": "Yes."},
        )
    )
    assert form.is_valid()
    assert form.draft() == {
        "premises": [
            {"text": "IVIG", "match": "First-line", "rationale": "Yes."},
            {"text": "Steroids", "match": "Worse", "rationale": "Yes."},
        ],
        "responses": ["First-line", "Worse", "Cures"],
    }


def test_editor_errors_sit_next_to_the_field():
    form = MATCHING.spec_form(
        editor(
            "A\nA",
            {"text": "X", "match": "B", "rationale": "r"},
            {"text": "Y", "match": "A", "rationale": ""},
        )
    )
    assert not form.is_valid()
    assert form.form.errors == {"responses": ["response “A” is listed twice"]}
    rows = form.formsets["premises"].forms
    assert rows[0].errors == {"match": ["item 1: “B” is not one of the responses"]}
    assert rows[1].errors == {"rationale": ["item 2 has no rationale"]}


def test_the_editor_starts_from_the_saved_spec():
    form = MATCHING.spec_form(spec=SPEC)
    assert form.form.initial["responses"].splitlines() == TREATMENTS["responses"]
    assert form.formsets["premises"].forms[1].initial["match"] == "Temporarily effective in a few patients"
    assert form.draft() == TREATMENTS


@pytest.mark.django_db
def test_partial_credit_and_a_left_out_item_through_the_page(learner_client, learner):
    attempt = start(learner, one_item_bank("matching", TREATMENTS))
    spec = version_of(attempt).spec
    ids = [p["id"] for p in spec["premises"]]
    _, first, worse, cyclo = (r["id"] for r in spec["responses"])
    html = post_answer(learner_client, attempt, {f"match-{ids[0]}": cyclo}, **HTMX).content.decode()
    assert "3 items have no answer yet" in html and not Response.objects.exists()
    assert f'<option value="{cyclo}" selected>' in html  # the choice made is kept
    fields = {
        f"match-{ids[0]}": first,
        f"match-{ids[1]}": cyclo,
        f"match-{ids[2]}": worse,
        f"match-{ids[3]}": first,
    }
    html = post_answer(learner_client, attempt, fields, **HTMX).content.decode()
    assert "Partly correct" in html and "3 of 4 points (3 of 4 pairs right)" in html
