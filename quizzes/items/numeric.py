"""Numeric items: a number within a tolerance of the key, or anywhere in a range; scored 0/1.

Spec: {"accept": {"value": 0.6, "tolerance": 0} or {"min": 30, "max": 80}, "unit": "%"}.
Learners may write "0.6", "0,6" or "6e-1", with the unit after the number or without it. Text that is
not a number is a form error the learner can put right, never a wrong answer.
"""

import math
import random
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from ..validators import PlainTextField
from .base import (
    EmptyAnswer,
    FixableAnswer,
    Grade,
    ItemType,
    PartsReview,
    PublicItem,
    ReviewPart,
    SpecError,
    form_data,
    is_number,
    one_value,
    tidy_number,
)
from .forms import SpecForm

NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
MAX_UNIT = 40


def read_number(text: str, unit: str = "") -> float | int | None:
    """The number in `text`, or None. A decimal comma reads as a point; the unit may follow the number."""
    text = text.strip()
    if unit and text.casefold().endswith(unit.casefold()):
        text = text[: -len(unit)].strip()
    if not NUMBER.match(text):
        return None
    value = float(text.replace(",", "."))
    return tidy_number(value) if math.isfinite(value) else None


def show(number) -> str:
    """A number as people write it: 0.6, 30, 0.000123, never 1e+06."""
    return f"{number:.10g}" if abs(number) < 1e9 else f"{number:g}"


def accepts(accept: dict, number: float) -> bool:
    """Whether `number` is right; a hair of slack keeps 0.1 + 0.2 from missing 0.3."""
    if "value" in accept:
        value, tolerance = accept["value"], accept["tolerance"]
        return abs(number - value) <= tolerance + 1e-9 * max(1.0, abs(value))
    slack = 1e-9 * max(1.0, abs(accept["min"]), abs(accept["max"]))
    return accept["min"] - slack <= number <= accept["max"] + slack


def describe(accept: dict, unit: str) -> str:
    """The key in words, e.g. "0.6 (± 0.05) %" or "any number from 30 to 80 %"."""
    after = f" {unit}" if unit else ""
    if "value" in accept:
        if not is_number(accept.get("value")):
            return "(no value yet)"
        tolerance = accept.get("tolerance")
        spread = f" (± {show(tolerance)})" if is_number(tolerance) and tolerance else ""
        return f"{show(accept['value'])}{spread}{after}"
    low, high = accept.get("min"), accept.get("max")
    if not (is_number(low) and is_number(high)):
        return "(no range yet)"
    return f"any number from {show(low)} to {show(high)}{after}"


@dataclass(frozen=True)
class NumericPublic(PublicItem):
    unit: str


