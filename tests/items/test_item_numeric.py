"""Numeric items: reading what learners type, grading against a tolerance or a range, and the editor."""

import pytest
from django.http import QueryDict

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from quizzes.models import Response
from tests.items.itemkit import HTMX, one_item_bank, post_answer, start

NUMERIC = get_item_type("numeric")
PREVALENCE = {"accept": {"value": 0.6, "tolerance": 0}, "unit": "per 100,000"}
ANTI_GM1 = {"accept": {"min": 30, "max": 80}, "unit": "%"}


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0.6", 0.6),
        ("0,6", 0.6),  # a decimal comma
        ("6e-1", 0.6),
        ("6E-1", 0.6),
        (" .6 ", 0.6),
        ("+0.6", 0.6),
        ("0.60", 0.6),
        ("0.6 per 100,000", 0.6),  # the unit may follow the number
        ("50", 50),
        ("-3", -3),
    ],
)
def test_numbers_are_read_in_every_usual_spelling(typed, number):
    assert NUMERIC.parse_answer(PREVALENCE, form_data({"number": typed})) == number


@pytest.mark.parametrize("typed", ["abc", "0.6.1", "six", "1e999", "0,6,1", "--1", "1/2", "e5"])
def test_text_that_is_not_a_number_is_a_form_error_that_keeps_what_was_typed(typed):
    with pytest.raises(FixableAnswer) as error:
        NUMERIC.parse_answer(PREVALENCE, form_data({"number": typed}))
    assert "is not a number" in str(error.value) and error.value.draft == typed.strip()
    assert not isinstance(error.value, EmptyAnswer)


@pytest.mark.parametrize("form", [{}, {"number": ""}, {"number": "   "}])
def test_nothing_typed_is_an_empty_answer(form):
    with pytest.raises(EmptyAnswer, match="Type a number"):
        NUMERIC.parse_answer(PREVALENCE, form_data(form))


@pytest.mark.parametrize("form", [{"number": "1" * 201}, {"number": ["1", "2"]}])
def test_a_form_no_page_sends_is_invalid_not_fixable(form):
    with pytest.raises(InvalidAnswer) as error:
        NUMERIC.parse_answer(PREVALENCE, form_data(form))
    assert not isinstance(error.value, FixableAnswer)


@pytest.mark.parametrize(
    ("accept", "answer", "points"),
    [
        ({"value": 0.6, "tolerance": 0}, 0.6, 1),
        ({"value": 0.6, "tolerance": 0}, 0.1 + 0.5, 1),  # float noise is not a mistake
        ({"value": 0.6, "tolerance": 0}, 0.61, 0),
        ({"value": 3, "tolerance": 0.5}, 2.5, 1),  # the tolerance's edges count
        ({"value": 3, "tolerance": 0.5}, 3.5, 1),
        ({"value": 3, "tolerance": 0.5}, 3.51, 0),
        ({"min": 30, "max": 80}, 30, 1),  # so do the range's
        ({"min": 30, "max": 80}, 80, 1),
        ({"min": 30, "max": 80}, 55, 1),
        ({"min": 30, "max": 80}, 29.9, 0),
        ({"min": 30, "max": 80}, 81, 0),
    ],
)
def test_grading_is_zero_or_one_within_the_tolerance_or_range(accept, answer, points):
    grade = NUMERIC.grade({"accept": accept, "unit": ""}, answer)
    assert (grade.points, grade.max_points) == (points, 1)


def test_an_unanswered_item_scores_nothing_and_says_so():
    review = NUMERIC.review(ANTI_GM1, None, None)
    assert review.grade.points == 0 and review.parts[0].given == ""
    assert review.parts[0].key == "any number from 30 to 80 %"


