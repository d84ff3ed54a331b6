"""Splitting a document into sections and passages, and fixing a split."""

import json
from pathlib import Path

import pytest

from quizzes.demo import MMN_BANK
from quizzes.sources.text import Draft, assign_keys, merge, rename_section, sentences, split, split_at

FACT_SHEET = Path(__file__).resolve().parents[2].parent / "shared" / "sources" / "mmn-factsheet.txt"


def test_sentences_split_at_sentence_ends_but_not_at_abbreviations():
    assert sentences("Take IVIG, e.g. monthly. Then rest!  Is it 0.6 per 100,000? Yes.") == [
        "Take IVIG, e.g. monthly.",
        "Then rest!",
        "Is it 0.6 per 100,000?",
        "Yes.",
    ]


def test_markdown_headings_bullets_and_paragraphs():
    text = (
        "# Cause\n\nThe cause is unknown. It may be autoimmune.\n\n## Signs\n\n- Muscle wasting\n- Twitches\n"
    )
    assert [(d.section, d.text, d.key) for d in split(text)] == [
        ("Cause", "The cause is unknown.", "cause-01"),
        ("Cause", "It may be autoimmune.", "cause-02"),
        ("Signs", "Muscle wasting", "signs-01"),
        ("Signs", "Twitches", "signs-02"),
    ]


def test_text_before_any_heading_is_an_introduction_and_wrapped_lines_join():
    drafts = split("MMN is a rare\nneuropathy. It is treatable.")
    assert [(d.section, d.text) for d in drafts] == [
        ("Introduction", "MMN is a rare neuropathy."),
        ("Introduction", "It is treatable."),
    ]


@pytest.mark.skipif(not FACT_SHEET.exists(), reason="the shared fact sheet is not beside the project")
def test_the_fact_sheet_splits_into_the_shipped_passages():
    shipped = json.loads(MMN_BANK.read_text(encoding="utf-8"))["sources"][0]["passages"]
    drafts = split(FACT_SHEET.read_text(encoding="utf-8"))
    assert [(d.section, d.text) for d in drafts] == [(p["section"], p["text"]) for p in shipped]


def test_control_characters_are_dropped():
    assert [d.text for d in split("Bad\x00 text\x07 here.")] == ["Bad text here."]


def test_merge_joins_a_passage_with_the_next_of_its_section():
    drafts = split("# A\n\nOne. Two. Three.\n\n# B\n\nFour.")
    merged = merge(drafts, 0)
    assert [(d.text, d.key) for d in merged][:2] == [("One. Two.", "a-01"), ("Three.", "a-03")]
    with pytest.raises(ValueError, match="same section"):
        merge(drafts, 2)
    with pytest.raises(ValueError, match="no next passage"):
        merge(drafts, 3)


def test_split_at_a_line_break_or_after_the_first_sentence():
    drafts = [Draft("A", "First part\nsecond part", "a-01"), Draft("A", "One. Two.", "a-02")]
    once = split_at(drafts, 0)
    assert [(d.text, d.key) for d in once] == [
        ("First part", "a-01"),
        ("second part", "a-03"),
        ("One. Two.", "a-02"),
    ]
    twice = split_at(once, 2)
    assert [d.text for d in twice][2:] == ["One.", "Two."]
    with pytest.raises(ValueError, match="line break"):
        split_at([Draft("A", "Single", "a-01")], 0)


def test_renaming_a_section_keeps_the_keys():
    drafts = split("# Old\n\nOne. Two.")
    renamed = rename_section(drafts, "Old", "  New   name ")
    assert [(d.section, d.key) for d in renamed] == [("New name", "old-01"), ("New name", "old-02")]
    with pytest.raises(ValueError, match="needs a name"):
        rename_section(drafts, "Old", " ")


def test_new_keys_never_repeat_a_taken_one():
    drafts = assign_keys([Draft("Cause", "x"), Draft("Cause", "y")], taken={"cause-01"})
    assert [d.key for d in drafts] == ["cause-02", "cause-03"]
