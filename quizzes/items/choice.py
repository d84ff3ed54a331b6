"""Choice items: single best answer, select all that apply (SATA) and true/false share one shape.

Spec: {"options": [{"id": str, "text": str, "correct": bool, "rationale": str}, ...]}.
Option ids are random and assigned when a version is created, and options are stored in the neutral
order (alphabetical), so neither says anything about the key. True/false keeps "True" then "False".
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import QueryDict

from quizzes.text import said_already

from .base import (
    EmptyAnswer,
    Grade,
    InvalidAnswer,
    ItemReview,
    ItemType,
    PublicItem,
    SpecError,
    form_data,
    neutral_order,
    new_id,
    shuffled,
)
from .forms import ChoiceOptionsFormSet, choice_options_formset


@dataclass(frozen=True)
class PublicOption:
    id: str
    text: str


@dataclass(frozen=True)
class ChoicePublic(PublicItem):
    options: tuple[PublicOption, ...]
    input_type: str  # "radio" or "checkbox"


@dataclass(frozen=True)
class ReviewOption:
    text: str
    rationale: str
    is_key: bool
    chosen: bool
    id: str = ""  # so the review can say which options the learner struck out


@dataclass(frozen=True)
class ChoiceReview(ItemReview):
    """Every option, the key and each rationale."""

    options: tuple[ReviewOption, ...]


class ChoiceItem(ItemType):
    name: str
    label: str
    template_name = "quizzes/items/choice.html"
    input_type = "radio"
    instructions = "Choose one answer."
    shuffle = True  # False: the options keep a fixed order (True, False), stored and shown as written
    shuffle_note = (
        "Learners see the options in a random order, or in alphabetical order when the quiz does not "
        "shuffle them."
    )
    fields = ("options",)  # the spec's fields, as they appear in a bank file
    min_options = 2
    max_options = 8
    # What the editor says above the options' "Correct" boxes.
    author_instructions = "Tick the one correct option."

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        """Return every problem with the spec, worded for an author; an empty list means valid.

        Each error names the part of the spec it is about (`SpecError.field`), 0-based: "options.1.text"
        is the text of the option the message calls "option 2".
        """
        errors: list[SpecError] = []
        options = spec.get("options")
        if not isinstance(options, list):
            return [SpecError("options must be a list", "options")]
        if not self.min_options <= len(options) <= self.max_options:
            errors.append(
                SpecError(
                    f"needs {self.min_options} to {self.max_options} options, has {len(options)}", "options"
                )
            )
        seen: set[str] = set()
        for index, option in enumerate(options):
            number, at = index + 1, f"options.{index}"
            if not isinstance(option, dict):
                errors.append(SpecError(f"option {number} must be an object", at))
                continue
            text = option.get("text")
            if not isinstance(text, str) or not text.strip():
                errors.append(SpecError(f"option {number} has no text", f"{at}.text"))
            elif text.strip().casefold() in seen:
                errors.append(SpecError("two options have the same text", f"{at}.text"))
            else:
                seen.add(text.strip().casefold())
            if not isinstance(option.get("rationale"), str) or not option["rationale"].strip():
                errors.append(SpecError(f"option {number} has no rationale", f"{at}.rationale"))
            if not isinstance(option.get("correct"), bool):
                errors.append(SpecError(f"option {number}: correct must be true or false", f"{at}.correct"))
        if not errors:
            errors.extend(
                SpecError(message, "options")
                for message in self.validate_keys([o["correct"] for o in options])
            )
        return errors

    def validate_keys(self, flags: list[bool]) -> list[str]:
        return [] if sum(flags) == 1 else [f"needs exactly one correct option, has {sum(flags)}"]

    def arranged(self, options: list) -> list:
        """Options in the order they are stored and written out: the neutral one, unless fixed."""
        return neutral_order(options) if self.shuffle else list(options)

    def normalise(self, spec: dict) -> dict:
        """The stored spec: only known fields, stripped text, an id for each option, the neutral order."""
        options = [
            {
                "id": option.get("id") or new_id(),
                "text": option["text"].strip(),
                "correct": option["correct"],
                "rationale": option["rationale"].strip(),
            }
            for option in spec["options"]
        ]
        return {"options": self.arranged(options)}

    def content(self, spec: dict) -> dict:
        """The spec without generated ids: what decides whether an edit is a new version. In the neutral
        order, so a bank file does not carry the key's position and reordering options changes nothing."""
        options = self.arranged(spec["options"])
        return {"options": [{k: o[k] for k in ("text", "correct", "rationale")} for o in options]}

    def max_points(self, spec: dict) -> float:
        return 1.0

    def key_answer(self, spec: dict) -> list[str]:
        """The answer that scores full marks, for the editor's preview of the feedback."""
        return [o["id"] for o in spec["options"] if o["correct"]]

    def spec_form(self, data=None, *, spec: dict | None = None) -> ChoiceOptionsFormSet:
        """The editor's form for this type's spec: one row an option, two blank rows to grow into."""
        return choice_options_formset(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> ChoicePublic:
        """The item as a learner sees it; options are shuffled by `rng`, or in the neutral order when it
        is None (also for versions stored before options were stored in that order)."""
        options = [PublicOption(id=o["id"], text=o["text"]) for o in spec["options"]]
        return ChoicePublic(
            stem=stem,
            instructions="" if said_already(stem, self.instructions) else self.instructions,
            template=self.question_template,
            options=tuple(shuffled(options, rng) if self.shuffle else options),
            input_type=self.input_type,
        )

    def strikeable(self, spec: dict) -> set[str]:
        return {o["id"] for o in spec["options"]}

    def parse_answer(self, spec: dict, data: QueryDict) -> list[str]:
        """The ticked option ids (`option`) as the answer; refuse ids that are not this item's."""
        known = {o["id"] for o in spec["options"]}
        chosen = list(dict.fromkeys(data.getlist("option")))  # a repeated id counts once
        if not chosen:
            raise EmptyAnswer("Choose an answer before submitting.")
        if any(value not in known for value in chosen):
            raise InvalidAnswer("The answer names an option that is not part of this question.")
        if self.input_type == "radio" and len(chosen) != 1:
            raise InvalidAnswer("This question takes exactly one answer.")
        return sorted(chosen)

    def answer_form(self, spec: dict, answer: Sequence[str]) -> QueryDict:
        return form_data({"option": list(answer)})

    def score(self, spec: dict, answer: Sequence[str]) -> Grade:
        keys = {o["id"] for o in spec["options"] if o["correct"]}
        return Grade(points=1.0 if set(answer) == keys else 0.0, max_points=1.0)

    def review(self, spec: dict, answer: Sequence[str] | None, rng: random.Random | None) -> ChoiceReview:
        """Every option in the order the learner saw it, with the key and the learner's choice."""
        order = [o.id for o in self.public_view("", spec, rng).options]
        by_id = {o["id"]: o for o in spec["options"]}
        chosen = set(answer or ())
        return ChoiceReview(
            template=self.review_template,
            options=tuple(
                ReviewOption(
                    text=by_id[i]["text"],
                    rationale=by_id[i]["rationale"],
                    is_key=by_id[i]["correct"],
                    chosen=i in chosen,
                    id=i,
                )
                for i in order
            ),
            grade=self.grade(spec, answer),
        )
