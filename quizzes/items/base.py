"""What every item type provides: validation of its spec, a public view, answer parsing and grading.

A *spec* is the type-specific part of a question version (for choice items, the options with their key
flags and rationales). The *public view* is the only thing a template sees before the learner answers,
so it never carries keys, rationales or the explanation.
"""

from dataclasses import dataclass


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


class EmptyAnswer(InvalidAnswer):
    """Nothing was chosen: an ordinary form error the learner can fix."""


@dataclass(frozen=True)
class Grade:
    points: float
    max_points: float

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
class PublicOption:
    id: str
    text: str


@dataclass(frozen=True)
class PublicItem:
    """What a learner may see of an unanswered item."""

    stem: str
    options: tuple[PublicOption, ...]
    input_type: str  # "radio" or "checkbox"
    instructions: str


@dataclass(frozen=True)
class ReviewOption:
    text: str
    rationale: str
    is_key: bool
    chosen: bool


@dataclass(frozen=True)
class ItemReview:
    """An answered item as the learner sees it afterwards: every option, the key and each rationale."""

    options: tuple[ReviewOption, ...]
    grade: Grade
