"""The shipped MMN bank as teaching material: its annotations (sources, clinical judgment step, level) and the
cues a test-wise learner could use without knowing MMN, as a blind review by an item writer found them.

The annotations are the bank file's own (format 3): each question's "cites", "clinical_judgment" and
"cognitive_level".
"""

import re
from collections import Counter
from difflib import SequenceMatcher
from itertools import combinations

import pytest

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile

SOURCE = "mmn-factsheet"
# The fact sheet's passages, fixed for every engineer: three sections, numbered in reading order.
PASSAGES = {
    *(f"what-is-mmn-{n:02}" for n in range(1, 12)),
    *(f"symptoms-{n:02}" for n in range(1, 11)),
    *(f"treatment-{n:02}" for n in range(1, 12)),
}
STEPS = {
    "recognize-cues",
    "analyze-cues",
    "prioritize-hypotheses",
    "generate-solutions",
    "take-action",
    "evaluate-outcomes",
}
LEVELS = {"recall", "application", "analysis"}
# The level an item is written at decides the difficulty it may carry.
DIFFICULTIES = {"recall": {"easy", "medium"}, "application": {"medium"}, "analysis": {"hard"}}
MOST_ITEMS_PER_PASSAGE = 6
ABSOLUTE = re.compile(
    r"\b(always|never|only|all|every|none|no one|nothing|completely|entirely|cannot|must)\b", re.IGNORECASE
)
# Words a stem and its key may share without cueing: the disease, the people, the sheet itself.
# fmt: off
COMMON = {
    "which", "what", "would", "should", "there", "their", "about", "after", "these", "those", "because",
    "other", "with", "from", "whose", "patient", "patients", "nurse", "people", "sheet", "fact", "according",
    "statement", "statements", "apply", "select", "match", "matches", "treatment", "treatments", "symptoms",
}
# fmt: on


@pytest.fixture(scope="module")
def bank() -> bankfile.BankData:
    return bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def notes(bank) -> dict:
    return {
        q.key: {
            "cites": q.cites,
            "clinical_judgment": q.clinical_judgment,
            "cognitive_level": q.cognitive_level,
        }
        for q in bank.questions
    }


def choice_items(bank, *types):
    return [q for q in bank.questions if q.type in types]


def keys_and_distractors(q) -> tuple[list[str], list[str]]:
    options = q.spec["options"]
    return [o["text"] for o in options if o["correct"]], [o["text"] for o in options if not o["correct"]]


# -- annotations ----------------------------------------------------------------------------------


def test_every_question_is_annotated_and_nothing_else(bank, notes):
    assert set(notes) == {q.key for q in bank.questions}


def test_every_annotation_is_well_formed(notes):
    for key, note in notes.items():
        assert set(note) == {"cites", "clinical_judgment", "cognitive_level"}, key
        assert note["cites"] and len(set(note["cites"])) == len(note["cites"]), key
        for cite in note["cites"]:
            source, _, passage = cite.partition("#")
            assert source == SOURCE and passage in PASSAGES, (key, cite)
        assert note["clinical_judgment"] in STEPS, key
        assert note["cognitive_level"] in LEVELS, key


def test_each_question_cites_the_section_it_names(bank, notes):
    sections = {
        "what-is-mmn": "What is Multifocal",
        "symptoms": "What are the symptoms",
        "treatment": "How is MMN",
    }
    for q in bank.questions:
        first = notes[q.key]["cites"][0].partition("#")[2].rsplit("-", 1)[0]
        assert q.source_section.startswith(sections[first]), q.key


def test_the_bank_is_large_enough_and_tests_every_passage(bank, notes):
    assert len(bank.questions) >= 120
    cited = {cite.partition("#")[2] for note in notes.values() for cite in note["cites"]}
    assert cited == PASSAGES


def test_no_passage_is_the_main_point_of_more_than_six_items(notes):
    first = Counter(note["cites"][0] for note in notes.values())
    assert max(first.values()) <= MOST_ITEMS_PER_PASSAGE, first.most_common(3)
    assert {cite.partition("#")[2] for cite in first} == PASSAGES  # every passage leads some item


def test_at_least_two_fifths_apply_the_sheet_and_five_steps_are_exercised(notes):
    levels = Counter(note["cognitive_level"] for note in notes.values())
    assert levels["application"] + levels["analysis"] >= 0.4 * len(notes), levels
    assert levels["recall"] > 0 and levels["analysis"] > 0
    steps = Counter(note["clinical_judgment"] for note in notes.values())
    assert len(steps) >= 5, steps


