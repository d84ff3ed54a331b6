"""Loading bank files into the database: idempotent, versioned, all or nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.demo import MMN_BANK
from quizzes.formats.bankfile import parse
from quizzes.formats.database import export_bank, import_bank, new_version
from quizzes.models import Bank, Question, QuestionVersion, Quiz, Response
from quizzes.taking.attempts import record_answer, start_attempt

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
    chosen = next(q for q in data["questions"][5:] if "options" in q)  # a choice item, not the first
    chosen["options"][0]["text"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CommandError, match=r"line \d+: question .*: option 1 has no text"):
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

    original = database._save_quiz
    calls = []

    def failing(*args, **kwargs):  # fails after every question and version has been written
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(database, "_save_quiz", failing)
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


def _bank(count: int, *, stem: str = "Is it?", slug: str = "bulk"):
    from quizzes.formats.bankfile import BankData
    from tests.items.itemkit import question

    spec = {"options": [{"text": t, "correct": t == "True", "rationale": "r"} for t in ("True", "False")]}
    questions = [question("truefalse", spec, key=f"q-{n}") for n in range(count)]
    for q in questions:
        q.stem = stem
    return BankData(slug=slug, title="Bulk", topics=[("t", "T"), ("u", "U")], questions=questions)


def _statements(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        function()
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def test_importing_costs_the_same_queries_for_10_questions_as_for_200():
    """Bank, topics, questions and versions in bulk: a large file is no more round trips than a small one.

    A new bank: get_or_create (SELECT, INSERT), its topics (SELECT, INSERT), its questions (SELECT),
    ids for questions and for versions (SELECT each), the questions, already pointing at their first
    versions (INSERT), the versions (INSERT). A re-import with every question changed: the bank
    (SELECT, UPDATE), topics and questions (SELECT each), the last version numbers (SELECT), ids for the
    versions (SELECT), the versions (INSERT), the questions (UPDATE)."""
    small = _statements(lambda: import_bank(_bank(10, slug="small")))
    assert small == _statements(lambda: import_bank(_bank(200, slug="large"))) == 9
    small = _statements(lambda: import_bank(_bank(10, stem="Other?", slug="small")))
    assert small == _statements(lambda: import_bank(_bank(200, stem="Other?", slug="large"))) == 8


def test_a_reimport_leaves_unchanged_questions_alone_and_versions_changed_and_moved_ones():
    import_bank(_bank(3))
    before = {q.key: (q.current_version_id, q.topic.slug) for q in Question.objects.select_related("topic")}
    data = _bank(4)
    data.questions[1].stem = "Changed?"
    data.questions[2].topic = "u"
    report = import_bank(data)
    assert (report.created, report.new_versions, report.unchanged) == (1, 1, 2)
    after = {q.key: q for q in Question.objects.select_related("current_version", "topic")}
    assert after["q-0"].current_version_id == before["q-0"][0]  # untouched
    assert after["q-1"].current_version.number == 2 and after["q-1"].current_version.stem == "Changed?"
    assert after["q-2"].current_version_id == before["q-2"][0] and after["q-2"].topic.slug == "u"
    assert after["q-3"].current_version.number == 1
    assert QuestionVersion.objects.count() == 5


def test_import_bank_refuses_what_the_database_cannot_hold_before_writing_anything():
    from quizzes.formats.bankfile import BankFileError

    data = _bank(3)
    data.questions[2].explanation = "nul\x00"
    with pytest.raises(BankFileError, match='question q-2: "explanation" contains the control character U'):
        import_bank(data)
    assert not Bank.objects.exists() and not QuestionVersion.objects.exists()


def test_loadbank_refuses_a_file_the_database_cannot_hold(tmp_path):
    data = json.loads(MMN_BANK.read_text(encoding="utf-8"))
    del data["questions"][0]["cites"]
    data["questions"][0]["source_section"] = "s" * 201
    path = tmp_path / "mmn.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CommandError, match='"source_section" is too long: 201 characters, at most 200'):
        load(path)
    assert not Bank.objects.exists()


def test_imported_rows_take_keys_the_database_would_not_hand_out_again():
    """Imports choose their own primary keys (so a question is written pointing at its first version):
    rows written afterwards by the ORM, and a later import after a delete, never collide with them or
    reuse a deleted row's key."""
    first = import_bank(_bank(3, slug="first")).bank
    highest = max(QuestionVersion.objects.values_list("pk", flat=True))
    question = Question.objects.create(bank=first, key="by-hand", topic=first.topics.first())
    by_hand = new_version(question, _bank(1).questions[0], 1)
    assert by_hand.pk > highest and question.pk > max(q.pk for q in first.questions.exclude(pk=question.pk))
    first.quizzes.all().delete()
    Question.objects.filter(bank=first).delete()
    again = import_bank(_bank(2, slug="second")).bank
    assert min(again.questions.values_list("current_version", flat=True)) > by_hand.pk
    questions = again.questions.select_related("current_version")
    assert all(q.current_version.question_id == q.pk for q in questions)


def test_tags_and_typo_tolerance_survive_a_load_and_an_export_and_a_tag_change_is_a_new_version():
    data = parse(MMN_BANK.read_text())
    data.questions[0].clinical_judgment = "recognize-cues"
    data.questions[0].cognitive_level = "recall"
    short = next(q for q in data.questions if q.type == "shortanswer")
    short.spec["typo_tolerance"] = 0
    import_bank(data)
    exported = export_bank(Bank.objects.get(slug=data.slug))
    assert exported.questions == data.questions
    version = QuestionVersion.objects.get(question__key=data.questions[0].key)
    assert (version.clinical_judgment, version.cognitive_level) == ("recognize-cues", "recall")

    data.questions[0].cognitive_level = "application"
    report = import_bank(data)
    assert (report.new_versions, report.unchanged) == (1, len(data.questions) - 1)


def test_the_plain_row_import_writes_every_column_of_questions_and_versions():
    """Imports write rows without the ORM, so a column added to either model must be added there too."""
    from quizzes.formats.database import QUESTION_COLUMNS, VERSION_COLUMNS

    for model, columns in ((Question, QUESTION_COLUMNS), (QuestionVersion, VERSION_COLUMNS)):
        assert sorted(columns) == sorted(f.column for f in model._meta.concrete_fields)
