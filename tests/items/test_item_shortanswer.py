"""Short answer items: matching what learners type, feedback per answer, and the editor."""

import pytest

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from tests.items.itemkit import HTMX, one_item_bank, post_answer, start

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


# -- misspellings --------------------------------------------------------------------------------------------

ALS = {
    "answers": [
        {
            "text": "amyotrophic lateral sclerosis",
            "variants": ["ALS"],
            "correct": True,
            "feedback": "Right.",
        },
        {"text": "multiple sclerosis", "variants": [], "correct": False, "feedback": "No: that is MS."},
    ]
}


@pytest.mark.parametrize(
    ("spec", "typed", "points", "detail"),
    [
        (ALS, "amyotrophic lateral sclerosis", 1, ""),  # exact: nothing to say
        (ALS, "amyotrophic lateral sclerossis", 1, "accepted: amyotrophic lateral sclerosis"),  # default 1
        (ALS, "amiotrophic lateral sclerossis", 0, ""),  # two letters off: over the default
        (ALS, "AMS", 0, ""),  # under 8 letters: no tolerance by default
        (
            ALS | {"typo_tolerance": 2},
            "amiotrophic lateral sclerossis",
            1,
            "accepted: amyotrophic lateral sclerosis",
        ),
        (ALS | {"typo_tolerance": 0}, "amyotrophic lateral sclerossis", 0, ""),  # off
        (ALS, "multiple sclerosiss", 0, ""),  # nearest to a listed mistake: that mistake
    ],
)
def test_misspellings_count_within_the_tolerance_and_say_what_was_accepted(spec, typed, points, detail):
    grade = SHORT.grade(SHORT.normalise(spec), typed)
    assert (grade.points, grade.detail) == (points, detail)


def test_a_misspelled_mistake_brings_the_mistakes_feedback():
    review = SHORT.review(SHORT.normalise(ALS), "multiple sclerosiss", None)
    assert review.parts[0].rationale == "No: that is MS."


@pytest.mark.parametrize("tolerance", [3, -1, True, "1"])
def test_a_tolerance_other_than_0_1_or_2_is_refused(tolerance):
    assert [e.field for e in SHORT.validate(ALS | {"typo_tolerance": tolerance})] == ["typo_tolerance"]


def test_an_unset_tolerance_is_not_stored_so_old_specs_stay_as_they_were():
    assert "typo_tolerance" not in SHORT.normalise(ALS)
    assert SHORT.normalise(ALS | {"typo_tolerance": 0})["typo_tolerance"] == 0


def test_the_editor_sets_the_tolerance():
    fields = {
        "spec-typo_tolerance": "2",
        "spec-answers-TOTAL_FORMS": "1",
        "spec-answers-INITIAL_FORMS": "0",
        "spec-answers-0-text": "IVIG",
        "spec-answers-0-variants": "",
        "spec-answers-0-correct": "on",
        "spec-answers-0-feedback": "",
    }
    form = SHORT.spec_form(form_data(fields))
    assert form.is_valid(), form.form.errors
    assert form.draft()["typo_tolerance"] == 2
    unset = SHORT.spec_form(form_data(fields | {"spec-typo_tolerance": ""}))
    assert unset.is_valid() and "typo_tolerance" not in unset.draft()


@pytest.mark.django_db
def test_the_learners_feedback_says_which_answer_a_misspelling_was_taken_for(learner_client, learner):
    attempt = start(learner, one_item_bank("shortanswer", ALS))
    html = post_answer(
        learner_client, attempt, {"text": "amyotrophic lateral sclerossis"}, **HTMX
    ).content.decode()
    assert "(accepted: amyotrophic lateral sclerosis)" in html
    assert "<strong>Correct</strong>" in html