class Numeric(ItemType):
    name = "numeric"
    label = "Numeric"
    fields = ("accept", "unit")
    template_name = "quizzes/items/numeric.html"
    review_template = "quizzes/items/_parts.html#review"
    instructions = "Type a number. A decimal point or comma both work (0.6 or 0,6)."

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        errors: list[SpecError] = []
        accept, unit = spec.get("accept"), spec.get("unit")
        if not isinstance(unit, str):
            errors.append(SpecError("unit must be text (empty for none)", "unit"))
        elif len(unit.strip()) > MAX_UNIT:
            errors.append(SpecError(f"the unit may be at most {MAX_UNIT} characters", "unit"))
        if not isinstance(accept, dict) or set(accept) not in ({"value", "tolerance"}, {"min", "max"}):
            errors.append(
                SpecError('accept must be {"value", "tolerance"} or a range {"min", "max"}', "accept")
            )
            return errors
        if "value" in accept:
            if not is_number(accept["value"]):
                errors.append(SpecError("the answer needs a value (a number)", "accept.value"))
            tolerance = accept["tolerance"]
            if not is_number(tolerance) or tolerance < 0:
                errors.append(SpecError("the tolerance must be a number, 0 or more", "accept.tolerance"))
            return errors
        low, high = accept["min"], accept["max"]
        if not is_number(low):
            errors.append(SpecError("the range needs a lowest value (a number)", "accept.min"))
        if not is_number(high):
            errors.append(SpecError("the range needs a highest value (a number)", "accept.max"))
        elif is_number(low) and not low < high:
            errors.append(SpecError("the highest value must be above the lowest", "accept.max"))
        return errors

    def normalise(self, spec: dict) -> dict:
        accept = spec.get("accept") or {}
        # A fixed key order: PostgreSQL's jsonb sorts keys, and the bank file must write back as it was read.
        order = [key for key in ("value", "tolerance", "min", "max") if key in accept]
        return {
            "accept": {
                key: tidy_number(accept[key]) for key in order + [k for k in accept if k not in order]
            },
            "unit": (spec.get("unit") or "").strip(),
        }

    content = normalise  # nothing generated: the stored spec is the file's

    def key_answer(self, spec: dict):
        accept = spec["accept"]
        if "value" in accept:
            return accept["value"]
        low, high = accept.get("min"), accept.get("max")
        return tidy_number((low + high) / 2) if is_number(low) and is_number(high) else None

    def spec_form(self, data=None, *, spec: dict | None = None) -> "NumericForm":
        return NumericForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> NumericPublic:
        return NumericPublic(
            stem=stem, instructions=self.instructions, template=self.question_template, unit=spec["unit"]
        )

    def parse_answer(self, spec: dict, data: QueryDict):
        text = one_value(data, "number").strip()
        if not text:
            raise EmptyAnswer("Type a number before submitting.")
        number = read_number(text, spec["unit"])
        if number is None:
            raise FixableAnswer(
                f"“{text}” is not a number. Write it in digits, for example 0.6, 0,6 or 6e-1.", draft=text
            )
        return number

    def answer_form(self, spec: dict, answer) -> QueryDict:
        return form_data({"number": show(answer)})

    def score(self, spec: dict, answer) -> Grade:
        return Grade(points=1.0 if accepts(spec["accept"], answer) else 0.0, max_points=1.0)

    def review(self, spec: dict, answer, rng: random.Random | None) -> PartsReview:
        grade = self.grade(spec, answer)
        unit = f" {spec['unit']}" if spec["unit"] and answer is not None else ""
        part = ReviewPart(
            label="",
            given="" if answer is None else f"{show(answer)}{unit}",
            key=describe(spec["accept"], spec["unit"]),
            right=grade.is_correct,
        )
        return PartsReview(grade=grade, template=self.review_template, parts=(part,))


class NumericFields(forms.Form):
    kind = forms.ChoiceField(
        label="The answer is",
        choices=[("value", "One value, give or take a tolerance"), ("range", "Any value in a range")],
        widget=forms.RadioSelect,
        initial="value",
    )
    value = PlainTextField(label="Value", required=False, help_text="For example 0.6.")
    tolerance = PlainTextField(
        label="Tolerance (±)",
        required=False,
        help_text="How far from the value an answer may be and still count. Empty or 0: exactly.",
    )
    minimum = PlainTextField(label="From", required=False, help_text="The lowest value that counts.")
    maximum = PlainTextField(label="To", required=False, help_text="The highest value that counts.")
    unit = PlainTextField(
        label="Unit",
        required=False,
        help_text="Shown beside the answer box, for example % or weeks; learners may type it too.",
    )

    def _number(self, name: str):
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        number = read_number(text)
        if number is None:
            raise ValidationError("Enter a number, for example 0.6.")
        return number

    def clean_value(self):
        return self._number("value")

    def clean_tolerance(self):
        return self._number("tolerance")

    def clean_minimum(self):
        return self._number("minimum")

    def clean_maximum(self):
        return self._number("maximum")


class NumericForm(SpecForm):
    """The key as one value with a tolerance, or as a range, and the unit."""

    Fields = NumericFields
    template_name = "quizzes/items/numeric.html#spec-form"
    error_fields = {
        "accept": "kind",
        "accept.value": "value",
        "accept.tolerance": "tolerance",
        "accept.min": "minimum",
        "accept.max": "maximum",
    }

    def initial(self, spec: dict) -> tuple[dict, dict]:
        accept = spec["accept"]
        if "value" in accept:
            fields = {"kind": "value", "value": show(accept["value"]), "tolerance": show(accept["tolerance"])}
        else:
            fields = {"kind": "range", "minimum": show(accept["min"]), "maximum": show(accept["max"])}
        return fields | {"unit": spec["unit"]}, {}

    def build(self, fields: dict, rows: dict) -> dict:
        if fields.get("kind") == "range":
            accept = {"min": fields.get("minimum"), "max": fields.get("maximum")}
        else:
            tolerance = fields.get("tolerance")
            accept = {"value": fields.get("value"), "tolerance": 0 if tolerance is None else tolerance}
        return {"accept": accept, "unit": fields.get("unit", "")}
