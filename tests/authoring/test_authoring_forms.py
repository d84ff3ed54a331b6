"""Each item type's authoring form: the spec it builds, and validate()'s messages put next to the field."""

import pytest
from django.http import QueryDict
from django.template.loader import get_template

from quizzes.items import ITEM_TYPES, SpecError, get_item_type

SINGLE = get_item_type("single")
SATA = get_item_type("multiple")
TRUEFALSE = get_item_type("truefalse")


def options_post(*rows: tuple[str, bool, str], total: int | None = None) -> QueryDict:
    """POST data for the options formset: one (text, correct, rationale) tuple a row."""
    data = QueryDict(mutable=True)
    data["spec-TOTAL_FORMS"] = str(len(rows) if total is None else total)
    data["spec-INITIAL_FORMS"] = "0"
    for index, (text, correct, rationale) in enumerate(rows):
        data[f"spec-{index}-text"] = text
        data[f"spec-{index}-rationale"] = rationale
        if correct:
            data[f"spec-{index}-correct"] = "on"
    return data


def test_validate_says_which_part_of_the_spec_each_error_is_about():
    errors = SINGLE.validate(
        {
            "options": [
                {"text": "A", "correct": True, "rationale": "why"},
                {"text": " ", "correct": False, "rationale": ""},
                {"text": "a", "correct": False, "rationale": "why"},
            ]
        }
    )
    assert [(str(e), e.field) for e in errors] == [
        ("option 2 has no text", "options.1.text"),
        ("option 2 has no rationale", "options.1.rationale"),
        ("two options have the same text", "options.2.text"),
    ]
    assert all(isinstance(e, str) for e in errors)  # bank-file errors still read them as text


def test_key_errors_are_about_the_options_as_a_whole():
    errors = SATA.validate({"options": [{"text": t, "correct": False, "rationale": "r"} for t in "ABC"]})
    assert errors == ["needs at least one correct option"]
    assert errors[0].field == "options"


def test_a_valid_options_form_builds_the_spec_and_drops_blank_rows_at_the_end():
    form = SATA.spec_form(
        options_post(
            ("Weakness", True, "Yes."), ("Fever", False, "No."), ("Cramps", True, "Yes."), ("", False, "")
        )
    )
    assert form.is_valid(), form.errors
    assert form.draft() == {
        "options": [
            {"text": "Weakness", "correct": True, "rationale": "Yes."},
            {"text": "Fever", "correct": False, "rationale": "No."},
            {"text": "Cramps", "correct": True, "rationale": "Yes."},
        ]
    }


def test_a_sata_without_a_key_is_refused_above_the_options():
    form = SATA.spec_form(options_post(("A", False, "r"), ("B", False, "r"), ("C", False, "r")))
    assert not form.is_valid()
    assert form.non_form_errors() == ["needs at least one correct option"]


def test_a_missing_rationale_is_shown_on_its_own_row_and_field():
    form = SINGLE.spec_form(options_post(("A", True, "r"), ("B", False, ""), ("C", False, "r")))
    assert not form.is_valid()
    assert form.forms[1].errors == {"rationale": ["option 2 has no rationale"]}
    assert not form.forms[0].errors and not form.forms[2].errors


def test_a_blank_row_between_filled_ones_counts_as_an_option_without_text():
    form = SINGLE.spec_form(options_post(("A", True, "r"), ("", False, ""), ("C", False, "r")))
    assert not form.is_valid()
    assert form.forms[1].errors["text"] == ["option 2 has no text"]


def test_the_draft_keeps_text_that_has_an_error_for_the_preview():
    form = SINGLE.spec_form(options_post(("Same", True, "r"), ("Same", False, "r")))
    assert not form.is_valid()
    assert [o["text"] for o in form.draft()["options"]] == ["Same", "Same"]


def test_a_new_question_offers_two_rows_beyond_the_minimum_and_an_edit_two_beyond_its_options():
    assert len(SINGLE.spec_form().forms) == 4
    assert len(SATA.spec_form().forms) == 5
    spec = {
        "options": [{"id": str(i), "text": f"O{i}", "correct": i == 0, "rationale": "r"} for i in range(7)]
    }
    edit = SATA.spec_form(spec=spec)
    assert len(edit.forms) == 8  # capped at the type's maximum
    assert edit.forms[6].initial == {"text": "O6", "correct": False, "rationale": "r"}


def test_a_form_sent_back_gets_blank_rows_after_the_last_filled_one():
    form = SATA.spec_form(options_post(*[(f"O{i}", i == 0, "r") for i in range(5)]))
    assert len(form.forms) == 7


def test_a_forged_row_count_is_refused_not_obeyed():
    form = SINGLE.spec_form(options_post(("A", True, "r"), ("B", False, "r"), total=1000))
    assert not form.is_valid()
    assert len(form.forms) == SINGLE.max_options
    assert any("at most 8" in e for e in form.non_form_errors())


def test_a_damaged_management_form_is_an_error_not_a_crash():
    data = options_post(("A", True, "r"), ("B", False, "r"))
    data["spec-TOTAL_FORMS"] = "lots"
    form = SINGLE.spec_form(data)
    assert not form.is_valid()


def test_true_false_form_builds_the_two_fixed_options():
    form = TRUEFALSE.spec_form(
        {"spec-answer": "False", "spec-true_rationale": "Not so.", "spec-false_rationale": "Right."}
    )
    assert form.is_valid(), form.errors
    assert form.draft() == {
        "options": [
            {"text": "True", "correct": False, "rationale": "Not so."},
            {"text": "False", "correct": True, "rationale": "Right."},
        ]
    }


def test_true_false_errors_go_to_the_answer_and_rationale_fields():
    form = TRUEFALSE.spec_form({"spec-true_rationale": "Because."})
    assert not form.is_valid()
    assert form.errors == {"false_rationale": ["option 2 has no rationale"]}
    form = TRUEFALSE.spec_form({"spec-true_rationale": "a", "spec-false_rationale": "b"})
    assert not form.is_valid()
    assert form.errors == {"answer": ["needs exactly one correct option, has 0"]}


def test_true_false_form_starts_from_the_saved_spec():
    spec = {
        "options": [
            {"id": "t", "text": "True", "correct": True, "rationale": "yes"},
            {"id": "f", "text": "False", "correct": False, "rationale": "no"},
        ]
    }
    form = TRUEFALSE.spec_form(spec=spec)
    assert form.initial == {"answer": "True", "true_rationale": "yes", "false_rationale": "no"}
    assert form.draft() is spec


@pytest.mark.parametrize("item_type", list(ITEM_TYPES))
def test_every_item_type_has_an_authoring_form_and_its_partials(item_type):
    item = get_item_type(item_type)
    form = item.spec_form()
    assert not form.is_bound and form.draft() is None
    for template in (form.template_name, item.question_template, item.review_template):
        assert get_template(template), template  # a missing file or partial raises TemplateDoesNotExist


def test_spec_errors_compare_as_their_message():
    assert SpecError("option 1 has no text", "options.0.text") == "option 1 has no text"
