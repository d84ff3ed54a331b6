"""What every item type provides, and the pieces types share.

A *spec* is the type-specific part of a question version (for choice items, the options with their key
flags and rationales). The *public view* is the only thing a template sees before the learner answers,
so it never carries keys, rationales or the explanation.

An item type is one module: a subclass of `ItemType` with its spec's validation, its public view, the
reading of the learner's form (`parse_answer`), grading, the review, and its authoring form; and one
template file, `templates/quizzes/items/<type>.html`, holding its partials (`question`, `review`, and
the editor's `spec-form`). The pages that show items include those partials by name, so a new type
changes nothing outside its module, its template and one line of the registry.
"""

import math
import random
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

# Longest text a learner may type into an answer box (the inputs say so with maxlength).
MAX_TYPED = 200


class SpecError(str):
    """A problem with a spec, worded for an author, that also says which part of the spec it is about.

    It is a str, so bank-file errors and tests read it as plain text; the question editor uses `field`
    ("options", "options.1.text", or "" for the spec as a whole) to show it next to the input at fault.
    """

    field: str

    def __new__(cls, message: str, field: str = "") -> "SpecError":
        error = super().__new__(cls, message)
        error.field = field
        return error


class InvalidAnswer(ValueError):
    """The submitted answer does not fit the item: tampered or malformed input (a 400)."""


class FixableAnswer(InvalidAnswer):
    """An answer the learner can put right (nothing chosen, a row left out, not a number): a form error.

    `draft` is what was entered, in the shape of an answer as far as it goes, so the form shows it again.
    """

    def __init__(self, message: str, draft: Any = None):
        super().__init__(message)
        self.draft = draft


class EmptyAnswer(FixableAnswer):
    """Nothing was chosen or typed."""


class AnswerInProgress(Exception):
    """The form was sent to change the answer being built (an ordering's Move up), not to submit it.

    Nothing is recorded: the item is shown again with `draft` as the answer so far, and the control
    named by `focus` keeps the keyboard focus.
    """

    def __init__(self, draft: Any, focus: str = ""):
        super().__init__("answer in progress")
        self.draft = draft
        self.focus = focus


@dataclass(frozen=True)
class Grade:
    points: float
    max_points: float
    detail: str = ""  # the partial credit in words, e.g. "2 of 3 rows right"

    @property
    def is_correct(self) -> bool:
        return self.points >= self.max_points

    @property
    def is_partial(self) -> bool:
        return 0 < self.points < self.max_points

    @property
    def verdict(self) -> str:
        """One word for the result, so right and wrong never rely on colour alone."""
        if self.is_correct:
            return "correct"
        return "partial" if self.is_partial else "incorrect"


@dataclass(frozen=True)
class PublicItem:
    """What a learner may see of an unanswered item; each type adds its own fields, never a key.

    `template` is the type's `question` partial, which renders the inputs inside the shared fieldset.
    """

    stem: str
    instructions: str
    template: str


@dataclass(frozen=True)
class ItemReview:
    """An answered item as the learner sees it afterwards; each type adds what its `review` partial shows."""

    grade: Grade
    template: str


@dataclass(frozen=True)
class ReviewPart:
    """One scored part of an answered item (a pair, a row, a blank, a position), with its key."""

    label: str  # what the part is: a premise, a row's finding, "Blank 2", "Position 1"
    given: str  # the learner's answer to it ("" when not answered)
    key: str  # the right answer to it
    right: bool
    rationale: str = ""


@dataclass(frozen=True)
class PartsReview(ItemReview):
    """A review made of scored parts, shown by the shared `quizzes/items/_parts.html#review` partial."""

    parts: tuple[ReviewPart, ...]


def new_id() -> str:
    """An id for an option, step, row or choice: random, so it says nothing about the key."""
    return secrets.token_hex(4)


def text_of(value: Any) -> Any:
    """A list entry as a bank file writes it: the text of a stored {"id", "text"}, or the value itself."""
    return value.get("text") if isinstance(value, dict) else value


