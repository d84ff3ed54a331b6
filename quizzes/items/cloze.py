"""Drop-down cloze items (NGN): a passage with blanks, each a drop-down of choices; 0/1 per blank.

Spec: {"passage": "IVIG is the [[1]] treatment for MMN ...", "blanks": [{"choices": ["first-line",
"last-resort"], "correct": "first-line", "rationale": "..."}, ...]}. The passage marks blank n with
[[n]], each once and in order. The choices of each blank are stored in the neutral order (alphabetical),
and shuffled by the slot's seed like options.
"""

import random
import re
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
    neutral_order,
    new_id,
    one_value,
    require_every_part,
    shuffled,
    text_list_errors,
    text_of,
    with_ids,
)
from .forms import RowForm, SpecForm, lines, rationale_field

MARKER = re.compile(r"\[\[(\d{1,2})\]\]")
MAX_BLANKS, MAX_CHOICES, MAX_PASSAGE = 8, 6, 3000


@dataclass(frozen=True)
class PublicChoice:
    id: str
    text: str


@dataclass(frozen=True)
class PublicBlank:
    id: str
    number: int
    choices: tuple[PublicChoice, ...]
    chosen: str | None  # the choice id picked so far


@dataclass(frozen=True)
class Segment:
    """A stretch of the passage: its text, or a blank."""

    text: str
    blank: PublicBlank | None = None


@dataclass(frozen=True)
class ClozePublic(PublicItem):
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class FilledSegment:
    text: str
    blank: ReviewPart | None = None
    number: int = 0


@dataclass(frozen=True)
class ClozeReview(PartsReview):
    """The passage with the learner's choices in its blanks, then each blank with its key."""

    segments: tuple[FilledSegment, ...]


def split(passage: str) -> list[str | int]:
    """The passage as text and blank numbers: "a [[1]] b" -> ["a ", 1, " b"]."""
    pieces = MARKER.split(passage)
    return [int(piece) if index % 2 else piece for index, piece in enumerate(pieces)]


