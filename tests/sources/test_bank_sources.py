"""The bank file's sources and citations (format 3): parsing, loading, round trips and the MMN sheet."""

import io
import json
import re

import pytest
from django.core.management import call_command

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.database import import_bank
from quizzes.models import Bank, Citation, NeedsReview, Passage, QuestionVersion, Source, SourceVersion


def mmn() -> dict:
    return json.loads(MMN_BANK.read_text(encoding="utf-8"))


def text_of(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def errors_of(data: dict) -> list[str]:
    with pytest.raises(BankFileError) as exc:
        bankfile.parse(text_of(data))
    return exc.value.errors


def question_line(text: str, key: str) -> int:
    return text.count("\n", 0, text.index(f'"key": "{key}"', text.index('"questions"'))) + 1


def test_every_mmn_question_cites_the_fact_sheet():
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    assert [s.key for s in bank.sources] == ["mmn-factsheet"]
    assert all(q.cites and all(c.startswith("mmn-factsheet#") for c in q.cites) for q in bank.questions)


def test_every_passage_of_the_fact_sheet_is_cited_by_a_question():
    # Every passage of the sheet states a fact (the list items are symptoms the sheet asserts).
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    cited = {c.partition("#")[2] for q in bank.questions for c in q.cites}
    keys = [p.key for p in bank.sources[0].passages]
    assert len(keys) == 32
    assert [key for key in keys if key not in cited] == []


def test_the_shipped_sheet_has_exactly_the_agreed_passages():
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    source = bank.sources[0]
    agreed = mmn()["sources"][0]
    assert (source.key, source.title, source.version) == (agreed["key"], agreed["title"], agreed["version"])
    assert source.key == "mmn-factsheet"
    assert [p.key for p in source.passages][:3] == ["what-is-mmn-01", "what-is-mmn-02", "what-is-mmn-03"]


def test_source_section_is_the_first_cited_passages_section():
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    sections = {p.key: p.section for p in bank.sources[0].passages}
    for q in bank.questions:
        assert q.source_section == sections[q.cites[0].partition("#")[2]]


def test_a_citation_of_an_unknown_passage_is_a_line_numbered_error():
    data = mmn()
    data["questions"][3]["cites"] = ["mmn-factsheet#no-such-passage"]
    key = data["questions"][3]["key"]
    line = question_line(text_of(data), key)
    assert errors_of(data) == [
        f"line {line}: question {key}: cites 'mmn-factsheet#no-such-passage', "
        "but source 'mmn-factsheet' has no passage 'no-such-passage'"
    ]


def test_a_citation_of_an_unknown_source_is_an_error():
    data = mmn()
    data["questions"][0]["cites"] = ["other#what-is-mmn-01"]
    assert "the file has no source 'other'" in errors_of(data)[0]


def test_cites_need_format_3_and_leave_source_section_out():
    data = mmn()
    data["questions"][0]["source_section"] = "Anything"
    key = data["questions"][0]["key"]
    line = question_line(text_of(data), key)
    assert errors_of(data) == [
        f'line {line}: question {key}: "source_section" comes from "cites": leave it out'
    ]
    data = mmn()
    data["format"] = 2
    errors = errors_of(data)
    assert 'sources: need "format": 3' in errors
    assert any('"cites" needs "format": 3' in error for error in errors)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.update(version=0), '"version" must be a whole number from 1'),
        (lambda s: s.update(passages=[]), '"passages" must be a non-empty list'),
        (lambda s: s["passages"][1].update(key="what-is-mmn-01"), "key appears twice"),
        (lambda s: s["passages"][0].update(text=""), '"text" must be a non-empty string'),
        (lambda s: s["passages"][0].update(key="Not A Slug"), "lower-case letters"),
        (lambda s: s.update(extra=1), "unknown field(s) extra"),
    ],
)
def test_bad_sources_are_refused(change, message):
    data = mmn()
    change(data["sources"][0])
    assert any(message in error for error in errors_of(data))


