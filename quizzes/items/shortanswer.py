"""Short answer items: the learner types a word or phrase; scored 0/1.

Spec: {"answers": [{"text": "IVIG", "variants": ["intravenous immunoglobulin"], "correct": true,
"feedback": "..."}, ...], "typo_tolerance": 1}. An answer counts when it equals an accepted answer or one
of its variants, whatever the case and spacing, or is within `typo_tolerance` letters of one (Levenshtein
distance: a letter added, left out or changed); absent, it is 1 for spellings of 8 letters or more and 0
for shorter ones, where one letter makes another word ("IgG", "IgM"). Answers marked not correct are
mistakes learners are expected to make, there only for their feedback; a typed answer nearer to one of
them than to a right one is that mistake.
"""

import random
import unicodedata
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from rapidfuzz.distance import Levenshtein

from ..validators import PlainTextField
from .base import (
    MAX_TYPED,
    EmptyAnswer,
    Grade,
    ItemType,
    PartsReview,
    PublicItem,
    ReviewPart,
    SpecError,
    form_data,
    one_value,
)
from .forms import RowForm, SpecForm, lines

MAX_ANSWERS = 10


def same_words(text: str) -> str:
    """What two answers must share to count as one: their words, whatever the case and spacing."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


TOLERANCES = (0, 1, 2)
LONG_ANSWER = 8  # letters from which a spelling tolerates one typo by default


def tolerance_for(spec: dict, spelling: str) -> int:
    """How many letters a typed answer may differ from `spelling` by and still be it."""
    chosen = spec.get("typo_tolerance")
    if chosen is not None:
        return chosen
    return 1 if sum(c.isalpha() for c in spelling) >= LONG_ANSWER else 0


def matching_answer(spec: dict, typed: str) -> dict | None:
    """The listed answer (right or wrong) that `typed` is, or None."""
    found = closest_answer(spec, typed)
    return found[0] if found else None


def closest_answer(spec: dict, typed: str) -> tuple[dict, str, int] | None:
    """(the listed answer, the spelling of it, how many letters apart) that `typed` is: an exact match
    (whatever the case and spacing) first, else the nearest spelling within its typo tolerance."""
    wanted = same_words(typed)
    spellings = [(a, t) for a in spec["answers"] for t in (a["text"], *a["variants"])]
    for answer, spelling in spellings:
        if same_words(spelling) == wanted:
            return answer, spelling, 0
    nearest = None
    for answer, spelling in spellings:
        limit = tolerance_for(spec, spelling)
        if not limit:
            continue
        distance = Levenshtein.distance(wanted, same_words(spelling), score_cutoff=limit)
        if distance <= limit and (nearest is None or distance < nearest[2]):
            nearest = (answer, spelling, distance)
    return nearest


@dataclass(frozen=True)
class ShortAnswerPublic(PublicItem):
    max_length: int


class ShortAnswer(ItemType):
    name = "shortanswer"
    label = "Short answer"
    fields = ("answers", "typo_tolerance")
    template_name = "quizzes/items/shortanswer.html"
    review_template = "quizzes/items/_parts.html#review"
    instructions = "Type a short answer. Capitals and spacing do not matter."

    # -- authoring -------------------------------------------------------------------------------
    def validate(self, spec: dict) -> list[SpecError]:
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers:
            return [SpecError("needs at least one answer", "answers")]
        errors: list[SpecError] = []
        if len(answers) > MAX_ANSWERS:
            errors.append(SpecError(f"has {len(answers)} answers, at most {MAX_ANSWERS}", "answers"))
        seen: set[str] = set()
        for index, answer in enumerate(answers):
            number, at = index + 1, f"answers.{index}"
            if not isinstance(answer, dict):
                errors.append(SpecError(f"answer {number} must be an object", at))
                continue
            text, variants = answer.get("text"), answer.get("variants")
            if not isinstance(text, str) or not text.strip():
                errors.append(SpecError(f"answer {number} has no text", f"{at}.text"))
                text = ""
            if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
                errors.append(
                    SpecError(f"answer {number}: variants must be a list of texts", f"{at}.variants")
                )
                variants = []
            for spelling in (text, *variants):
                if len(spelling) > MAX_TYPED:
                    errors.append(SpecError(f"answer {number} is over {MAX_TYPED} characters", f"{at}.text"))
                elif spelling.strip() and same_words(spelling) in seen:
                    errors.append(SpecError(f"“{spelling.strip()}” is listed twice", f"{at}.text"))
                seen.add(same_words(spelling))
            if not isinstance(answer.get("correct"), bool):
                errors.append(SpecError(f"answer {number}: correct must be true or false", f"{at}.correct"))
            if not isinstance(answer.get("feedback"), str):
                errors.append(
                    SpecError(f"answer {number}: feedback must be text (may be empty)", f"{at}.feedback")
                )
        tolerance = spec.get("typo_tolerance")
        if tolerance is not None and (isinstance(tolerance, bool) or tolerance not in TOLERANCES):
            errors.append(
                SpecError("typo_tolerance must be 0 (off), 1 or 2 letters, or left out", "typo_tolerance")
            )
        if not errors and not any(a["correct"] for a in answers):
            errors.append(SpecError("needs at least one answer that counts as right", "answers"))
        return errors

    def normalise(self, spec: dict) -> dict:
        return {
            "answers": [
                {
                    "text": a["text"].strip(),
                    "variants": [v.strip() for v in a["variants"] if v.strip()],
                    "correct": a["correct"],
                    "feedback": a["feedback"].strip(),
                }
                for a in spec["answers"]
            ]
        } | ({} if spec.get("typo_tolerance") is None else {"typo_tolerance": spec["typo_tolerance"]})

    content = normalise  # nothing generated: the stored spec is the file's

    def key_answer(self, spec: dict):
        return next((a["text"] for a in spec["answers"] if a["correct"] and a["text"]), None)

    def spec_form(self, data=None, *, spec: dict | None = None) -> "ShortAnswerForm":
        return ShortAnswerForm(self, data, spec=spec)

    # -- taking ----------------------------------------------------------------------------------
    def public_view(self, stem: str, spec: dict, rng: random.Random | None, answer=None) -> ShortAnswerPublic:
        return ShortAnswerPublic(
            stem=stem, instructions=self.instructions, template=self.question_template, max_length=MAX_TYPED
        )

    def parse_answer(self, spec: dict, data: QueryDict) -> str:
        typed = " ".join(one_value(data, "text").split())
        if not typed:
            raise EmptyAnswer("Type an answer before submitting.")
        return typed

    def answer_form(self, spec: dict, answer: str) -> QueryDict:
        return form_data({"text": answer})

    def score(self, spec: dict, answer: str) -> Grade:
        found = closest_answer(spec, answer)
        right = found is not None and found[0]["correct"]
        # A misspelling that counts says which answer it was taken for.
        detail = f"accepted: {found[1]}" if right and found[2] else ""
        return Grade(points=1.0 if right else 0.0, max_points=1.0, detail=detail)

    def review(self, spec: dict, answer, rng: random.Random | None) -> PartsReview:
        grade = self.grade(spec, answer)
        found = matching_answer(spec, answer) if answer else None
        accepted = [a for a in spec["answers"] if a["correct"]]
        key = "; ".join(
            a["text"] + (f" (also: {', '.join(a['variants'])})" if a["variants"] else "") for a in accepted
        )
        part = ReviewPart(
            label="",
            given=answer or "",
            key=key,
            right=grade.is_correct,
            rationale=found["feedback"] if found else "",
        )
        return PartsReview(grade=grade, template=self.review_template, parts=(part,))


class AnswerRow(RowForm):
    text = PlainTextField(label="Answer", required=False)
    variants = PlainTextField(
        label="Other ways to write it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One a line, e.g. an abbreviation or the full name.",
    )
    correct = forms.BooleanField(label="Counts as right", required=False)
    feedback = PlainTextField(
        label="Feedback",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to a learner who gives this answer. Optional.",
    )


class ShortAnswerFields(forms.Form):
    typo_tolerance = forms.TypedChoiceField(
        label="Misspellings",
        choices=[
            ("", f"Usual: one wrong letter in answers of {LONG_ANSWER} letters or more"),
            ("0", "Off: only the spellings listed"),
            ("1", "One letter added, left out or changed"),
            ("2", "Up to two letters"),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="A misspelling that counts is shown to the learner with the answer it was taken for.",
    )


class ShortAnswerForm(SpecForm):
    """The answers: the right ones, and wrong ones worth their own feedback; and the typo tolerance."""

    Fields = ShortAnswerFields
    row_lists = {"answers": (AnswerRow, 1, MAX_ANSWERS)}
    template_name = "quizzes/items/shortanswer.html#spec-form"

    def initial(self, spec: dict) -> tuple[dict, dict]:
        rows = [a | {"variants": "\n".join(a["variants"])} for a in spec["answers"]]
        tolerance = spec.get("typo_tolerance")
        return {"typo_tolerance": "" if tolerance is None else str(tolerance)}, {"answers": rows}

    def build(self, fields: dict, rows: dict) -> dict:
        answers = [row | {"variants": lines(row["variants"])} for row in rows["answers"]]
        tolerance = fields.get("typo_tolerance")
        return {"answers": answers} | ({} if tolerance is None else {"typo_tolerance": tolerance})
