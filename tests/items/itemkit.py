"""Builders for the item-type tests: a bank holding one question of a type, attempts at it, its form."""

from django.urls import reverse

from quizzes.formats.bankfile import BankData, QuestionData, QuizData
from quizzes.formats.database import import_bank
from quizzes.models import Attempt, Bank, QuestionVersion
from quizzes.taking import attempts

STEM = "STEM-MARK: answer this"
EXPLANATION = "EXPLANATION-MARK"
SECTION = "How is MMN treated?"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Words that only a page showing the key has (the review's tags, the explanation).
KEY_MARKERS = ("EXPLANATION-MARK", "Correct answer", "is-key", "Explanation", "RATIONALE-")


def question(item_type: str, spec: dict, key: str = "q-1") -> QuestionData:
    return QuestionData(
        key=key,
        topic="t",
        type=item_type,
        difficulty="medium",
        source_section=SECTION,
        stem=STEM,
        explanation=EXPLANATION,
        spec=spec,
    )


def one_item_bank(item_type: str, spec: dict, *, slug: str = "one") -> Bank:
    """A bank with one question of `item_type`, a practice quiz and an exam of that one question."""
    data = BankData(
        slug=slug,
        title=f"Bank {slug}",
        topics=[("t", "Topic")],
        questions=[question(item_type, spec)],
        quizzes=[
            QuizData("practice", "Practice", "practice", 1, [], None),
            QuizData("exam", "Exam", "exam", 1, [], 30),
        ],
    )
    return import_bank(data).bank


def start(user, bank: Bank, mode: str = "practice", seed: int | None = None) -> Attempt:
    return attempts.start_attempt(user, bank.quizzes.get(slug=mode), seed=seed)


def version_of(attempt: Attempt, number: int = 1) -> QuestionVersion:
    return attempt.slots.select_related("version").get(number=number).version


def item_url(attempt: Attempt, number: int = 1) -> str:
    return reverse("quizzes:attempt-item", args=[attempt.code, number])


def post_answer(client, attempt: Attempt, fields, number: int = 1, **extra):
    """Post the answer form of slot `number`: `fields` a dict or a QueryDict, as a browser sends them."""
    data = {"slot": str(number)}
    items = fields.lists() if hasattr(fields, "lists") else fields.items()
    for name, value in items:
        data[name] = value
    return client.post(reverse("quizzes:attempt-answer", args=[attempt.code]), data, **extra)


def key_form(version: QuestionVersion):
    """The form that answers `version` with full marks."""
    item = version.item
    return item.answer_form(version.spec, item.key_answer(version.spec))
