"""Ordering items: put the steps in order; 0/1 per position, or all or nothing, as the author chooses.

Spec: {"scoring": "position" or "all-or-nothing", "steps": [{"text": "...", "rationale": "..."}, ...]},
the steps written in the right order. Learners get them shuffled on the server (seeded by the slot, like
options) and never in the right order to begin with. They reorder with Move up and Move down buttons:
each is a submit button that sends the current order and the move, and the item comes back rearranged
(a whole page without JavaScript, a swap with htmx) until the learner submits the order.
"""

import random
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from ..validators import PlainTextField
from .base import (
    AnswerInProgress,
    Grade,
    InvalidAnswer,
    ItemType,
    PartsReview,
    PublicItem,
    ReviewPart,
    SpecError,
    form_data,
    new_id,
    rows_errors,
)
from .forms import RowForm, SpecForm, rationale_field

# Two steps have one wrong order, so their first display would give the key away: new items need three
# (versions saved with two before this rule are still shown, always in reverse).
MIN_STEPS, MAX_STEPS = 3, 8
SCORINGS = {"position": "one point for each step in its right place", "all-or-nothing": "all or nothing"}


@dataclass(frozen=True)
class PublicStep:
    id: str
    text: str

    @property
    def up(self) -> str:  # the value of its Move up button
        return f"up:{self.id}"

    @property
    def down(self) -> str:
        return f"down:{self.id}"


@dataclass(frozen=True)
class OrderingPublic(PublicItem):
    steps: tuple[PublicStep, ...]  # in the order shown now: shuffled, or as the learner has put them


def first_order(ids: list[str], rng: random.Random | None) -> list[str]:
    """The order the steps are first shown in: any order but the right one, each as likely as the others.

    A shuffle that comes out right is drawn again (not nudged to a neighbouring order, which would make
    that order twice as likely and point back at the key). Two steps have only one wrong order, which is
    why new items need three. Without a seed (a quiz that keeps options as written, the editor's preview)
    the steps are still shuffled, seeded by their ids, since showing them as written would show the key.
    """
    order = list(ids)
    if len(set(ids)) < 2:
        return order  # nothing to shuffle; validation never lets such an item in
    rng = rng or random.Random(",".join(ids))
    while order == ids:
        rng.shuffle(order)
    return order


class Ordering(ItemType):
    name = "ordering"
    label = "Ordering"
    fields = ("scoring", "steps")
    template_name = "quizzes/items/ordering.html"
    review_template = "quizzes/items/_parts.html#review"
    instructions = "Put the steps in order with the Move up and Move down buttons, then submit the order."
    shuffle_note = "Learners always get the steps shuffled, never in the right order."

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        errors: list[SpecError] = []
        if not isinstance(spec.get("scoring"), str) or spec["scoring"] not in SCORINGS:
            errors.append(SpecError(f"scoring must be one of {', '.join(SCORINGS)}", "scoring"))
        return errors + rows_errors(spec.get("steps"), "steps", "step", MIN_STEPS, MAX_STEPS, lambda *_: [])

    def normalise(self, spec: dict) -> dict:
        return {
            "scoring": spec["scoring"],
            "steps": [
                {
                    "id": s.get("id") or new_id(),
                    "text": s["text"].strip(),
                    "rationale": s["rationale"].strip(),
                }
                for s in spec["steps"]
            ],
        }

    def content(self, spec: dict) -> dict:
        return {
            "scoring": spec["scoring"],
            "steps": [{"text": s["text"], "rationale": s["rationale"]} for s in spec["steps"]],
        }

    def max_points(self, spec: dict) -> float:
        return float(len(spec["steps"])) if spec["scoring"] == "position" else 1.0

    def key_answer(self, spec: dict) -> list[str]:
        return [s["id"] for s in spec["steps"]]

    def spec_form(self, data=None, *, spec: dict | None = None) -> "OrderingForm":
        return OrderingForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> OrderingPublic:
        ids = self.key_answer(spec)
        order = (
            answer if isinstance(answer, list) and sorted(answer) == sorted(ids) else first_order(ids, rng)
        )
        text = {s["id"]: s["text"] for s in spec["steps"]}
        return OrderingPublic(
            stem=stem,
            instructions=self.instructions,
            template=self.question_template,
            steps=tuple(PublicStep(i, text[i]) for i in order),
        )

    def parse_answer(self, spec: dict, data: QueryDict) -> list[str]:
        """The order sent; with a Move button pressed, AnswerInProgress with the order rearranged."""
        order = data.getlist("order")
        if len(order) != len(spec["steps"]) or sorted(order) != sorted(self.key_answer(spec)):
            raise InvalidAnswer(
                "The order of the steps could not be read: reload the question and try again."
            )
        move = data.get("move", "")
        if not move:
            return order
        direction, _, step = move.partition(":")
        if direction not in ("up", "down") or step not in order:
            raise InvalidAnswer("That move is not part of this question.")
        here = order.index(step)
        there = max(0, here - 1) if direction == "up" else min(len(order) - 1, here + 1)
        order[here], order[there] = order[there], order[here]
        # The pressed button keeps the focus, unless the step has reached the end it was moving to.
        if there == 0:
            direction = "down"
        elif there == len(order) - 1:
            direction = "up"
        raise AnswerInProgress(draft=order, focus=f"{direction}:{step}")

    def answer_form(self, spec: dict, answer: list[str]) -> QueryDict:
        return form_data({"order": list(answer)})

    def score(self, spec: dict, answer: list[str]) -> Grade:
        key = self.key_answer(spec)
        right = sum(1 for given, wanted in zip(answer, key, strict=True) if given == wanted)
        detail = f"{right} of {len(key)} steps in the right place"
        if spec["scoring"] == "position":
            return Grade(float(right), float(len(key)), detail)
        return Grade(1.0 if right == len(key) else 0.0, 1.0, detail)

    def review(self, spec: dict, answer, rng: random.Random | None) -> PartsReview:
        steps = spec["steps"]
        text = {s["id"]: s["text"] for s in steps}
        given = answer or []
        parts = tuple(
            ReviewPart(
                label=f"Step {index + 1}",
                given=text[given[index]] if index < len(given) else "",
                key=step["text"],
                right=index < len(given) and given[index] == step["id"],
                rationale=step["rationale"],
            )
            for index, step in enumerate(steps)
        )
        return PartsReview(grade=self.grade(spec, answer), template=self.review_template, parts=parts)


class OrderingFields(forms.Form):
    scoring = forms.ChoiceField(
        label="Scoring",
        choices=[
            ("position", "A point for each step in its right place"),
            ("all-or-nothing", "All or nothing: one point for the whole order"),
        ],
        widget=forms.RadioSelect,
        initial="position",
    )


class StepRow(RowForm):
    text = PlainTextField(label="Step", required=False)
    rationale = rationale_field("Why this step comes here.")


class OrderingForm(SpecForm):
    """How the order is scored, and the steps in their right order."""

    Fields = OrderingFields
    row_lists = {"steps": (StepRow, MIN_STEPS, MAX_STEPS)}
    template_name = "quizzes/items/ordering.html#spec-form"

    def initial(self, spec: dict) -> tuple[dict, dict]:
        return {"scoring": spec["scoring"]}, {"steps": spec["steps"]}

    def build(self, fields: dict, rows: dict) -> dict:
        return {"scoring": fields.get("scoring", ""), "steps": rows["steps"]}
