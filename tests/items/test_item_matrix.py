"""Matrix items: one choice per row (0/1 a row) or several (+/- a row, never below 0), and the editor."""

import pytest

from quizzes.items import EmptyAnswer, FixableAnswer, InvalidAnswer, get_item_type
from quizzes.items.base import form_data
from quizzes.models import Response
from tests.items.itemkit import HTMX, one_item_bank, post_answer, start, version_of

MATRIX = get_item_type("matrix")
FINDINGS = {
    "per_row": "one",
    "columns": ["Expected in MMN", "Not expected in MMN"],
    "rows": [
        {"text": "Weakness in one hand", "correct": ["Expected in MMN"], "rationale": "R1"},
        {"text": "Numbness and tingling", "correct": ["Not expected in MMN"], "rationale": "R2"},
        {"text": "Fasciculations", "correct": ["Expected in MMN"], "rationale": "R3"},
    ],
}
ONE = MATRIX.normalise(FINDINGS)
YES, NO = (c["id"] for c in ONE["columns"])
R = [r["id"] for r in ONE["rows"]]

SEVERAL = MATRIX.normalise(
    {
        "per_row": "several",
        "columns": ["C1", "C2", "C3"],
        "rows": [
            {"text": "Row A", "correct": ["C1", "C3"], "rationale": "a"},
            {"text": "Row B", "correct": ["C2"], "rationale": "b"},
        ],
    }
)
C1, C2, C3 = (c["id"] for c in SEVERAL["columns"])
RA, RB = (r["id"] for r in SEVERAL["rows"])


@pytest.mark.parametrize(
    ("chosen", "points", "detail"),
    [
        ((YES, NO, YES), 3, "3 of 3 rows right"),
        ((YES, YES, YES), 2, "2 of 3 rows right"),
        ((NO, NO, YES), 2, "2 of 3 rows right"),
        ((NO, YES, NO), 0, "0 of 3 rows right"),
    ],
)
def test_one_choice_per_row_scores_each_row_zero_or_one(chosen, points, detail):
    answer = MATRIX.parse_answer(ONE, form_data({f"row-{r}": c for r, c in zip(R, chosen, strict=True)}))
    grade = MATRIX.grade(ONE, answer)
    assert (grade.points, grade.max_points, grade.detail) == (points, 3, detail)


@pytest.mark.parametrize(
    ("row_a", "row_b", "points", "rows_right"),
    [
        ([C1, C3], [C2], 3, 2),  # every right choice: the item's maximum is its 3 right choices
        ([C1], [C2], 2, 1),  # a right choice missed costs only that point
        ([C1, C2], [C2], 1, 1),  # +1 -1 in row A
        ([C2], [C2], 1, 1),  # row A: 0 - 1, floored at 0 for that row alone
        ([C1, C2, C3], [C2], 2, 1),  # +2 -1
        ([C1, C2, C3], [C1, C2, C3], 1, 0),  # +2 -1, and +1 -2 floored at 0
        ([C2], [C1, C3], 0, 0),
    ],
)
def test_several_per_row_score_plus_minus_per_row_floored_at_zero(row_a, row_b, points, rows_right):
    answer = MATRIX.parse_answer(SEVERAL, form_data({f"row-{RA}": row_a, f"row-{RB}": row_b}))
    grade = MATRIX.grade(SEVERAL, answer)
    assert (grade.points, grade.max_points) == (points, 3)
    assert grade.detail == f"{rows_right} of 2 rows right"


def test_ticks_are_kept_in_the_columns_order_once_each():
    answer = MATRIX.parse_answer(SEVERAL, form_data({f"row-{RA}": [C3, C1, C3], f"row-{RB}": C2}))
    assert answer == {RA: [C1, C3], RB: [C2]}


