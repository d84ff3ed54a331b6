"""Short answer items: matching what learners type, feedback per answer, and the editor."""

import pytest

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from tests.itemkit import HTMX, one_item_bank, post_answer, start

SHORT = get_item_type("shortanswer")
FIRST_LINE = {
    "answers": [
        {
            "text": "IVIG",
            "variants": ["intravenous immunoglobulin", "IV immunoglobulin"],
            "correct": True,
            "feedback": "Right: IVIG is the first-line treatment.",
        },
        {
            "text": "corticosteroids",
            "variants": ["steroids"],
            "correct": False,
            "feedback": "No: corticosteroids are ineffective and can make MMN worse.",
        },
        {"text": "plasma exchange", "variants": [], "correct": False, "feedback": ""},
    ]
}


@pytest.mark.parametrize(
    ("typed", "points", "feedback"),
    [
        ("IVIG", 1, "first-line"),
        ("ivig", 1, "first-line"),  # capitals do not matter
        ("  IVIG  ", 1, "first-line"),
        ("Intravenous   Immunoglobulin", 1, "first-line"),  # a variant, spaced oddly
        ("iv immunoglobulin", 1, "first-line"),
        ("ＩＶＩＧ", 1, "first-line"),  # full-width letters are the same letters
        ("Steroids", 0, "make MMN worse"),  # a listed wrong answer brings its feedback
        ("corticosteroids", 0, "make MMN worse"),
        ("Plasma  exchange", 0, ""),
        ("immunoglobulin", 0, ""),  # part of an answer is not the answer
        ("IVIG therapy", 0, ""),
    ],
)
def test_answers_match_whatever_the_case_and_spacing(typed, points, feedback):
    answer = SHORT.parse_answer(FIRST_LINE, form_data({"text": typed}))
    assert SHORT.grade(FIRST_LINE, answer).points == points
    review = SHORT.review(FIRST_LINE, answer, None)
    assert feedback in review.parts[0].rationale if feedback else review.parts[0].rationale == ""
    assert review.parts[0].key == "IVIG (also: intravenous immunoglobulin, IV immunoglobulin)"


def test_the_answer_is_kept_as_typed_with_its_spacing_tidied():
    assert SHORT.parse_answer(FIRST_LINE, form_data({"text": "  Intravenous \t immunoglobulin "})) == (
        "Intravenous immunoglobulin"
    )


@pytest.mark.parametrize("form", [{}, {"text": ""}, {"text": " \n "}])
def test_nothing_typed_is_an_empty_answer(form):
    with pytest.raises(EmptyAnswer, match="Type an answer"):
        SHORT.parse_answer(FIRST_LINE, form_data(form))


@pytest.mark.parametrize("form", [{"text": "a" * 201}, {"text": ["IVIG", "IVIG"]}])
def test_a_form_no_page_sends_is_invalid(form):
    with pytest.raises(InvalidAnswer) as error:
        SHORT.parse_answer(FIRST_LINE, form_data(form))
    assert not isinstance(error.value, FixableAnswer)


def test_unanswered_scores_nothing():
    review = SHORT.review(FIRST_LINE, None, None)
    assert review.grade.points == 0 and review.parts[0].given == "" and not review.parts[0].right


def answers(*entries) -> dict:
    return {"answers": [{"text": "a", "variants": [], "correct": True, "feedback": ""} | e for e in entries]}


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"answers": []}, "answers", "at least one answer"),
        ({}, "answers", "at least one answer"),
        (answers({"correct": False}), "answers", "counts as right"),
        (answers({"text": " "}), "answers.0.text", "has no text"),
        (answers({}, {"text": "A "}), "answers.1.text", "“A” is listed twice"),
        (answers({"variants": ["b"]}, {"text": "B"}), "answers.1.text", "listed twice"),
        (answers({"variants": "b"}), "answers.0.variants", "list of texts"),
        (answers({"variants": [""]}), "answers.0.variants", "list of texts"),
        (answers({"correct": "yes"}), "answers.0.correct", "true or false"),
        (answers({"feedback": None}), "answers.0.feedback", "feedback must be text"),
        (answers(*({"text": str(n)} for n in range(11))), "answers", "at most 10"),
        (answers({"text": "x" * 201}), "answers.0.text", "over 200"),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = SHORT.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0], errors


def test_the_example_is_valid_and_stored_as_written():
    assert SHORT.validate(FIRST_LINE) == [] and SHORT.normalise(FIRST_LINE) == FIRST_LINE


# -- the editor's form ------------------------------------------------------------------------------------


def editor(*rows) -> dict:
    data = {"spec-answers-TOTAL_FORMS": str(len(rows)), "spec-answers-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is not False:
                data[f"spec-answers-{index}-{name}"] = "on" if value is True else value
    return form_data(data)


def test_the_editor_builds_answers_with_one_variant_a_line():
    form = SHORT.spec_form(
        editor(
            {
                "text": "IVIG",
                "variants": "intravenous immunoglobulin\n\n IV immunoglobulin ",
                "correct": True,
            },
            {"text": "steroids", "feedback": "They can make MMN worse."},
            {},
        )
    )
    assert form.is_valid()
    assert form.draft()["answers"] == [
        {
            "text": "IVIG",
            "variants": ["intravenous immunoglobulin", "IV immunoglobulin"],
            "correct": True,
            "feedback": "",
        },
        {"text": "steroids", "variants": [], "correct": False, "feedback": "They can make MMN worse."},
    ]


def test_editor_errors_sit_on_the_row_and_the_list():
    form = SHORT.spec_form(editor({"text": "IVIG"}, {"text": "ivig", "correct": True}))
    assert not form.is_valid()
    rows = form.formsets["answers"]
    assert rows.forms[1].errors == {"text": ["“ivig” is listed twice"]} and not rows.forms[0].errors
    form = SHORT.spec_form(editor({"text": "IVIG"}))
    assert not form.is_valid()
    assert form.formsets["answers"].non_form_errors() == ["needs at least one answer that counts as right"]


def test_the_editor_starts_from_the_saved_answers_and_two_blank_rows():
    form = SHORT.spec_form(spec=FIRST_LINE)
    rows = form.formsets["answers"]
    assert len(rows.forms) == 5
    assert rows.forms[0].initial["variants"] == "intravenous immunoglobulin\nIV immunoglobulin"


@pytest.mark.django_db
def test_a_listed_wrong_answer_shows_its_feedback(learner_client, learner):
    attempt = start(learner, one_item_bank("shortanswer", FIRST_LINE))
    html = post_answer(learner_client, attempt, {"text": "STEROIDS"}, **HTMX).content.decode()
    assert "<strong>Incorrect</strong>" in html and "can make MMN worse" in html
    assert "STEROIDS" in html and "IVIG (also: intravenous immunoglobulin" in html