def tidy_number(value: Any) -> Any:
    """30.0 -> 30, so a number reads back the way it is written; anything else is left alone."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def neutral_key(text: str) -> tuple:
    """Where a text goes in the neutral order: alphabetical, ignoring case, and numbers by their value
    ("2 g/kg" before "10 g/kg"); the text itself breaks ties, so the order is the same on every run."""
    pieces = NUMBER.split(str(text).strip().casefold())
    # split() alternates text and number, so both sides of a comparison have the same kind at each place
    return (tuple(float(piece) if index % 2 else piece for index, piece in enumerate(pieces)), str(text))


def neutral_order(values: Iterable) -> list:
    """Things a learner chooses from in the neutral order, which says nothing about which one is the key.

    Authors tend to write the key first (or in a pattern), so neither a stored spec, nor a bank file, nor
    a quiz with shuffling off keeps the order they were written in. Takes texts, {"text": ...} entries
    and public views alike (anything with a `text`).
    """
    return sorted(values, key=lambda v: neutral_key(v.text if hasattr(v, "text") else text_of(v)))


def shuffled(items: Sequence, rng: random.Random | None) -> list:
    """A copy of `items`, shuffled by `rng`, or in the neutral order when it is None (shuffling off).

    The shuffle starts from the stored order, so attempts under way keep the order they were shown.
    """
    if rng is None:
        return neutral_order(items)
    items = list(items)
    rng.shuffle(items)
    return items


def text_list_errors(values, field: str, noun: str, low: int, high: int) -> list[SpecError]:
    """Problems with a list of texts learners choose from: its length, blank or repeated entries."""
    if not isinstance(values, list):
        return [SpecError(f"{field} must be a list of texts", field)]
    errors = []
    if not low <= len(values) <= high:
        errors.append(SpecError(f"needs {low} to {high} {noun}s, has {len(values)}", field))
    seen: set[str] = set()
    for index, value in enumerate(values):
        text = text_of(value)
        if not isinstance(text, str) or not text.strip():
            errors.append(SpecError(f"{noun} {index + 1} has no text", f"{field}.{index}"))
        elif text.strip().casefold() in seen:
            errors.append(SpecError(f"{noun} “{text.strip()}” is listed twice", f"{field}.{index}"))
        else:
            seen.add(text.strip().casefold())
    return errors


def rows_errors(
    rows, field: str, noun: str, low: int, high: int, each: Callable[[dict, int, str], list[SpecError]]
) -> list[SpecError]:
    """Problems with a list of rows that each have a text and a rationale (steps, premises, matrix rows):
    its length, a row that is not an object, blank or repeated texts, a missing rationale; and what
    `each(row, number, at)` finds wrong with a row's own fields."""
    if not isinstance(rows, list):
        return [SpecError(f"{field} must be a list", field)]
    errors = []
    if not low <= len(rows) <= high:
        errors.append(SpecError(f"needs {low} to {high} {noun}s, has {len(rows)}", field))
    seen: set[str] = set()
    for index, row in enumerate(rows):
        number, at = index + 1, f"{field}.{index}"
        if not isinstance(row, dict):
            errors.append(SpecError(f"{noun} {number} must be an object", at))
            continue
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            errors.append(SpecError(f"{noun} {number} has no text", f"{at}.text"))
        elif text.strip().casefold() in seen:
            errors.append(SpecError(f"two {noun}s have the same text", f"{at}.text"))
        else:
            seen.add(text.strip().casefold())
        errors += each(row, number, at)
        if not isinstance(row.get("rationale"), str) or not row["rationale"].strip():
            errors.append(SpecError(f"{noun} {number} has no rationale", f"{at}.rationale"))
    return errors


def with_ids(values: list) -> list[dict]:
    """Texts as stored: each with an id, the one it has if it has one."""
    return [
        {
            "id": (value.get("id") if isinstance(value, dict) else None) or new_id(),
            "text": text_of(value).strip(),
        }
        for value in values
    ]


def count_phrase(right: int, total: int, noun: str) -> str:
    """ "2 of 3 rows right": the partial credit of an item scored part by part."""
    return f"{right} of {total} {noun}{'' if total == 1 else 's'} right"


# -- reading a learner's form ------------------------------------------------------------------------------


def one_value(data: QueryDict, name: str) -> str:
    """The field's value, "" when absent; a field sent twice, or far too long, is a malformed form (400)."""
    values = data.getlist(name)
    if len(values) > 1:
        raise InvalidAnswer("The answer was sent twice for one field.")
    value = values[0] if values else ""
    if len(value) > MAX_TYPED:
        raise InvalidAnswer(f"An answer may be at most {MAX_TYPED} characters long.")
    return value


def choices_per_part(
    data: QueryDict, prefix: str, parts: Iterable[str], allowed: set[str]
) -> dict[str, str | None]:
    """The one choice made for each part (`<prefix>-<part id>`), None where nothing was chosen.

    A choice that is not one of `allowed` is tampering (a 400).
    """
    chosen: dict[str, str | None] = {}
    for part in parts:
        value = one_value(data, f"{prefix}-{part}")
        if value and value not in allowed:
            raise InvalidAnswer("The answer names a choice that is not part of this question.")
        chosen[part] = value or None
    return chosen