def test_a_row_left_out_is_a_form_error_that_keeps_the_others():
    with pytest.raises(
        FixableAnswer, match="Answer every row before submitting: 1 row has no answer yet"
    ) as error:
        MATRIX.parse_answer(ONE, form_data({f"row-{R[0]}": YES, f"row-{R[2]}": NO}))
    assert error.value.draft == {R[0]: [YES], R[1]: [], R[2]: [NO]}
    view = MATRIX.public_view("", ONE, None, error.value.draft)
    assert [row.chosen for row in view.rows] == [(YES,), (), (NO,)]


def test_nothing_ticked_is_an_empty_answer():
    with pytest.raises(EmptyAnswer):
        MATRIX.parse_answer(SEVERAL, form_data({}))


@pytest.mark.parametrize(
    ("spec", "data"),
    [
        (ONE, {f"row-{R[0]}": [YES, NO], f"row-{R[1]}": NO, f"row-{R[2]}": YES}),  # two in a one-per-row row
        (ONE, {f"row-{R[0]}": "forged", f"row-{R[1]}": NO, f"row-{R[2]}": YES}),
        (SEVERAL, {f"row-{RA}": [C1, R[0]], f"row-{RB}": C2}),
    ],
)
def test_choices_no_page_sends_are_invalid(spec, data):
    with pytest.raises(InvalidAnswer) as error:
        MATRIX.parse_answer(spec, form_data(data))
    assert not isinstance(error.value, FixableAnswer)


def test_the_public_view_has_no_key():
    view = MATRIX.public_view("Stem", ONE, None)
    assert view.input_type == "radio" and "one option in each row" in view.instructions
    assert all(set(vars(row)) == {"id", "text", "chosen"} for row in view.rows)
    assert MATRIX.public_view("Stem", SEVERAL, None).input_type == "checkbox"


def test_the_review_names_the_columns_chosen_and_right():
    review = MATRIX.review(SEVERAL, {RA: [C1, C2], RB: [C2]}, None)
    assert [(p.given, p.key, p.right) for p in review.parts] == [
        ("C1, C2", "C1, C3", False),
        ("C2", "C2", True),
    ]
    assert review.grade.points == 1


def rows(*changes) -> list[dict]:
    return [{"text": f"R{n}", "correct": ["A"], "rationale": "r"} | c for n, c in enumerate(changes)]


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"per_row": "many", "columns": ["A", "B"], "rows": rows({}, {})}, "per_row", "per_row must be"),
        ({"per_row": "one", "columns": ["A"], "rows": rows({}, {})}, "columns", "needs 2 to 5 columns"),
        (
            {"per_row": "one", "columns": ["A", "B", "C", "D", "E", "F"], "rows": rows({}, {})},
            "columns",
            "2 to 5",
        ),
        ({"per_row": "one", "columns": ["A", "a"], "rows": rows({}, {})}, "columns.1", "listed twice"),
        ({"per_row": "one", "columns": ["A", "B"], "rows": rows({})}, "rows", "needs 2 to 10 rows"),
        (
            {"per_row": "one", "columns": ["A", "B"], "rows": rows({}, {"correct": ["A", "B"]})},
            "rows.1.correct",
            "exactly one",
        ),
        (
            {"per_row": "several", "columns": ["A", "B"], "rows": rows({}, {"correct": []})},
            "rows.1.correct",
            "at least one",
        ),
        (
            {"per_row": "one", "columns": ["A", "B"], "rows": rows({}, {"correct": ["Z"]})},
            "rows.1.correct",
            "“Z” is not one of",
        ),
        (
            {"per_row": "several", "columns": ["A", "B"], "rows": rows({}, {"correct": ["A", "A"]})},
            "rows.1.correct",
            "twice",
        ),
        (
            {"per_row": "one", "columns": ["A", "B"], "rows": rows({}, {"text": "r0"})},
            "rows.1.text",
            "same text",
        ),
        (
            {"per_row": "one", "columns": ["A", "B"], "rows": rows({}, {"rationale": ""})},
            "rows.1.rationale",
            "rationale",
        ),
    ],
)
def test_validation_names_the_field_at_fault(spec, field, message):
    errors = MATRIX.validate(spec)
    assert [e.field for e in errors] == [field] and message in errors[0], errors


