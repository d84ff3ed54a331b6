"""Drop-down cloze items: 0/1 per blank, the passage's marks, each blank's own choices, and the editor."""

import random

import pytest

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from quizzes.models import Response
from tests.conftest import without_tokens
from tests.items.itemkit import HTMX, item_url, one_item_bank, post_answer, start, version_of

CLOZE = get_item_type("cloze")
# Choices in the neutral (alphabetical) order a stored spec keeps them in, so the file round-trips.
IVIG = {
    "passage": "IVIG is the [[1]] treatment for MMN. Strength usually improves within [[2]]; the benefit "
    "lasts [[3]] or more, so infusions are repeated about every [[4]].",
    "blanks": [
        {"choices": ["first-line", "last-resort"], "correct": "first-line", "rationale": "R1"},
        {"choices": ["6 to 12 months", "hours or days"], "correct": "hours or days", "rationale": "R2"},
        {"choices": ["1 to 2 days", "3 to 6 weeks", "a year"], "correct": "3 to 6 weeks", "rationale": "R3"},
        {"choices": ["2 to 5 weeks", "6 months"], "correct": "2 to 5 weeks", "rationale": "R4"},
    ],
}
SPEC = CLOZE.normalise(IVIG)
B = [b["id"] for b in SPEC["blanks"]]
RIGHT = CLOZE.key_answer(SPEC)
WRONG = {b["id"]: next(c["id"] for c in b["choices"] if c["text"] != b["correct"]) for b in SPEC["blanks"]}


def pick(*right: bool) -> dict:
    return form_data(
        {f"blank-{blank}": (RIGHT if ok else WRONG)[blank] for blank, ok in zip(B, right, strict=True)}
    )


@pytest.mark.parametrize(
    ("right", "points"),
    [
        ((True, True, True, True), 4),
        ((True, False, True, True), 3),
        ((False, True, False, True), 2),
        ((False, False, False, False), 0),
    ],
)
def test_each_blank_scores_zero_or_one(right, points):
    answer = CLOZE.parse_answer(SPEC, pick(*right))
    grade = CLOZE.grade(SPEC, answer)
    assert (grade.points, grade.max_points, grade.detail) == (points, 4, f"{points} of 4 blanks right")
    review = CLOZE.review(SPEC, answer, None)
    assert [part.right for part in review.parts] == list(right)
    assert [s.blank.right for s in review.segments if s.blank] == list(right)


def test_a_blank_left_out_is_a_form_error_that_keeps_the_others():
    data = pick(True, True, True, True)
    del data[f"blank-{B[3]}"]
    with pytest.raises(
        FixableAnswer, match="Fill in every blank before submitting: 1 blank has no answer yet"
    ) as error:
        CLOZE.parse_answer(SPEC, data)
    assert error.value.draft == {B[0]: RIGHT[B[0]], B[1]: RIGHT[B[1]], B[2]: RIGHT[B[2]], B[3]: None}
    with pytest.raises(EmptyAnswer):
        CLOZE.parse_answer(SPEC, form_data({}))


@pytest.mark.parametrize(
    "data",
    [
        {f"blank-{B[0]}": "forged"},
        {f"blank-{B[0]}": RIGHT[B[1]]},  # another blank's choice
        {f"blank-{B[0]}": [RIGHT[B[0]], WRONG[B[0]]]},
    ],
)
def test_choices_no_page_sends_are_invalid(data):
    with pytest.raises(InvalidAnswer) as error:
        CLOZE.parse_answer(SPEC, form_data(data))
    assert not isinstance(error.value, FixableAnswer)


def test_the_public_view_is_the_passage_with_its_blanks_and_no_key():
    view = CLOZE.public_view("", SPEC, random.Random(2))
    assert [s.blank.number for s in view.segments if s.blank] == [1, 2, 3, 4]
    assert (
        view.segments[0].text == "IVIG is the "
        and view.segments[2].text == " treatment for MMN. Strength usually improves within "
    )
    blank = view.segments[1].blank
    assert set(vars(blank)) == {"id", "number", "choices", "chosen"}
    assert {c.text for c in blank.choices} == {"first-line", "last-resort"}
    orders = {
        tuple(c.id for c in CLOZE.public_view("", SPEC, random.Random(s)).segments[5].blank.choices)
        for s in range(20)
    }
    assert len(orders) > 1  # the choices are shuffled, by the seed