@pytest.mark.django_db
def test_loading_the_mmn_bank_writes_its_source_and_a_citation_per_cite():
    import_bank(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")))
    source = Source.objects.get(key="mmn-factsheet")
    assert source.current_version.number == 1
    assert Passage.objects.filter(version=source.current_version).count() == 32
    cites = sum(len(q["cites"]) for q in mmn()["questions"])
    assert Citation.objects.count() == cites


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    data = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    import_bank(data)
    counts = [m.objects.count() for m in (SourceVersion, Passage, Citation, QuestionVersion)]
    report = import_bank(data)
    assert report.new_versions == 0 and report.created == 0
    assert [m.objects.count() for m in (SourceVersion, Passage, Citation, QuestionVersion)] == counts


@pytest.mark.django_db
def test_exportbank_writes_the_shipped_file_back_exactly():
    call_command("loadbank", str(MMN_BANK), stdout=io.StringIO())
    out = io.StringIO()
    call_command("exportbank", "mmn", "--format", "json", stdout=out)
    assert out.getvalue() == MMN_BANK.read_text(encoding="utf-8")
    exported = json.loads(out.getvalue())
    assert exported["sources"][0]["key"] == "mmn-factsheet"
    assert all(q["cites"] for q in exported["questions"])


@pytest.mark.django_db
def test_a_loaded_version_cannot_be_changed_by_a_file():
    import_bank(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")))
    data = mmn()
    data["sources"][0]["passages"][0]["text"] = "MMN is common."
    with pytest.raises(BankFileError, match="version 1 is already loaded with other passages"):
        import_bank(bankfile.parse(text_of(data)))
    assert Passage.objects.filter(text="MMN is common.").count() == 0


@pytest.mark.django_db
def test_a_new_version_in_a_file_flags_the_questions_citing_what_it_changed():
    import_bank(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")))
    data = mmn()
    source = data["sources"][0]
    source["version"] = 2
    source["passages"][8]["text"] = "Men are affected about twice as often as women."  # what-is-mmn-09
    del source["passages"][5]  # what-is-mmn-06, removed
    for q in data["questions"]:
        q["cites"] = [c for c in q["cites"] if c != "mmn-factsheet#what-is-mmn-06"] or [
            "mmn-factsheet#what-is-mmn-07"
        ]
    import_bank(bankfile.parse(text_of(data)))
    flags = NeedsReview.objects.select_related("question", "passage")
    edited = {f.question.key for f in flags if f.change == "edited"}
    citing_09 = {q["key"] for q in mmn()["questions"] if "mmn-factsheet#what-is-mmn-09" in q["cites"]}
    assert edited == citing_09
    assert Bank.objects.get(slug="mmn").sources.get().current_version.number == 2


def test_gift_keeps_the_cited_text_in_a_comment():
    from quizzes.formats import gift

    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    text, _ = gift.dump(bank)
    first = bank.sources[0].passages[0]
    assert f"// cites mmn-factsheet#{first.key}: {first.text}\n" in text
    # Read back, the comment is only a comment: the questions come back the same, without citations.
    again = gift.parse(text)
    assert all(not q.cites for q in again.bank.questions)


def test_moodle_xml_keeps_the_cited_text_in_the_feedback_and_the_citation_in_a_tag():
    from quizzes.formats import moodlexml

    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    text, _ = moodlexml.dump(bank)
    first = bank.sources[0].passages[0]
    assert f"Cited passages (MMN Quiz):\n&gt; {first.text} (mmn-factsheet#{first.key})" in text
    assert f"<text>mmn-cite:mmn-factsheet#{first.key}</text>" in text
    # Moodle cuts a tag at 50 characters: every citation's tag fits.
    assert max(len(tag) for tag in re.findall(r"<text>(mmn-cite:[^<]*)</text>", text)) <= 50
    # Read back, the quoted passages are not part of the explanation.
    again = {q.key: q for q in moodlexml.parse(text).bank.questions}
    assert all(again[q.key].explanation == q.explanation for q in bank.questions if q.key in again)


@pytest.mark.django_db
def test_importing_a_changed_source_version_on_the_bank_page_is_an_error_that_writes_nothing(
    educator_client, educator
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    import_bank(bankfile.parse(MMN_BANK.read_text(encoding="utf-8")), owner=educator)
    data = mmn()
    data["sources"][0]["passages"][0]["text"] = "MMN is common."
    before = QuestionVersion.objects.count()
    response = educator_client.post(
        reverse("quizzes:bank-import", args=["mmn"]),
        {"file": SimpleUploadedFile("mmn.json", text_of(data).encode()), "format": "json"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "version 1 is already loaded with other passages" in html
    assert f"line {text_of(data).count(chr(10), 0, text_of(data).index('mmn-factsheet')) + 1}" in html
    assert QuestionVersion.objects.count() == before and Passage.objects.count() == 32
