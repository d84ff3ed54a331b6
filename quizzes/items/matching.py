"""Matching items: each premise is matched to one of the responses; 0/1 per pair.

Spec: {"premises": [{"text": "IVIG", "match": "First-line treatment", "rationale": "..."}, ...],
"responses": ["Can make MMN worse", "First-line treatment", ...]}. There may be more responses than
premises, and one response may match several premises. A premise names its match by the response's
text; the stored spec adds random ids and keeps the responses in the neutral order (alphabetical, not
the premises' order), and the learner's choices (one drop-down per premise) post ids.
"""

import random
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from ..validators import PlainTextField
from .base import (
    Grade,
    ItemType,
    PartsReview,
    PublicItem,
    ReviewPart,
    SpecError,
    choices_per_part,
    count_phrase,
    form_data,
    neutral_order,
    new_id,
    require_every_part,
    rows_errors,
    shuffled,
    text_list_errors,
    text_of,
    with_ids,
)
from .forms import RowForm, SpecForm, lines, rationale_field

MIN_PREMISES, MAX_PREMISES, MAX_RESPONSES = 2, 8, 12


@dataclass(frozen=True)
class PublicPremise:
    id: str
    text: str
    chosen: str | None  # the response id the learner has picked so far


@dataclass(frozen=True)
class PublicResponse:
    id: str
    text: str


@dataclass(frozen=True)
class MatchingPublic(PublicItem):
    premises: tuple[PublicPremise, ...]
    responses: tuple[PublicResponse, ...]


class Matching(ItemType):
    name = "matching"
    label = "Matching"
    fields = ("premises", "responses")
    template_name = "quizzes/items/matching.html"
    review_template = "quizzes/items/_parts.html#review"
    instructions = "Choose the match for each item. A response may fit more than one item, or none."
    shuffle_note = (
        "Learners see the responses in a random order, or in alphabetical order when the quiz does not "
        "shuffle them."
    )

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        responses, premises = spec.get("responses"), spec.get("premises")
        errors = text_list_errors(responses, "responses", "response", 2, MAX_RESPONSES)
        # None when the responses are not a list (already an error): no match can be checked against them.
        texts = (
            {text_of(r).strip() for r in responses if isinstance(text_of(r), str)}
            if isinstance(responses, list)
            else None
        )

        def match_errors(premise: dict, number: int, at: str) -> list[SpecError]:
            match = premise.get("match")
            if not isinstance(match, str) or not match.strip():
                return [SpecError(f"item {number} has no match", f"{at}.match")]
            if texts is not None and match.strip() not in texts:
                return [
                    SpecError(f"item {number}: “{match.strip()}” is not one of the responses", f"{at}.match")
                ]
            return []

        return errors + rows_errors(premises, "premises", "item", MIN_PREMISES, MAX_PREMISES, match_errors)

    def normalise(self, spec: dict) -> dict:
        return {
            "premises": [
                {
                    "id": p.get("id") or new_id(),
                    "text": p["text"].strip(),
                    "match": p["match"].strip(),
                    "rationale": p["rationale"].strip(),
                }
                for p in spec["premises"]
            ],
            "responses": neutral_order(with_ids(spec["responses"])),
        }

    def content(self, spec: dict) -> dict:
        return {
            "premises": [{k: p[k] for k in ("text", "match", "rationale")} for p in spec["premises"]],
            "responses": [text_of(r) for r in neutral_order(spec["responses"])],
        }

    def max_points(self, spec: dict) -> float:
        return float(len(spec["premises"]))

    def key_answer(self, spec: dict) -> dict[str, str | None]:
        ids = {r["text"]: r["id"] for r in spec["responses"]}
        return {p["id"]: ids.get(p["match"]) for p in spec["premises"]}

    def spec_form(self, data=None, *, spec: dict | None = None) -> "MatchingForm":
        return MatchingForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> MatchingPublic:
        chosen = answer if isinstance(answer, dict) else {}
        return MatchingPublic(
            stem=stem,
            instructions=self.instructions,
            template=self.question_template,
            premises=tuple(PublicPremise(p["id"], p["text"], chosen.get(p["id"])) for p in spec["premises"]),
            responses=tuple(shuffled([PublicResponse(r["id"], r["text"]) for r in spec["responses"]], rng)),
        )

    def parse_answer(self, spec: dict, data: QueryDict) -> dict[str, str]:
        chosen = choices_per_part(
            data, "match", [p["id"] for p in spec["premises"]], {r["id"] for r in spec["responses"]}
        )
        return require_every_part(chosen, "item", verb="Match")

    def answer_form(self, spec: dict, answer: dict) -> QueryDict:
        return form_data({f"match-{premise}": response for premise, response in answer.items() if response})

    def score(self, spec: dict, answer: dict) -> Grade:
        key = self.key_answer(spec)
        right = sum(1 for premise, response in key.items() if response and answer.get(premise) == response)
        return Grade(float(right), float(len(key)), count_phrase(right, len(key), "pair"))

    def review(self, spec: dict, answer, rng: random.Random | None) -> PartsReview:
        texts = {r["id"]: r["text"] for r in spec["responses"]}
        key, given = self.key_answer(spec), answer or {}
        parts = tuple(
            ReviewPart(
                label=p["text"],
                given=texts.get(given.get(p["id"]), ""),
                key=p["match"],
                right=given.get(p["id"]) is not None and given.get(p["id"]) == key[p["id"]],
                rationale=p["rationale"],
            )
            for p in spec["premises"]
        )
        return PartsReview(grade=self.grade(spec, answer), template=self.review_template, parts=parts)


class MatchingFields(forms.Form):
    responses = PlainTextField(
        label="Responses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Everything learners choose from, one a line: the matches, and any extra ones that match "
        "nothing.",
    )


class PremiseRow(RowForm):
    text = PlainTextField(label="Item", required=False)
    match = PlainTextField(
        label="Its match", required=False, help_text="One of the responses, as written there."
    )
    rationale = rationale_field("Why this is its match.")


class MatchingForm(SpecForm):
    """The responses, one a line, and the items with their matches."""

    Fields = MatchingFields
    row_lists = {"premises": (PremiseRow, MIN_PREMISES, MAX_PREMISES)}
    template_name = "quizzes/items/matching.html#spec-form"

    def initial(self, spec: dict) -> tuple[dict, dict]:
        return {"responses": "\n".join(spec["responses"])}, {"premises": spec["premises"]}

    def build(self, fields: dict, rows: dict) -> dict:
        responses = lines(fields.get("responses", ""))
        # A match typed in other capitals is still that response.
        spelled = {text.casefold(): text for text in responses}
        premises = [
            row | {"match": spelled.get(row["match"].casefold(), row["match"])} for row in rows["premises"]
        ]
        return {"premises": premises, "responses": responses}