def test_the_stored_spec_gives_the_file_back():
    assert MATRIX.validate(FINDINGS) == [] and MATRIX.content(ONE) == FINDINGS
    assert MATRIX.max_points(ONE) == 3 and MATRIX.max_points(SEVERAL) == 3


# -- the editor's form ------------------------------------------------------------------------------------


def editor(per_row: str, headings: list[str], *rows) -> dict:
    data = {"spec-per_row": per_row, "spec-rows-TOTAL_FORMS": str(len(rows)), "spec-rows-INITIAL_FORMS": "0"}
    data |= {f"spec-column_{n}": heading for n, heading in enumerate(headings, start=1)}
    for index, (text, ticks, rationale) in enumerate(rows):
        data |= {f"spec-rows-{index}-text": text, f"spec-rows-{index}-rationale": rationale}
        data |= {f"spec-rows-{index}-col_{n}": "on" for n in ticks}
    return form_data(data)


def test_the_editor_builds_columns_and_the_ticked_right_answers():
    form = MATRIX.spec_form(
        editor("several", ["Yes", "", "No"], ("First", [1, 3], "a"), ("Second", [3], "b"), ("", [], ""))
    )
    assert form.is_valid()
    assert form.draft() == {
        "per_row": "several",
        "columns": ["Yes", "No"],
        "rows": [
            {"text": "First", "correct": ["Yes", "No"], "rationale": "a"},
            {"text": "Second", "correct": ["No"], "rationale": "b"},
        ],
    }
    assert form.formsets["rows"].forms[0].fields["col_3"].label == "No"  # ticks say which column they are
    assert form.formsets["rows"].forms[0].fields["col_2"].label == "Column 2"


def test_editor_errors_sit_next_to_the_field():
    form = MATRIX.spec_form(editor("one", ["Yes", "No"], ("First", [1, 2], "a"), ("Second", [4], "b")))
    assert not form.is_valid()
    first, second = form.formsets["rows"].forms[:2]
    assert first.non_field_errors() == ["row 1: needs exactly one right column, has 2"]
    assert second.errors["col_4"] == ["column 4 has no heading: write one, or untick this"]
    form = MATRIX.spec_form(editor("one", ["Only"], ("First", [1], "a"), ("Second", [1], "b")))
    assert not form.is_valid() and form.form.errors == {"column_1": ["needs 2 to 5 columns, has 1"]}


def test_the_editor_starts_from_the_saved_spec():
    form = MATRIX.spec_form(spec=ONE)
    assert form.form.initial == {
        "per_row": "one",
        "column_1": "Expected in MMN",
        "column_2": "Not expected in MMN",
    }
    second = form.formsets["rows"].forms[1]
    assert (second.initial["col_1"], second.initial["col_2"]) == (False, True)
    assert second.fields["col_2"].label == "Not expected in MMN"
    assert form.draft() == FINDINGS


@pytest.mark.django_db
def test_partial_credit_through_the_page_and_a_row_left_out(learner_client, learner):
    attempt = start(learner, one_item_bank("matrix", FINDINGS))
    spec = version_of(attempt).spec
    rows_, yes = [r["id"] for r in spec["rows"]], spec["columns"][0]["id"]
    html = post_answer(learner_client, attempt, {f"row-{rows_[0]}": yes}, **HTMX).content.decode()
    assert "2 rows have no answer yet" in html and f'value="{yes}" checked' in html
    assert not Response.objects.exists()
    fields = {f"row-{rows_[0]}": yes, f"row-{rows_[1]}": yes, f"row-{rows_[2]}": yes}
    html = post_answer(learner_client, attempt, fields, **HTMX).content.decode()
    assert "Partly correct" in html and "2 of 3 points (2 of 3 rows right)" in html