class Cloze(ItemType):
    name = "cloze"
    label = "Drop-down cloze"
    fields = ("passage", "blanks")
    template_name = "quizzes/items/cloze.html"
    instructions = "Choose the word or phrase that completes each blank."
    shuffle_note = (
        "Learners see each blank's choices in a random order, or in alphabetical order when the quiz "
        "does not shuffle them."
    )

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        passage, blanks = spec.get("passage"), spec.get("blanks")
        if not isinstance(blanks, list) or not 1 <= len(blanks) <= MAX_BLANKS:
            count = len(blanks) if isinstance(blanks, list) else 0
            errors = [SpecError(f"needs 1 to {MAX_BLANKS} blanks, has {count}", "blanks")]
            blanks = blanks if isinstance(blanks, list) else []
        else:
            errors = []
        errors += self._passage_errors(passage, len(blanks))
        for index, blank in enumerate(blanks):
            number, at = index + 1, f"blanks.{index}"
            if not isinstance(blank, dict):
                errors.append(SpecError(f"blank {number} must be an object", at))
                continue
            choices, correct = blank.get("choices"), blank.get("correct")
            errors += [
                SpecError(f"blank {number}: {error}", error.field)
                for error in text_list_errors(choices, f"{at}.choices", "choice", 2, MAX_CHOICES)
            ]
            texts = [
                text_of(c).strip()
                for c in (choices if isinstance(choices, list) else [])
                if isinstance(text_of(c), str)
            ]
            if not isinstance(correct, str) or not correct.strip():
                errors.append(SpecError(f"blank {number} has no right choice", f"{at}.correct"))
            elif correct.strip() not in texts:
                errors.append(
                    SpecError(
                        f"blank {number}: “{correct.strip()}” is not one of its choices", f"{at}.correct"
                    )
                )
            if not isinstance(blank.get("rationale"), str) or not blank["rationale"].strip():
                errors.append(SpecError(f"blank {number} has no rationale", f"{at}.rationale"))
        return errors

    def _passage_errors(self, passage, count: int) -> list[SpecError]:
        if not isinstance(passage, str) or not passage.strip():
            return [SpecError("the passage is empty", "passage")]
        if len(passage) > MAX_PASSAGE:
            return [SpecError(f"the passage is over {MAX_PASSAGE} characters", "passage")]
        numbers = [piece for piece in split(passage) if isinstance(piece, int)]
        wanted = list(range(1, count + 1))
        if numbers != wanted:
            marks = ", ".join(f"[[{n}]]" for n in wanted) or "none"
            return [SpecError(f"the passage must mark its blanks {marks}, once each and in order", "passage")]
        return []

    def normalise(self, spec: dict) -> dict:
        return {
            "passage": spec["passage"].strip(),
            "blanks": [
                {
                    "id": b.get("id") or new_id(),
                    "choices": neutral_order(with_ids(b["choices"])),
                    "correct": b["correct"].strip(),
                    "rationale": b["rationale"].strip(),
                }
                for b in spec["blanks"]
            ],
        }

    def content(self, spec: dict) -> dict:
        return {
            "passage": spec["passage"],
            "blanks": [
                {
                    "choices": [text_of(c) for c in neutral_order(b["choices"])],
                    "correct": b["correct"],
                    "rationale": b["rationale"],
                }
                for b in spec["blanks"]
            ],
        }

    def max_points(self, spec: dict) -> float:
        return float(len(spec["blanks"]))

    def key_answer(self, spec: dict) -> dict[str, str | None]:
        return {
            b["id"]: next((c["id"] for c in b["choices"] if c["text"] == b["correct"]), None)
            for b in spec["blanks"]
        }

    def spec_form(self, data=None, *, spec: dict | None = None) -> "ClozeForm":
        return ClozeForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> ClozePublic:
        chosen = answer if isinstance(answer, dict) else {}
        blanks = spec["blanks"]
        segments = []
        for piece in split(spec["passage"]):
            if isinstance(piece, int) and 1 <= piece <= len(blanks):
                blank = blanks[piece - 1]
                choices = tuple(shuffled([PublicChoice(c["id"], c["text"]) for c in blank["choices"]], rng))
                segments.append(
                    Segment("", PublicBlank(blank["id"], piece, choices, chosen.get(blank["id"])))
                )
            else:
                segments.append(Segment(f"[[{piece}]]" if isinstance(piece, int) else piece))
        return ClozePublic(
            stem=stem,
            instructions=self.instructions,
            template=self.question_template,
            segments=tuple(segments),
        )

    def parse_answer(self, spec: dict, data: QueryDict) -> dict[str, str]:
        chosen: dict[str, str | None] = {}
        for blank in spec["blanks"]:
            value = one_value(data, f"blank-{blank['id']}")
            if value and value not in {c["id"] for c in blank["choices"]}:
                raise InvalidAnswer("The answer names a choice that is not part of this blank.")
            chosen[blank["id"]] = value or None
        return require_every_part(chosen, "blank", verb="Fill in")

    def answer_form(self, spec: dict, answer: dict) -> QueryDict:
        return form_data({f"blank-{blank}": choice for blank, choice in answer.items() if choice})

    def score(self, spec: dict, answer: dict) -> Grade:
        key = self.key_answer(spec)
        right = sum(1 for blank, choice in key.items() if choice and answer.get(blank) == choice)
        return Grade(float(right), float(len(key)), count_phrase(right, len(key), "blank"))

    def review(self, spec: dict, answer, rng: random.Random | None) -> ClozeReview:
        key, given = self.key_answer(spec), answer or {}
        parts = []
        for number, blank in enumerate(spec["blanks"], start=1):
            texts = {c["id"]: c["text"] for c in blank["choices"]}
            choice = given.get(blank["id"])
            parts.append(
                ReviewPart(
                    label=f"Blank {number}",
                    given=texts.get(choice, ""),
                    key=blank["correct"],
                    right=choice is not None and choice == key[blank["id"]],
                    rationale=blank["rationale"],
                )
            )
        segments = tuple(
            FilledSegment("", parts[piece - 1], piece)
            if isinstance(piece, int) and 1 <= piece <= len(parts)
            else FilledSegment(f"[[{piece}]]" if isinstance(piece, int) else piece)
            for piece in split(spec["passage"])
        )
        return ClozeReview(
            grade=self.grade(spec, answer),
            template=self.review_template,
            parts=tuple(parts),
            segments=segments,
        )


class ClozeFields(forms.Form):
    passage = PlainTextField(
        label="Passage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Mark each blank where it goes: [[1]], [[2]] and so on, in order.",
    )


class BlankRow(RowForm):
    choices = PlainTextField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the drop-down offers, one a line.",
    )
    correct = PlainTextField(label="The right choice", required=False, help_text="One of the choices.")
    rationale = rationale_field("Why it is right.")


class ClozeForm(SpecForm):
    """The passage with its blank marks, and each blank's choices, the right one and why."""

    Fields = ClozeFields
    row_lists = {"blanks": (BlankRow, 1, MAX_BLANKS)}
    template_name = "quizzes/items/cloze.html#spec-form"

    def initial(self, spec: dict) -> tuple[dict, dict]:
        rows = [b | {"choices": "\n".join(b["choices"])} for b in spec["blanks"]]
        return {"passage": spec["passage"]}, {"blanks": rows}

    def build(self, fields: dict, rows: dict) -> dict:
        blanks = []
        for row in rows["blanks"]:
            choices = lines(row["choices"])
            spelled = {text.casefold(): text for text in choices}  # the right choice in other capitals
            blanks.append(
                row | {"choices": choices, "correct": spelled.get(row["correct"].casefold(), row["correct"])}
            )
        return {"passage": fields.get("passage", ""), "blanks": blanks}
