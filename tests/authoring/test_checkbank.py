"""`manage.py checkbank` and the stored side of the checks: dismissals and the measured facility."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.authoring import quality
from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.formats.bankfile import BankData, QuestionData
from quizzes.formats.database import import_bank
from quizzes.models import Bank, QuestionVersion, WarningDismissal
from tests.conftest import make_bank, make_finished_attempts

pytestmark = pytest.mark.django_db

ITEMS = [
    ("Which hand muscle weakens early in most patients?", "Interosseous", "Deltoid", "Biceps", "Quadriceps"),
    ("What does a nerve study show in this disease?", "Motor block", "Sensory loss", "Myopathy", "Normal"),
    ("Which antibody level is often raised?", "Anti-GM1 IgM", "Anti-AChR IgG", "Anti-MuSK", "Anti-Hu"),
]


def item(number: int, stem: str, key_text: str, *distractors: str) -> QuestionData:
    options = [{"text": key_text, "correct": True, "rationale": "r"}] + [
        {"text": text, "correct": False, "rationale": "r"} for text in distractors
    ]
    return QuestionData(
        key=f"q-{number}",
        topic="t",
        type="single",
        difficulty="medium",
        source_section="s",
        stem=stem,
        explanation="e",
        spec={"options": options},
    )


def clean_bank(*, flawed: bool = False):
    questions = [item(n, *texts) for n, texts in enumerate(ITEMS)]
    if flawed:
        questions.append(
            item(9, "Which sign is typical of the arm?", "None of the above", "Wrist drop", "Ptosis", "Rash")
        )
    return import_bank(BankData(slug="clean", title="Clean", topics=[("t", "T")], questions=questions)).bank


def checkbank(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("checkbank", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_a_bank_with_no_findings_exits_0():
    clean_bank()
    output, status = checkbank("clean")
    assert status == 0
    assert "clean: 0 warning(s) left, 0 dismissed" in output


def test_a_warning_left_exits_1_and_names_the_question_and_check():
    clean_bank(flawed=True)
    output, status = checkbank("clean")
    assert status == 1
    assert "question q-9: warning [all-none-of-the-above]" in output


def test_json_lists_every_finding_with_its_version():
    clean_bank(flawed=True)
    output, status = checkbank("clean", "--format", "json")
    report = json.loads(output)
    assert status == 1 and report["warnings_left"] == 1
    [finding] = report["findings"]
    assert finding["check"] == "all-none-of-the-above" and finding["key"] == "q-9"
    assert finding["version"] == 1 and finding["dismissed"] is None


def test_a_dismissed_warning_is_reported_with_its_reason_and_no_longer_fails(educator):
    clean_bank(flawed=True)
    version = QuestionVersion.objects.get(question__key="q-9")
    quality.dismiss(version, "all-none-of-the-above", "Testing exactly this flaw.", user=educator)
    output, status = checkbank("clean")
    assert status == 0
    assert f"dismissed by {educator.username} on" in output and "Testing exactly this flaw." in output
    report = json.loads(checkbank("clean", "--format", "json")[0])
    assert report["findings"][0]["dismissed"]["reason"] == "Testing exactly this flaw."


def test_a_new_version_is_checked_afresh(educator):
    bank = clean_bank(flawed=True)
    version = QuestionVersion.objects.get(question__key="q-9")
    quality.dismiss(version, "all-none-of-the-above", "Fine here.", user=educator)
    data = bankfile.parse(bankfile.dump(quality_export(bank)))
    data.questions[-1].stem += " Choose one."
    data.questions[-1].dismissed = {}  # the exported file carries the dismissal: here it is taken out
    import_bank(data)
    assert checkbank("clean")[1] == 1


def test_dismissals_travel_in_the_bank_file_and_are_loaded_with_it(tmp_path, educator):
    bank = clean_bank(flawed=True)
    quality.dismiss(
        QuestionVersion.objects.get(question__key="q-9"),
        "all-none-of-the-above",
        "On purpose.",
        user=educator,
    )
    text = bankfile.dump(quality_export(bank))
    saved = json.loads(text)
    assert saved["format"] == 3
    assert saved["questions"][-1]["dismissed"] == {"all-none-of-the-above": "On purpose."}
    path = tmp_path / "bank.json"
    path.write_text(text, encoding="utf-8")
    output, status = checkbank(str(path))
    assert status == 0 and "dismissed in the file: On purpose." in output

    WarningDismissal.objects.all().delete()
    call_command("loadbank", str(path), stdout=io.StringIO())  # versions unchanged: dismissals restored
    assert WarningDismissal.objects.get().reason == "On purpose."
    assert checkbank("clean")[1] == 0
    assert bankfile.dump(quality_export(Bank.objects.get(slug="clean"))) == text


def quality_export(bank):
    from quizzes.formats.database import export_bank

    return export_bank(bank)


def test_dismissing_needs_a_reason_and_a_real_check(educator):
    clean_bank(flawed=True)
    version = QuestionVersion.objects.get(question__key="q-9")
    with pytest.raises(ValueError, match="Say why"):
        quality.dismiss(version, "all-none-of-the-above", "   ", user=educator)
    with pytest.raises(quality.UnknownCheck):
        quality.dismiss(version, "no-such-check", "Because.", user=educator)
    assert not WarningDismissal.objects.exists()


def test_a_bank_file_is_checked_by_its_path(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(bankfile.dump(quality_export(clean_bank(flawed=True))), encoding="utf-8")
    output, status = checkbank(str(path))
    assert status == 1
    assert "question q-9: warning [all-none-of-the-above]" in output
    assert output.splitlines()[-1] == f"{path}: 1 warning(s) left, 0 dismissed, 0 advice"


def test_the_shipped_bank_file_can_be_checked_without_a_database_row():
    report = json.loads(checkbank(str(MMN_BANK), "--format", "json")[0])
    assert report["bank"] == str(MMN_BANK)
    assert all(f["version"] is None and f["dismissed"] is None for f in report["findings"])


def test_the_shipped_bank_file_passes_every_check_with_nothing_dismissed():
    # Issue 18: `checkbank mmn` exits 0, and not by dismissing warnings.
    output, status = checkbank(str(MMN_BANK))
    assert status == 0, output
    assert output.splitlines() == [f"{MMN_BANK}: 0 warning(s) left, 0 dismissed, 0 advice"]
    assert not any(q.dismissed for q in bankfile.parse(MMN_BANK.read_text(encoding="utf-8")).questions)


def test_an_unknown_bank_is_a_clear_error():
    with pytest.raises(CommandError, match="no bank 'nope'"):
        call_command("checkbank", "nope", stdout=io.StringIO())


def test_measured_facility_far_from_the_label_is_a_warning(learner):
    bank = make_bank()
    quiz = bank.quizzes.get(slug="practice")
    make_finished_attempts(learner, quiz, 30, percent=100.0)
    facility = [r for r in quality.review_bank(bank).open if r.finding.check == "facility-vs-label"]
    [finding] = facility
    assert "Labelled medium, but learners scored 100% of its marks over 30 answers" in finding.finding.message


def test_reviewing_a_bank_costs_the_same_queries_for_10_questions_as_for_60(django_assert_max_num_queries):
    small, large = make_bank(10, slug="small"), make_bank(60, slug="large")
    with django_assert_max_num_queries(12) as small_queries:
        quality.review_bank(small)
    with django_assert_max_num_queries(12) as large_queries:
        quality.review_bank(large)
    assert len(small_queries) == len(large_queries)


def test_pages_skip_the_all_pairs_checks_of_a_bank_over_the_limit_and_checkbank_never(monkeypatch):
    bank = make_bank(6)  # its stems differ by a number only: near-duplicates
    monkeypatch.setattr(quality, "WEB_BANK_CHECKS_UP_TO", 5)
    assert not [r for r in quality.review_bank(bank).reviewed if r.finding.check == "near-duplicate"]
    assert [
        r for r in quality.review_bank(bank, bank_level=True).reviewed if r.finding.check == "near-duplicate"
    ]
    output, _ = checkbank(bank.slug)
    assert "[near-duplicate]" in output
