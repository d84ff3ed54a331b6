"""Backup and restore: every user, bank and attempt survives a round trip into an empty database."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes import attempts
from quizzes.items.base import form_data
from quizzes.models import (
    Attempt,
    Bank,
    Question,
    QuestionVersion,
    Response,
    ResponseChange,
    Review,
    ReviewCard,
    Slot,
    Topic,
)
from tests.conftest import PASSWORD, chosen

# Transactional: flushing inside a test transaction is refused by PostgreSQL (pending trigger events).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _groups():
    from django.contrib.auth.models import Group

    for name in ("Learner", "Educator"):
        Group.objects.get_or_create(name=name)


MODELS = [
    User,
    Bank,
    Topic,
    Question,
    QuestionVersion,
    Attempt,
    Slot,
    Response,
    ResponseChange,
    ReviewCard,
    Review,
]


def snapshot() -> dict:
    return {
        "counts": {m.__name__: m.objects.count() for m in MODELS},
        "attempts": sorted(
            Attempt.objects.values_list("code", "user__username", "points", "max_points", "finished_at")
        ),
        "responses": sorted(
            Response.objects.values_list(
                "slot__attempt__code", "slot__number", "answer", "points", "confidence", "seconds_spent"
            )
        ),
        "changes": sorted(
            ResponseChange.objects.values_list("slot__number", "answer", "answered_at", "replaced_at")
        ),
        "marks": sorted(Slot.objects.values_list("attempt__code", "number", "flagged", "struck")),
        "misconceptions": sorted(ReviewCard.objects.values_list("question__key", "confidently_wrong")),
        "versions": sorted(QuestionVersion.objects.values_list("question__key", "number", "spec")),
        "current": sorted(Question.objects.values_list("key", "current_version__number")),
        "groups": sorted(User.objects.values_list("username", "groups__name")),
        "owners": sorted(Bank.objects.values_list("slug", "owner__username")),
    }


def test_backup_restores_everything_into_an_empty_database(tmp_path, learner, educator, bank, practice_quiz):
    bank.owner = educator
    bank.save()
    attempt = attempts.start_attempt(learner, practice_quiz)
    for slot in attempt.slots.select_related("version")[:4]:
        attempts.record_answer(attempt, slot.number, chosen([slot.version.spec["options"][-1]["id"]]))
    attempts.finish_attempt(attempt)
    exam = attempts.start_attempt(learner, bank.quizzes.get(slug="exam"))  # one left unfinished, marked
    options = [o["id"] for o in exam.slots.select_related("version").get(number=1).version.spec["options"]]
    attempts.record_answer(exam, 1, form_data({"option": options[:1], "confidence": "sure"}), seconds=9)
    attempts.record_answer(exam, 1, form_data({"option": options[1:2], "confidence": "unsure"}), seconds=4)
    attempts.set_flag(exam, 2, True)
    attempts.strike_option(exam, 1, options[0], True)
    before = snapshot()
    assert before["counts"]["ResponseChange"] == 1
    assert before["counts"]["ReviewCard"] > 0

    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert User.objects.count() == 0
    call_command("restore", str(path), stdout=io.StringIO())

    assert snapshot() == before
    assert User.objects.get(username=learner.username).check_password(PASSWORD)


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, learner):
    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
