"""Matrix (grid) items, as in the NGN matrix: rows of findings, columns of options.

Spec: {"per_row": "one" or "several", "columns": ["Expected in MMN", "Not expected in MMN"],
"rows": [{"text": "Weakness in one hand", "correct": ["Expected in MMN"], "rationale": "..."}, ...]}.
With one choice per row each row scores 0/1. With several per row each row scores NCSBN's +/-: a point
for each right choice, minus one for each wrong one, never below 0 (the item's maximum is the number
of right choices). Rows and columns keep the order they are written in: the columns are headings every
row shares (often a scale, "Expected" then "Not expected"), so their order says nothing about any row's
key, unlike a list of options.
"""

import random
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from ..validators import PlainTextField
from .base import (
    Grade,
    InvalidAnswer,
    ItemType,
    PartsReview,
    PublicItem,
    ReviewPart,
    SpecError,
    count_phrase,
    form_data,
    new_id,
    require_every_part,
    rows_errors,
    text_list_errors,
    text_of,
    with_ids,
)
from .forms import RowForm, SpecForm, rationale_field
from .multiple import sata_points

MIN_ROWS, MAX_ROWS, MAX_COLUMNS = 2, 10, 5
PER_ROW = ("one", "several")


@dataclass(frozen=True)
class PublicColumn:
    id: str
    text: str


@dataclass(frozen=True)
class PublicRow:
    id: str
    text: str
    chosen: tuple[str, ...]  # the column ids the learner has ticked so far


@dataclass(frozen=True)
class MatrixPublic(PublicItem):
    columns: tuple[PublicColumn, ...]
    rows: tuple[PublicRow, ...]
    input_type: str  # "radio" (one per row) or "checkbox" (several)


def row_points(chosen: set[str], keys: set[str], per_row: str) -> int:
    if per_row == "one":
        return int(chosen == keys)
    return sata_points(len(chosen & keys), len(chosen - keys))


class Matrix(ItemType):
    name = "matrix"
    label = "Matrix (grid)"
    fields = ("per_row", "columns", "rows")
    template_name = "quizzes/items/matrix.html"
    review_template = "quizzes/items/_parts.html#review"

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        per_row, columns, rows = spec.get("per_row"), spec.get("columns"), spec.get("rows")
        errors: list[SpecError] = []
        if per_row not in PER_ROW:
            errors.append(SpecError('per_row must be "one" or "several"', "per_row"))
        errors += text_list_errors(columns, "columns", "column", 2, MAX_COLUMNS)
        headings = {
            text_of(c).strip()
            for c in (columns if isinstance(columns, list) else [])
            if isinstance(text_of(c), str)
        }

        def key_errors(row: dict, number: int, at: str) -> list[SpecError]:
            correct, problem = row.get("correct"), ""
            if not isinstance(correct, list) or not all(isinstance(c, str) for c in correct):
                problem = "correct must be a list of column headings"
            elif unknown := [c for c in correct if c not in headings]:
                problem = f"“{unknown[0]}” is not one of the columns"
            elif len(set(correct)) != len(correct):
                problem = "names a column twice"
            elif per_row == "one" and len(correct) != 1:
                problem = f"needs exactly one right column, has {len(correct)}"
            elif not correct:
                problem = "needs at least one right column"
            return [SpecError(f"row {number}: {problem}", f"{at}.correct")] if problem else []

        return errors + rows_errors(rows, "rows", "row", MIN_ROWS, MAX_ROWS, key_errors)

    def normalise(self, spec: dict) -> dict:
        return {
            "per_row": spec["per_row"],
            "columns": with_ids(spec["columns"]),
            "rows": [
                {
                    "id": r.get("id") or new_id(),
                    "text": r["text"].strip(),
                    "correct": list(r["correct"]),
                    "rationale": r["rationale"].strip(),
                }
                for r in spec["rows"]
            ],
        }

    def content(self, spec: dict) -> dict:
        return {
            "per_row": spec["per_row"],
            "columns": [text_of(c) for c in spec["columns"]],
            "rows": [{k: r[k] for k in ("text", "correct", "rationale")} for r in spec["rows"]],
        }

    def max_points(self, spec: dict) -> float:
        if spec["per_row"] == "one":
            return float(len(spec["rows"]))
        return float(sum(len(r["correct"]) for r in spec["rows"]))

    def key_answer(self, spec: dict) -> dict[str, list[str]]:
        """Each row's right column ids, in the columns' order."""
        return {
            r["id"]: [c["id"] for c in spec["columns"] if c["text"] in r["correct"]] for r in spec["rows"]
        }

    def spec_form(self, data=None, *, spec: dict | None = None) -> "MatrixForm":
        return MatrixForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> MatrixPublic:
        chosen = answer if isinstance(answer, dict) else {}
        one = spec["per_row"] == "one"
        return MatrixPublic(
            stem=stem,
            instructions="Choose one option in each row."
            if one
            else "Select every option that applies in each row.",
            template=self.question_template,
            columns=tuple(PublicColumn(c["id"], c["text"]) for c in spec["columns"]),
            rows=tuple(PublicRow(r["id"], r["text"], tuple(chosen.get(r["id"]) or ())) for r in spec["rows"]),
            input_type="radio" if one else "checkbox",
        )

    def parse_answer(self, spec: dict, data: QueryDict) -> dict[str, list[str]]:
        columns = [c["id"] for c in spec["columns"]]
        chosen: dict[str, list[str]] = {}
        for row in spec["rows"]:
            values = set(data.getlist(f"row-{row['id']}"))
            if values - set(columns):
                raise InvalidAnswer("The answer names a column that is not part of this question.")
            if spec["per_row"] == "one" and len(values) > 1:
                raise InvalidAnswer("This question takes one answer in each row.")
            chosen[row["id"]] = [c for c in columns if c in values]  # in the columns' order
        return require_every_part(chosen, "row")

    def answer_form(self, spec: dict, answer: dict) -> QueryDict:
        return form_data({f"row-{row}": list(columns) for row, columns in answer.items()})

    def score(self, spec: dict, answer: dict) -> Grade:
        key, per_row = self.key_answer(spec), spec["per_row"]
        points = sum(row_points(set(answer.get(row, ())), set(cols), per_row) for row, cols in key.items())
        right = sum(set(answer.get(row, ())) == set(cols) for row, cols in key.items())
        return Grade(float(points), self.max_points(spec), count_phrase(right, len(key), "row"))

    def review(self, spec: dict, answer, rng: random.Random | None) -> PartsReview:
        names = {c["id"]: c["text"] for c in spec["columns"]}
        key, given = self.key_answer(spec), answer or {}
        parts = tuple(
            ReviewPart(
                label=r["text"],
                given=", ".join(names[c] for c in given.get(r["id"], ())),
                key=", ".join(names[c] for c in key[r["id"]]),
                right=r["id"] in given and set(given[r["id"]]) == set(key[r["id"]]),
                rationale=r["rationale"],
            )
            for r in spec["rows"]
        )
        return PartsReview(grade=self.grade(spec, answer), template=self.review_template, parts=parts)