def require_every_part(chosen: dict[str, Any], noun: str, verb: str = "Answer") -> dict[str, Any]:
    """Refuse an answer with parts left out (a form error that keeps what was chosen); return it complete."""
    missing = sum(1 for value in chosen.values() if not value)
    if missing == len(chosen):
        raise EmptyAnswer(f"{verb} every {noun} before submitting.", draft=None)
    if missing:
        left = f"{missing} {noun}{'s have' if missing > 1 else ' has'} no answer yet"
        raise FixableAnswer(f"{verb} every {noun} before submitting: {left}.", draft=chosen)
    return chosen


class ItemType:
    """The interface every item type implements. See the module docstring for how the parts fit."""

    name: str
    label: str
    fields: tuple[str, ...]  # the spec's fields, as they appear in a bank file
    template_name: str  # the type's template file, with its `question`, `review` and `spec-form` partials
    instructions = ""
    # What the editor's preview says about the order learners see things in ("" when it is fixed).
    shuffle_note = ""

    @property
    def question_template(self) -> str:
        return f"{self.template_name}#question"

    @property
    def review_template(self) -> str:
        return f"{self.template_name}#review"

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        """Every problem with the spec, worded for an author; an empty list means valid.

        It judges anything (a bank file may hold any JSON); each error names the part of the spec it is
        about (`SpecError.field`, 0-based: "steps.1.text" is the step the message calls "step 2").
        """
        raise NotImplementedError

    def normalise(self, spec: dict) -> dict:
        """The stored spec: only known fields, tidy text, and an id for each thing a learner picks.

        Also takes an unfinished draft from the type's own form, for the editor's preview.
        """
        raise NotImplementedError

    def content(self, spec: dict) -> dict:
        """The spec as a bank file writes it (no generated ids): what decides whether an edit is a new
        version. Takes a stored spec or one already in this shape."""
        raise NotImplementedError

    def max_points(self, spec: dict) -> float:
        return 1.0

    def key_answer(self, spec: dict) -> Any:
        """The answer that scores full marks, for the editor's preview of the feedback."""
        raise NotImplementedError

    def spec_form(self, data=None, *, spec: dict | None = None):
        """The editor's form for this type's spec (see items/forms.py for what the editor needs of it)."""
        raise NotImplementedError

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer: Any = None) -> PublicItem:
        """The item as a learner sees it. `rng` shuffles what the type shuffles (None: the neutral order);
        `answer` is the learner's answer so far, for types whose layout follows it (an ordering)."""
        raise NotImplementedError

    def strikeable(self, spec: dict) -> set[str]:
        """The ids of the options a learner may strike out (rule out) while answering; none by default."""
        return set()

    def parse_answer(self, spec: dict, data: QueryDict) -> Any:
        """The answer in the learner's posted form, as stored (JSON).

        Raises FixableAnswer (EmptyAnswer) for what the learner can put right, InvalidAnswer for a form
        that no page of ours sends, and AnswerInProgress when the form asks to rearrange, not submit.
        """
        raise NotImplementedError

    def answer_form(self, spec: dict, answer: Any) -> QueryDict:
        """The form data a browser posts for `answer`: parse_answer's inverse."""
        raise NotImplementedError

    def grade(self, spec: dict, answer: Any) -> Grade:
        """Score an answer; None (not answered) scores nothing."""
        if answer is None:
            return Grade(points=0.0, max_points=self.max_points(spec))
        return self.score(spec, answer)

    def score(self, spec: dict, answer: Any) -> Grade:
        raise NotImplementedError

    def review(self, spec: dict, answer: Any, rng: random.Random | None) -> ItemReview:
        """The answered item with its key, in the order the learner saw it; `answer` None: not answered."""
        raise NotImplementedError


def form_data(fields: dict[str, str | list[str]]) -> QueryDict:
    """A QueryDict holding `fields`, each one value or a list of them."""
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def _with_rationales(value):
    if isinstance(value, dict):
        return {k: "-" if k == "rationale" and value[k] == "" else _with_rationales(value[k]) for k in value}
    if isinstance(value, list):
        return [_with_rationales(v) for v in value]
    return value


def validate_imported(item: "ItemType", spec: dict) -> list[SpecError]:
    """`item.validate(spec)` for a question read from a file, where a rationale may be absent: a file
    without feedback has none, and absent feedback stays absent (the editor still asks for it)."""
    return item.validate(_with_rationales(spec))