def test_the_review_says_what_was_typed_and_the_key():
    review = NUMERIC.review({"accept": {"value": 3, "tolerance": 0.5}, "unit": "weeks"}, 4, None)
    part = review.parts[0]
    assert (part.given, part.key, part.right) == ("4 weeks", "3 (± 0.5) weeks", False)


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"accept": {"value": "0.6", "tolerance": 0}, "unit": ""}, "accept.value", "needs a value"),
        ({"accept": {"value": 1, "tolerance": -1}, "unit": ""}, "accept.tolerance", "0 or more"),
        ({"accept": {"min": 80, "max": 30}, "unit": ""}, "accept.max", "above the lowest"),
        ({"accept": {"min": 5, "max": 5}, "unit": ""}, "accept.max", "above the lowest"),
        ({"accept": {"min": None, "max": 3}, "unit": ""}, "accept.min", "lowest value"),
        ({"accept": {"value": 1}, "unit": ""}, "accept", "accept must be"),
        ({"accept": [1], "unit": ""}, "accept", "accept must be"),
        ({"accept": {"value": 1, "tolerance": 0}, "unit": 5}, "unit", "unit must be text"),
        ({"accept": {"value": 1, "tolerance": 0}, "unit": "x" * 41}, "unit", "at most 40"),
        ({"accept": {"value": float("nan"), "tolerance": 0}, "unit": ""}, "accept.value", "needs a value"),
        ({"accept": {"value": True, "tolerance": 0}, "unit": ""}, "accept.value", "needs a value"),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = NUMERIC.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0]


def test_the_examples_of_the_issue_are_valid():
    assert NUMERIC.validate(PREVALENCE) == [] and NUMERIC.validate(ANTI_GM1) == []


# -- the editor's form ------------------------------------------------------------------------------------


def editor(**fields) -> QueryDict:
    return form_data({f"spec-{name}": value for name, value in fields.items()})


def test_the_editor_builds_a_value_with_a_tolerance_from_either_decimal_mark():
    form = NUMERIC.spec_form(editor(kind="value", value="0,6", tolerance="", unit=" per 100,000 "))
    assert form.is_valid(), form.form.errors
    assert form.draft() == {"accept": {"value": 0.6, "tolerance": 0}, "unit": "per 100,000"}
    assert NUMERIC.normalise(form.draft()) == PREVALENCE


def test_the_editor_builds_a_range():
    form = NUMERIC.spec_form(editor(kind="range", minimum="30", maximum="80", unit="%"))
    assert form.is_valid() and form.draft() == ANTI_GM1


def test_editor_errors_sit_next_to_their_field_once():
    form = NUMERIC.spec_form(editor(kind="value", value="about half", tolerance="x"))
    assert not form.is_valid()
    assert form.form.errors == {
        "value": ["Enter a number, for example 0.6."],
        "tolerance": ["Enter a number, for example 0.6."],
    }
    form = NUMERIC.spec_form(editor(kind="range", minimum="80", maximum="30"))
    assert not form.is_valid() and form.form.errors == {
        "maximum": ["the highest value must be above the lowest"]
    }
    form = NUMERIC.spec_form(editor(kind="value"))
    assert not form.is_valid() and form.form.errors == {"value": ["the answer needs a value (a number)"]}


def test_the_editor_starts_from_the_saved_key():
    assert NUMERIC.spec_form(spec=ANTI_GM1).form.initial == {
        "kind": "range",
        "minimum": "30",
        "maximum": "80",
        "unit": "%",
    }
    value = NUMERIC.spec_form(spec=PREVALENCE).form.initial
    assert value == {"kind": "value", "value": "0.6", "tolerance": "0", "unit": "per 100,000"}


# -- through the learner's pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_comma_decimal_is_right_and_a_word_is_sent_back_with_a_message(learner_client, learner):
    attempt = start(learner, one_item_bank("numeric", PREVALENCE))
    html = post_answer(learner_client, attempt, {"number": "zero point six"}, **HTMX).content.decode()
    assert "“zero point six” is not a number" in html and 'value="zero point six"' in html
    assert 'aria-invalid="true"' in html and not Response.objects.exists()
    html = post_answer(learner_client, attempt, {"number": "0,6"}, **HTMX).content.decode()
    assert "<strong>Correct</strong>" in html and "0.6 per 100,000" in html
    assert Response.objects.get().answer == 0.6