class MatrixFields(forms.Form):
    per_row = forms.ChoiceField(
        label="Learners choose",
        choices=[
            ("one", "One option in each row (a point per row)"),
            ("several", "Every option that applies in each row (+1 right, -1 wrong, per row, never below 0)"),
        ],
        widget=forms.RadioSelect,
        initial="one",
    )


for _number in range(1, MAX_COLUMNS + 1):
    MatrixFields.base_fields[f"column_{_number}"] = PlainTextField(label=f"Column {_number}", required=False)


class MatrixRow(RowForm):
    text = PlainTextField(label="Row", required=False, help_text="A finding, an action, a statement.")


for _number in range(1, MAX_COLUMNS + 1):
    MatrixRow.base_fields[f"col_{_number}"] = forms.BooleanField(label=f"Column {_number}", required=False)
MatrixRow.base_fields["rationale"] = rationale_field("Why this row's answer is right.")


class MatrixForm(SpecForm):
    """The columns (up to five headings), and each row with a tick under its right column(s)."""

    Fields = MatrixFields
    row_lists = {"rows": (MatrixRow, MIN_ROWS, MAX_ROWS)}
    template_name = "quizzes/items/matrix.html#spec-form"
    error_fields = {"columns": "column_1"} | {
        f"columns.{n - 1}": f"column_{n}" for n in range(1, MAX_COLUMNS + 1)
    }

    def __init__(self, item, data=None, *, spec: dict | None = None):
        super().__init__(item, data, spec=spec)
        # Each row's ticks are labelled with the column's heading as it stands (number alone when empty).
        for number, heading in enumerate(self.headings(), start=1):
            for row in self.formsets["rows"].forms:
                row.fields[f"col_{number}"].label = heading or f"Column {number}"

    def headings(self) -> list[str]:
        return [(self.form[f"column_{n}"].value() or "").strip() for n in range(1, MAX_COLUMNS + 1)]

    def initial(self, spec: dict) -> tuple[dict, dict]:
        fields = {"per_row": spec["per_row"]}
        fields |= {f"column_{n}": text for n, text in enumerate(spec["columns"], start=1)}
        rows = [
            {"text": r["text"], "rationale": r["rationale"]}
            | {f"col_{n}": text in r["correct"] for n, text in enumerate(spec["columns"], start=1)}
            for r in spec["rows"]
        ]
        return fields, {"rows": rows}

    def build(self, fields: dict, rows: dict) -> dict:
        headings = [fields.get(f"column_{n}", "") for n in range(1, MAX_COLUMNS + 1)]
        self.stray_ticks = []  # (row, column number): ticked under a column with no heading
        draft_rows = []
        for index, row in enumerate(rows["rows"]):
            ticked = [n for n in range(1, MAX_COLUMNS + 1) if row[f"col_{n}"]]
            self.stray_ticks += [(index, n) for n in ticked if not headings[n - 1]]
            correct = [headings[n - 1] for n in ticked if headings[n - 1]]
            draft_rows.append({"text": row["text"], "correct": correct, "rationale": row["rationale"]})
        return {
            "per_row": fields.get("per_row", ""),
            "columns": [h for h in headings if h],
            "rows": draft_rows,
        }

    def _judge(self) -> None:
        super()._judge()
        for index, number in self.stray_ticks:
            row = self.formsets["rows"].forms[index]
            row.add_error(f"col_{number}", f"column {number} has no heading: write one, or untick this")
