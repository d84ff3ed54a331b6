"""manage.py importbank / exportbank in every format: all or nothing, clear refusals, round trips."""

import io
import os
import tempfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.formats.common import MAX_BYTES
from quizzes.formats.database import export_bank
from quizzes.models import Bank, Question, QuestionVersion, Topic
from tests.formats.test_gift import HELD, as_gift_holds_it

pytestmark = pytest.mark.django_db

GIFT = """$CATEGORY: $course$/top/Treatment

::first-line::Which treatment is first-line for MMN? {
=IVIG#Right: it works within hours or days.
~Plasma exchange#It is ineffective and can worsen MMN.
####IVIG is the first-line treatment.
}

::steroids::Corticosteroids help MMN. {F#They can make MMN worse.#Right: they can worsen it.
####Steroids are ineffective.}
"""


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows() -> tuple[int, int, int, int]:
    return (
        Bank.objects.count(),
        Topic.objects.count(),
        Question.objects.count(),
        QuestionVersion.objects.count(),
    )


def test_importbank_reads_gift_into_a_new_bank(tmp_path, educator):
    path = tmp_path / "treatment.gift"
    path.write_text(GIFT, encoding="utf-8")
    out, _ = run("importbank", str(path), "--format", "gift", "--bank", "mine", "--owner", educator.username)
    assert "2 new questions" in out
    bank = Bank.objects.get(slug="mine")
    assert bank.owner == educator
    assert sorted(bank.questions.values_list("key", flat=True)) == ["first-line", "steroids"]
    assert list(bank.topics.values_list("title", flat=True)) == ["Treatment"]


def test_importbank_gift_into_the_mmn_bank_keeps_its_topics(tmp_path):
    run("loadbank", str(MMN_BANK))
    topics = list(Topic.objects.filter(bank__slug="mmn").order_by("position").values_list("slug", "title"))
    path = tmp_path / "extra.gift"
    path.write_text(GIFT.replace("Treatment", topics[2][1]), encoding="utf-8")
    run("importbank", str(path), "--format", "gift", "--bank", "mmn")
    bank = Bank.objects.get(slug="mmn")
    assert list(bank.topics.order_by("position").values_list("slug", "title")) == topics
    assert bank.questions.get(key="first-line").topic.slug == topics[2][0]
    assert bank.title == "Multifocal Motor Neuropathy (MMN)"


def test_a_broken_file_is_refused_with_its_lines_and_writes_nothing(tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text(GIFT + "\n::bad::Which? {=a ~b\n", encoding="utf-8")
    before = rows()
    with pytest.raises(CommandError, match="line 12: the answer block opened with { is never closed"):
        run("importbank", str(path), "--format", "gift")
    assert rows() == before


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.gift"
    path.write_bytes("Caf\xe9? {T####x}".encode("latin-1"))
    with pytest.raises(CommandError, match="line 1: the file is not UTF-8 text"):
        run("importbank", str(path), "--format", "gift")
    assert Bank.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.gift"
    path.write_bytes(b"/" * (MAX_BYTES + 1))
    with pytest.raises(CommandError, match="the limit is 2,097,152 bytes"):
        run("importbank", str(path), "--format", "gift")


def test_skipped_items_are_reported_as_warnings(tmp_path):
    path = tmp_path / "essay.gift"
    path.write_text("Describe MMN. {}\n\n" + GIFT, encoding="utf-8")
    _, err = run("importbank", str(path), "--format", "gift")
    assert "warning: line 1: an essay question is not supported, skipped" in err


def test_mmn_bank_exported_as_gift_imports_as_a_copy_with_the_same_items(tmp_path):
    run("loadbank", str(MMN_BANK))
    exported, skipped = run("exportbank", "mmn", "--format", "gift")
    original = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    held = [q for q in original.questions if q.type in HELD]
    assert skipped.count("skipped: ") == len(original.questions) - len(held)
    path = tmp_path / "mmn.gift"
    path.write_text(exported, encoding="utf-8")
    run("importbank", str(path), "--format", "gift", "--bank", "copy")
    again = export_bank(Bank.objects.get(slug="copy"))
    assert again.questions == [as_gift_holds_it(q) for q in held]
    assert again.topics == [t for t in original.topics if t[0] in {q.topic for q in held}]


def test_importbank_json_is_the_bank_file():
    out, _ = run("importbank", str(MMN_BANK), "--format", "json")
    count = len(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")).questions)
    assert f"{count} new questions" in out


TOKENS = [
    "<quiz>",
    "</quiz>",
    '<question type="truefalse">',
    "</question>",
    "{",
    "}",
    "=",
    "~",
    "#",
    "::",
    "\n\n",
    "T",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(st.text(max_size=200), st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)),
    fmt=st.sampled_from(["gift", "moodlexml", "json"]),
)
def test_arbitrary_text_is_refused_cleanly_and_writes_no_row(text, fmt):
    before = rows()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write(text)
    try:
        run("importbank", handle.name, "--format", fmt, "--bank", "fuzz")
    except CommandError as exc:
        assert "was not imported" in str(exc)
        assert rows() == before
    finally:
        os.unlink(handle.name)


@pytest.mark.parametrize("command", ["importbank", "loadbank"])
def test_an_unknown_owner_stops_the_import_before_anything_is_written(command):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run(command, str(MMN_BANK), "--owner", "nobody")
    assert Bank.objects.count() == 0


def test_a_refused_file_keeps_its_warnings_in_the_command(tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text("Describe MMN. {}\n\nQ? {=a ~b\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("importbank", str(path), "--format", "gift", stdout=io.StringIO(), stderr=io.StringIO())
    assert "line 3: the answer block opened with { is never closed" in str(caught.value)
    assert "warning: line 1: an essay question is not supported, skipped" in str(caught.value)


def test_leave_out_errors_imports_the_good_questions_and_lists_the_others(tmp_path):
    path = tmp_path / "mixed.gift"
    path.write_text("Q1? {=a ~b}\n\nQ2? {=a ~b\n", encoding="utf-8")
    err = io.StringIO()
    call_command(
        "importbank", str(path), "--format", "gift", "--leave-out-errors", stdout=io.StringIO(), stderr=err
    )
    assert Question.objects.count() == 1
    assert "left out: line 3: the answer block opened with { is never closed" in err.getvalue()
