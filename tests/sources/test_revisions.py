"""Revising a source: matching passages, writing the version, flagging and confirming stale questions."""

import pytest

from quizzes.formats import bankfile
from quizzes.formats.database import import_bank
from quizzes.models import NeedsReview, Question, Source
from quizzes.sources.coverage import coverage, questions_citing
from quizzes.sources.editing import SplitError, create_source, revise, word_diff
from quizzes.sources.revisions import add_version, confirm, match
from quizzes.sources.text import Draft, split

pytestmark = pytest.mark.django_db

SHEET = (
    "# Cause\n\nThe cause of MMN is unknown. Men are affected three times as often as women.\n\n"
    "# Treatment\n\nIVIG helps most patients."
)


def sourced_bank(educator_bank):
    """The educator's bank with a source of three passages: question 1 cites the first, question 2 the
    third."""
    source = create_source(educator_bank, "Sheet", split(SHEET))
    passages = list(source.current_version.passages.order_by("position"))
    for question, passage in zip(
        educator_bank.questions.order_by("id")[:2], [passages[0], passages[2]], strict=True
    ):
        question.current_version.citations.create(passage=passage)
    return source


def test_match_pairs_unchanged_edited_removed_and_added(educator_bank):
    source = sourced_bank(educator_bank)
    old = list(source.current_version.passages.order_by("position"))
    new = [
        Draft("Cause", "The cause of MMN is unknown."),
        Draft("Cause", "Men are affected about three times as often as women."),
        Draft("Diagnosis", "A nerve conduction study helps."),
    ]
    matches = match(old, new)
    assert [(m.status, m.old and m.old.key, m.new and m.new.key) for m in matches] == [
        ("unchanged", "cause-01", "cause-01"),
        ("edited", "cause-02", "cause-02"),
        ("added", None, "diagnosis-01"),
        ("removed", "treatment-01", None),
    ]


def test_a_revision_flags_the_questions_citing_an_edited_or_removed_passage(educator_bank):
    source = sourced_bank(educator_bank)
    first, second, third = educator_bank.questions.order_by("id")[:3]
    third.current_version.citations.create(passage=source.current_version.passages.get(key="cause-02"))
    text = "# Cause\n\nThe cause of MMN is unknown. Men are affected about three times as often as women."
    version = revise(source, split(text))
    assert version.number == 2 and Source.objects.get(pk=source.pk).current_version == version
    flags = {(f.question_id, f.change) for f in NeedsReview.objects.all()}
    assert flags == {(second.pk, "removed"), (third.pk, "edited")}
    assert confirm(Question.objects.get(pk=third.pk)) == 1
    assert not NeedsReview.objects.filter(question=third).exists()


def test_an_unchanged_revision_flags_nothing(educator_bank):
    source = sourced_bank(educator_bank)
    revise(source, split(SHEET))
    assert NeedsReview.objects.count() == 0


def test_coverage_counts_current_citations_by_passage_type_and_difficulty(educator_bank):
    source = sourced_bank(educator_bank)
    result = coverage(source.current_version)
    assert [(p.passage.key, p.count) for p in result.passages] == [
        ("cause-01", 1),
        ("cause-02", 0),
        ("treatment-01", 1),
    ]
    assert [s.percent for s in result.sections] == [50, 100]
    assert result.percent == 67
    first = result.passages[0]
    question = educator_bank.questions.order_by("id").first()
    assert first.by_type == {question.current_version.item_type: 1}
    assert [q.pk for q in questions_citing(source.current_version, "cause-01")] == [question.pk]


def test_coverage_ignores_archived_questions_and_old_versions(educator_bank):
    source = sourced_bank(educator_bank)
    Question.objects.filter(pk=educator_bank.questions.order_by("id").first().pk).update(status="archived")
    assert coverage(source.current_version).cited == 1


def test_a_source_needs_a_title_and_passages(educator_bank):
    with pytest.raises(SplitError, match="no passages"):
        create_source(educator_bank, "Empty", [])
    with pytest.raises(SplitError, match="title"):
        create_source(educator_bank, "  ", split("One."))


def test_source_keys_are_unique_per_bank(educator_bank):
    assert create_source(educator_bank, "Sheet", split("One.")).key == "sheet"
    assert create_source(educator_bank, "Sheet", split("One.")).key == "sheet-2"


def test_versions_are_immutable(educator_bank):
    version = create_source(educator_bank, "Sheet", split("One.")).current_version
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("Men are affected three times", "Men are affected about three times") == [
        ("same", "Men are affected"),
        ("added", "about"),
        ("same", "three times"),
    ]


def test_a_source_version_from_a_bank_file_is_written_once(educator_bank):
    text = bankfile.dump(
        bankfile.BankData(
            slug=educator_bank.slug,
            title=educator_bank.title,
            topics=[("alpha", "Alpha")],
            sources=[bankfile.SourceData("s", "S", 1, [bankfile.PassageData("a-01", "A", "One.")])],
        )
    )
    import_bank(bankfile.parse(text))
    import_bank(bankfile.parse(text))
    assert Source.objects.get(key="s").versions.count() == 1
    add_version(Source.objects.get(key="s"), [("a-01", "A", "One, edited.")])
    assert Source.objects.get(key="s").current_version.number == 2
