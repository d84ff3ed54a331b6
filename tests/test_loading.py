"""Loading bank files into the database: idempotent, versioned, all or nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.attempts import record_answer, start_attempt
from quizzes.demo import MMN_BANK
from quizzes.formats.bankfile import parse
from quizzes.formats.database import export_bank, import_bank
from quizzes.models import Bank, Question, QuestionVersion, Quiz, Response

pytestmark = pytest.mark.django_db


def load(path) -> str:
    out = io.StringIO()
    call_command("loadbank", str(path), stdout=out)
    return out.getvalue()


def test_loading_the_mmn_bank_twice_changes_nothing_the_second_time():
    first = load(MMN_BANK)
    questions = Question.objects.count()
    versions = QuestionVersion.objects.count()
    second = load(MMN_BANK)
    assert f"{questions} new questions" in first
    assert f"0 new questions, 0 new versions, {questions} unchanged" in second
    assert (Question.objects.count(), QuestionVersion.objects.count()) == (questions, versions)
    assert Quiz.objects.filter(bank__slug="mmn").count() == 7


def test_exportbank_prints_the_file_it_loaded():
    load(MMN_BANK)
    out = io.StringIO()
    call_command("exportbank", "mmn", "--format", "json", stdout=out)
    assert out.getvalue() == MMN_BANK.read_text(encoding="utf-8")


def test_a_changed_item_becomes_a_new_version_and_old_answers_keep_theirs(tmp_path, learner):
    load(MMN_BANK)
    quiz = Quiz.objects.get(bank__slug="mmn", slug="practice-all")
    attempt = start_attempt(learner, quiz)
    slot = attempt.slots.select_related("version").first()
    answered = slot.version  # of any item type: the draw includes them all
    record_answer(
        attempt,
        slot.number,
        answered.item.answer_form(answered.spec, answered.item.key_answer(answered.spec)),
    )

    data = json.loads(MMN_BANK.read_text(encoding="utf-8"))
    edited = next(q for q in data["questions"] if q["key"] == answered.question.key)
    edited["stem"] += " (edited)"
    path = tmp_path / "mmn.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "0 new questions, 1 new versions" in load(path)

    question = Question.objects.get(pk=answered.question_id)
    assert question.versions.count() == 2
    assert question.current_version.number == 2 and question.current_version.stem.endswith("(edited)")
    response = Response.objects.select_related("slot__version").get(slot=slot)
    assert response.slot.version == answered
    assert not response.slot.version.stem.endswith("(edited)")


def test_versions_cannot_be_edited_in_place():
    load(MMN_BANK)
    version = QuestionVersion.objects.first()
    version.stem = "changed"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_a_bad_file_is_refused_with_its_errors_and_writes_nothing(tmp_path):
    data = json.loads(MMN_BANK.read_text(encoding="utf-8"))
    data["questions"][5]["options"][0]["rationale"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CommandError, match=r"line \d+: question .*: option 1 has no rationale"):
        load(path)
    assert not Bank.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": 1, "bank": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        load(path)


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    data = parse(MMN_BANK.read_text(encoding="utf-8"))
    from quizzes.formats import database

    original = database.new_version
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 30:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(database, "new_version", failing)
    with pytest.raises(RuntimeError):
        import_bank(data)
    assert not Bank.objects.exists() and not QuestionVersion.objects.exists()


def test_export_after_load_matches_the_parsed_file():
    data = parse(MMN_BANK.read_text(encoding="utf-8"))
    bank = import_bank(data).bank
    assert export_bank(bank) == data


def test_seed_demo_is_idempotent_and_prints_the_log_ins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    from django.contrib.auth.models import User

    assert User.objects.filter(username__in=["learner", "educator"]).count() == 2
    assert User.objects.get(username="learner").groups.filter(name="Learner").exists()
    assert Bank.objects.get(slug="mmn").owner.username == "educator"
    assert "learner" in out.getvalue() and "learn-mmn-2026" in out.getvalue()
    assert QuestionVersion.objects.count() == Question.objects.count()