@pytest.mark.parametrize(
    ("passage", "message"),
    [
        ("No blanks here.", "[[1]], [[2]], [[3]], [[4]]"),
        ("[[1]] [[2]] [[3]]", "once each and in order"),
        ("[[1]] [[3]] [[2]] [[4]]", "once each and in order"),
        ("[[1]] [[2]] [[3]] [[4]] [[4]]", "once each and in order"),
        ("[[1]] [[2]] [[3]] [[4]] [[5]]", "once each and in order"),
        ("  ", "the passage is empty"),
        ("[[1]] [[2]] [[3]] [[4]]" + "x" * 3000, "over 3000"),
    ],
)
def test_the_passage_marks_each_blank_once_in_order(passage, message):
    errors = CLOZE.validate(IVIG | {"passage": passage})
    assert [e.field for e in errors] == ["passage"] and message in errors[0]


def blanks(*changes) -> list[dict]:
    return [{"choices": ["a", "b"], "correct": "a", "rationale": "r"} | c for c in changes]


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"passage": "x", "blanks": []}, "blanks", "needs 1 to 8 blanks"),
        (
            {"passage": "[[1]]", "blanks": blanks({"choices": ["a"]})},
            "blanks.0.choices",
            "needs 2 to 6 choices",
        ),
        (
            {"passage": "[[1]]", "blanks": blanks({"choices": ["a", "A"]})},
            "blanks.0.choices.1",
            "listed twice",
        ),
        (
            {"passage": "[[1]]", "blanks": blanks({"correct": "c"})},
            "blanks.0.correct",
            "“c” is not one of its choices",
        ),
        ({"passage": "[[1]]", "blanks": blanks({"correct": ""})}, "blanks.0.correct", "no right choice"),
        ({"passage": "[[1]]", "blanks": blanks({"rationale": ""})}, "blanks.0.rationale", "no rationale"),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = CLOZE.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0], errors


def test_the_stored_spec_gives_the_file_back():
    assert CLOZE.validate(IVIG) == [] and CLOZE.content(SPEC) == IVIG and CLOZE.max_points(SPEC) == 4


def editor(passage: str, *rows) -> dict:
    data = {
        "spec-passage": passage,
        "spec-blanks-TOTAL_FORMS": str(len(rows)),
        "spec-blanks-INITIAL_FORMS": "0",
    }
    for index, (choices, correct, rationale) in enumerate(rows):
        data |= {f"spec-blanks-{index}-choices": choices, f"spec-blanks-{index}-correct": correct}
        data[f"spec-blanks-{index}-rationale"] = rationale
    return form_data(data)


def test_the_editor_builds_the_blanks_and_forgives_the_capitals_of_the_right_choice():
    form = CLOZE.spec_form(editor("IVIG is [[1]].", ("first-line\n\nlast-resort", "First-Line", "why")))
    assert form.is_valid()
    assert form.draft() == {
        "passage": "IVIG is [[1]].",
        "blanks": [{"choices": ["first-line", "last-resort"], "correct": "first-line", "rationale": "why"}],
    }


def test_editor_errors_sit_next_to_the_field():
    form = CLOZE.spec_form(editor("IVIG is [[2]].", ("a\nb", "c", "")))
    assert not form.is_valid()
    assert form.form.errors == {"passage": ["the passage must mark its blanks [[1]], once each and in order"]}
    assert form.formsets["blanks"].forms[0].errors == {
        "correct": ["blank 1: “c” is not one of its choices"],
        "rationale": ["blank 1 has no rationale"],
    }
    form = CLOZE.spec_form(editor("[[1]]", ("only", "only", "r")))
    assert not form.is_valid()
    assert form.formsets["blanks"].forms[0].errors == {"choices": ["blank 1: needs 2 to 6 choices, has 1"]}


def test_the_editor_starts_from_the_saved_spec():
    form = CLOZE.spec_form(spec=SPEC)
    assert form.form.initial == {"passage": IVIG["passage"]}
    assert form.formsets["blanks"].forms[2].initial["choices"] == "1 to 2 days\n3 to 6 weeks\na year"
    assert form.draft() == IVIG


@pytest.mark.django_db
def test_the_page_shows_the_passage_with_drop_downs_and_partial_credit(learner_client, learner):
    attempt = start(learner, one_item_bank("cloze", IVIG))
    html = learner_client.get(item_url(attempt)).content.decode()
    assert '<p class="cloze">IVIG is the <label class="visually-hidden" for="blank-' in html
    assert html.count("<select") == 4 and "R1" not in without_tokens(html)
    spec = version_of(attempt).spec
    key = CLOZE.key_answer(spec)
    fields = {f"blank-{b}": c for b, c in key.items()}
    last = spec["blanks"][3]
    fields[f"blank-{last['id']}"] = next(c["id"] for c in last["choices"] if c["text"] == "6 months")
    html = post_answer(learner_client, attempt, fields, **HTMX).content.decode()
    assert "Partly correct" in html and "3 of 4 points (3 of 4 blanks right)" in html
    assert "<mark>(4) 6 months" in html and "R4" in html
    assert Response.objects.get().points == 3