def test_difficulty_follows_the_level(bank, notes):
    for q in bank.questions:
        assert q.difficulty in DIFFICULTIES[notes[q.key]["cognitive_level"]], q.key


# -- cues ------------------------------------------------------------------------------------------


def test_no_key_is_the_longest_option_by_a_margin(bank):
    for q in choice_items(bank, "single", "multiple"):
        keys, distractors = keys_and_distractors(q)
        assert max(map(len, keys)) <= 1.2 * max(map(len, distractors)), q.key


def test_the_key_is_seldom_the_longest_option(bank):
    # By chance the longest of four options is the key one time in four; a third leaves room for that.
    single = choice_items(bank, "single")
    longest = [q.key for q in single if max(q.spec["options"], key=lambda o: len(o["text"]))["correct"]]
    assert len(longest) <= len(single) / 3, longest


def test_absolute_words_are_not_a_sign_of_a_distractor(bank):
    in_keys = in_distractors = keys = distractors = 0
    for q in choice_items(bank, "single", "multiple"):
        k, d = keys_and_distractors(q)
        keys, distractors = keys + len(k), distractors + len(d)
        in_keys += sum(bool(ABSOLUTE.search(text)) for text in k)
        in_distractors += sum(bool(ABSOLUTE.search(text)) for text in d)
    # As often in keys as in distractors, give or take a couple of options, or not at all.
    assert in_distractors / distractors <= in_keys / keys + 0.02, (in_keys, keys, in_distractors, distractors)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]{4,}", text.lower()) if w not in COMMON}


def test_no_stem_word_reappears_only_in_the_key(bank):
    echoed = []
    for q in choice_items(bank, "single", "multiple"):
        keys, distractors = keys_and_distractors(q)
        elsewhere = set().union(*map(words, distractors))
        if only_key := (words(q.stem) & set().union(*map(words, keys))) - elsewhere:
            echoed.append((q.key, sorted(only_key)))
    assert not echoed


def test_single_answer_items_offer_four_options_or_more(bank):
    assert all(len(q.spec["options"]) >= 4 for q in choice_items(bank, "single")), "fewer than 4"


def test_select_all_items_vary_how_many_options_are_keys(bank):
    sata = choice_items(bank, "multiple")
    counts = Counter(sum(o["correct"] for o in q.spec["options"]) for q in sata)
    assert len(counts) >= 4, counts  # from one key to all but one, not mostly "3 of 5"
    assert max(counts.values()) <= 0.35 * len(sata), counts
    shares = Counter(
        f"{sum(o['correct'] for o in q.spec['options'])} of {len(q.spec['options'])}" for q in sata
    )
    assert max(shares.values()) <= 0.25 * len(sata), shares


def test_true_or_false_keys_are_not_mostly_one_way(bank):
    keys = Counter(q.spec["options"][0]["correct"] for q in choice_items(bank, "truefalse"))
    assert abs(keys[True] - keys[False]) <= 0.2 * sum(keys.values()), keys


def test_numeric_items_ask_for_one_value(bank):
    for q in bank.questions:
        if q.type == "numeric":
            assert set(q.spec["accept"]) == {"value", "tolerance"}, q.key


def test_short_answers_take_the_standard_forms(bank):
    forms = {
        "IVIG": {"intravenous immunoglobulin", "intravenous immune globulin"},
        "ALS": {"amyotrophic lateral sclerosis", "lou gehrig's disease"},
        "nerve conduction study": {"ncs"},
    }
    for q in bank.questions:
        if q.type != "shortanswer":
            continue
        right = next(a for a in q.spec["answers"] if a["correct"])
        wanted = forms.get(right["text"], set())
        assert wanted <= {v.lower() for v in right["variants"]}, q.key


def test_no_two_stems_are_near_duplicates(bank):
    stems = [(q.key, q.stem.lower()) for q in bank.questions]
    close = [
        (a, b)
        for (a, x), (b, y) in combinations(stems, 2)
        if SequenceMatcher(None, x, y, autojunk=False).ratio() > 0.8
    ]
    assert not close


def test_every_option_says_why(bank):
    for q in choice_items(bank, "single", "multiple", "truefalse"):
        for option in q.spec["options"]:
            assert len(option["rationale"]) >= 25, (q.key, option["text"])
