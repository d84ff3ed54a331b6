"""Backup and restore: every user, bank and attempt survives a round trip into an empty database."""

import importlib
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.items.base import form_data
from quizzes.models import (
    Attempt,
    Bank,
    Citation,
    NeedsReview,
    Passage,
    Question,
    QuestionVersion,
    Response,
    ResponseChange,
    Review,
    ReviewCard,
    Slot,
    Source,
    Topic,
)
from quizzes.sources.editing import create_source, revise
from quizzes.sources.text import split
from quizzes.taking import attempts
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
        "passages": sorted(
            Passage.objects.values_list("version__source__key", "version__number", "key", "section", "text")
        ),
        "current sources": sorted(Source.objects.values_list("key", "current_version__number")),
        "citations": sorted(Citation.objects.values_list("question_version__question__key", "passage__key")),
        "flags": sorted(NeedsReview.objects.values_list("question__key", "passage__key", "change")),
    }


def test_backup_restores_everything_into_an_empty_database(tmp_path, learner, educator, bank, practice_quiz):
    bank.owner = educator
    bank.save()
    source = create_source(bank, "Sheet", split("# Cause\n\nThe cause is unknown. It may be autoimmune."))
    first = source.current_version.passages.get(key="cause-01")
    for question in bank.questions.all():
        question.current_version.citations.create(passage=first)
    revise(source, split("# Cause\n\nThe cause is not known. It may be autoimmune."))
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
    assert len(before["flags"]) == bank.questions.count() and len(before["passages"]) == 4

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


def test_a_failed_backup_leaves_no_file_and_keeps_an_earlier_backup(tmp_path, learner, bank):
    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())
    earlier = path.read_bytes()
    # Text saved before control characters were refused: XML cannot hold it, so dumpdata fails.
    Topic.objects.filter(pk=bank.topics.first().pk).update(title="Topic\x0bvt")
    with pytest.raises(CommandError, match="No backup was written"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == earlier
    assert [p.name for p in tmp_path.iterdir()] == ["backup.xml"]  # no partial file left beside it

    fresh = tmp_path / "fresh.xml"
    with pytest.raises(CommandError):
        call_command("backup", str(fresh), stdout=io.StringIO())
    assert not fresh.exists()


def test_a_backup_into_a_missing_folder_says_so(tmp_path, learner):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "b.xml"))


def test_the_migration_strips_control_characters_saved_before_they_were_refused(tmp_path, bank):
    from django.apps import apps

    strip = importlib.import_module("quizzes.migrations.0009_clean_unstorable_data").strip_control_characters
    topic = bank.topics.first()
    Topic.objects.filter(pk=topic.pk).update(title="Topic\x0bvt")
    Bank.objects.filter(pk=bank.pk).update(description="Line one\nline\x01 two")
    strip(apps, None)
    topic.refresh_from_db()
    bank.refresh_from_db()
    assert (topic.title, bank.description) == ("Topicvt", "Line one\nline two")
    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())  # the backup works again
    assert path.stat().st_size > 0


def test_question_images_travel_beside_the_backup_and_come_back(tmp_path, educator, bank):
    from django.core.files.storage import default_storage

    from quizzes import media
    from quizzes.authoring.media import store
    from quizzes.models import BankMedia
    from tests.media.images import png

    image = store(bank, png("purple", (9, 9)), alt="A purple square")
    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())
    assert (tmp_path / "backup.xml.media.json").exists()
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(media.storage_name(image.name))  # a new server: an empty media storage

    call_command("restore", str(path), stdout=io.StringIO())
    restored = BankMedia.objects.get()
    assert (restored.name, restored.alt, restored.width) == (image.name, "A purple square", 9)
    with default_storage.open(media.storage_name(image.name)) as stored:
        assert stored.read() == png("purple", (9, 9))


def test_a_restore_missing_its_images_is_refused_whole(tmp_path, educator, bank):
    from django.core.files.storage import default_storage

    from quizzes import media
    from quizzes.authoring.media import store
    from tests.media.images import png

    image = store(bank, png("olive", (9, 9)))
    path = tmp_path / "backup.xml"
    call_command("backup", str(path), stdout=io.StringIO())
    (tmp_path / "backup.xml.media.json").unlink()
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(media.storage_name(image.name))
    with pytest.raises(CommandError, match="1 question image"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert Bank.objects.count() == 0
