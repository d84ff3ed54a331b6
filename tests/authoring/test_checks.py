"""The item-writing checks: for each, one item that trips it and one that does not."""

import random
import time

import pytest

from quizzes.authoring import checks
from quizzes.authoring.checks import CHECKS, Measured, Severity, check_bank, check_item, interval
from quizzes.formats.bankfile import QuestionData


def question(
    stem="Which finding is typical of MMN?", item_type="single", key="q", difficulty="medium", **spec
):
    return QuestionData(
        key=key,
        topic="t",
        type=item_type,
        difficulty=difficulty,
        source_section="s",
        stem=stem,
        explanation="e",
        spec=spec,
    )


def choice(
    key_text,
    *distractors,
    stem="Which finding is typical of MMN?",
    item_type="single",
    key="q",
    keys=(),
    **fields,
):
    options = [{"text": key_text, "correct": True, "rationale": "r"}]
    options += [{"text": k, "correct": True, "rationale": "r"} for k in keys]
    options += [{"text": d, "correct": False, "rationale": "r"} for d in distractors]
    return question(stem, item_type, key, options=options, **fields)


def ids(findings) -> list[str]:
    return [f.check for f in findings]


FOUR = ("Sensory loss", "Tremor at rest", "Muscle rigidity")


def test_every_check_has_a_title_a_severity_and_its_guidance():
    assert set(CHECKS) >= {
        "key-longest",
        "absolute-distractors",
        "all-none-of-the-above",
        "negative-stem",
        "stem-word-in-key",
        "overlapping-options",
        "few-options",
        "two-choice-blanks",
        "numeric-range-key",
        "near-duplicate",
        "sata-key-pattern",
        "key-position-pattern",
        "facility-vs-label",
    }
    for check in CHECKS.values():
        assert check.title and check.severity in Severity
        assert "NBME" in check.guidance or "NCSBN" in check.guidance, check.id


def test_a_clean_item_has_no_findings():
    assert check_item(choice("Weakness of the hand", *FOUR)) == []


def test_key_much_longer_than_every_distractor_is_flagged():
    item = choice("Asymmetric weakness of the hands that may come and go over several years", *FOUR)
    assert ids(check_item(item)) == ["key-longest"]
    assert check_item(item)[0].field == "options"


def test_key_of_about_the_same_length_is_not_flagged():
    assert "key-longest" not in ids(check_item(choice("Weakness of one hand", *FOUR)))


def test_absolute_words_only_in_distractors_are_flagged():
    item = choice("Weakness of the hand", "Always sensory loss", "Tremor only at rest", "Muscle rigidity")
    [finding] = check_item(item)
    assert finding.check == "absolute-distractors"
    assert "“always”" in finding.message and "“only”" in finding.message


def test_absolute_words_in_a_key_too_are_not_flagged():
    item = choice("Weakness only in the hand", "Always sensory loss", "Tremor at rest", "Muscle rigidity")
    assert "absolute-distractors" not in ids(check_item(item))


@pytest.mark.parametrize(
    "distractor",
    ["Repeat IVIG every few weeks", "Repeat IVIG every 2-5 weeks", "About 6 in every 100,000 people"],
)
def test_every_as_a_rate_is_not_an_absolute(distractor):
    # A false positive the MMN bank met: "every few weeks" is how often, not "without exception".
    item = choice("Weakness of the hand", distractor, "Tremor at rest", "Muscle rigidity")
    assert "absolute-distractors" not in ids(check_item(item))


def test_every_as_a_universal_is_still_an_absolute():
    item = choice("Weakness of the hand", "Found in every patient", "Tremor at rest", "Muscle rigidity")
    [finding] = check_item(item)
    assert finding.check == "absolute-distractors" and "“every”" in finding.message


def test_all_of_the_above_is_flagged_on_its_option():
    item = choice("All of the above", *FOUR)
    [finding] = [f for f in check_item(item) if f.check == "all-none-of-the-above"]
    assert finding.field == "options.0.text"


def test_none_of_the_above_is_flagged_but_above_in_other_words_is_not():
    assert "all-none-of-the-above" in ids(
        check_item(choice("Weakness of the hand", "None of these", *FOUR[:2]))
    )
    assert "all-none-of-the-above" not in ids(check_item(choice("Pain above the knee", *FOUR)))


def test_a_negative_lead_in_without_emphasis_is_flagged():
    item = choice("Weakness of the hand", *FOUR, stem="Which finding is not typical of MMN?")
    assert ids(check_item(item)) == ["negative-stem"]
    assert "**NOT**" in check_item(item)[0].message


@pytest.mark.parametrize(
    "stem",
    [
        "Which finding is NOT typical of MMN?",
        "Which finding is **not** typical of MMN?",
        "All of these are typical of MMN EXCEPT which?",
        "A patient does not feel pain in the hand. Which finding is typical of MMN?",  # not in the lead-in
        # A false positive the MMN bank met: the negative is in the patient's quoted words, not the question.
        'A patient asks, "Why do I get IVIG and not steroids?" Which reply is accurate?',
        "A patient asks, “Why am I not numb?” Which reply is accurate?",
    ],
)
def test_an_emphasised_negative_or_one_outside_the_lead_in_is_not_flagged(stem):
    assert "negative-stem" not in ids(check_item(choice("Weakness of the hand", *FOUR, stem=stem)))


def test_a_negative_question_after_a_quote_is_still_flagged():
    item = choice("Weakness of the hand", *FOUR, stem='A patient says, "My hand is weak." Which is not true?')
    assert "negative-stem" in ids(check_item(item))


def test_a_contracted_negative_is_flagged():
    item = choice("Weakness of the hand", *FOUR, stem="Which finding doesn't fit MMN?")
    assert "negative-stem" in ids(check_item(item))


def test_a_stem_word_repeated_only_in_the_key_is_flagged():
    stem = "Which test shows the conduction block typical of MMN?"
    item = choice("Nerve conduction study", "Lumbar puncture", "Muscle biopsy", "Chest X-ray", stem=stem)
    [finding] = check_item(item)
    assert finding.check == "stem-word-in-key" and "“conduction”" in finding.message


def test_a_stem_word_also_in_a_distractor_is_not_flagged():
    stem = "Which test shows the conduction block typical of MMN?"
    item = choice(
        "Nerve conduction study", "Conduction velocity in the eye", "Muscle biopsy", "Chest X-ray", stem=stem
    )
    assert "stem-word-in-key" not in ids(check_item(item))


def test_overlapping_ranges_are_flagged():
    item = choice("1 to 2 days", "Less than 1 week", "3 to 6 weeks", "More than 6 months")
    [finding] = check_item(item)
    assert finding.check == "overlapping-options" and "“1 to 2 days”" in finding.message


def test_separate_ranges_are_not_flagged():
    item = choice("1 to 2 days", "3 to 6 days", "1 to 3 weeks", "More than 6 months")
    assert "overlapping-options" not in ids(check_item(item))


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("1 to 2 days", 1, 2),
        ("Less than 1 week", float("-inf"), 7),
        ("30-80 %", 30, 80),
        ("6 months or more", 180, float("inf")),
        ("About 3 weeks", 21, 21),
        ("between 2 and 5 years", 730, 1825),
    ],
)
def test_quantities_in_options_are_read_in_a_common_unit(text, low, high):
    span = interval(text)
    assert (span.low, span.high) == (low, high)


def test_ranges_that_only_touch_at_an_excluded_end_do_not_overlap():
    assert not interval("less than 1 week").overlaps(interval("1 to 2 weeks"))
    assert interval("up to 1 week").overlaps(interval("1 to 2 weeks"))
    assert not interval("1 to 2 weeks").overlaps(interval("30 to 40 %"))


def test_a_single_answer_item_with_three_options_is_flagged():
    assert ids(check_item(choice("Weakness of the hand", *FOUR[:2]))) == ["few-options"]


def test_a_select_all_item_with_three_options_is_not_flagged():
    item = choice("Weakness of the hand", "Tremor", item_type="multiple", keys=["Cramps"])
    assert "few-options" not in ids(check_item(item))


def cloze(*choice_counts):
    blanks = [
        {"choices": [f"c{n}-{i}" for i in range(count)], "correct": f"c{n}-0", "rationale": "r"}
        for n, count in enumerate(choice_counts)
    ]
    passage = "MMN is " + " and ".join(f"[[{n + 1}]]" for n in range(len(blanks))) + "."
    return question("Complete the sentence.", "cloze", passage=passage, blanks=blanks)


def test_drop_down_blanks_with_two_choices_are_flagged_by_number():
    [finding] = check_item(cloze(3, 2, 4, 2))
    assert finding.check == "two-choice-blanks" and finding.message.startswith("Blanks 2, 4 offer only two")


def test_drop_down_blanks_with_three_choices_or_more_are_not_flagged():
    assert check_item(cloze(3, 5)) == []


def numeric(accept, stem="How many cases are there in every 100,000 people?"):
    return question(stem, "numeric", accept=accept, unit="")


def test_a_numeric_item_accepting_a_wide_range_is_flagged():
    [finding] = check_item(numeric({"min": 30, "max": 80}))
    assert finding.check == "numeric-range-key" and "(55)" in finding.message


def test_a_wide_tolerance_is_flagged():
    assert ids(check_item(numeric({"value": 10, "tolerance": 5}))) == ["numeric-range-key"]


def test_an_approximate_value_accepted_only_exactly_is_flagged():
    item = numeric({"value": 3, "tolerance": 0}, stem="Men are affected about how many times as often?")
    assert "approximate" in check_item(item)[0].message


@pytest.mark.parametrize(
    "accept", [{"value": 0.6, "tolerance": 0}, {"value": 3, "tolerance": 0.3}, {"min": 0.55, "max": 0.65}]
)
def test_one_value_or_a_narrow_range_is_not_flagged(accept):
    assert check_item(numeric(accept)) == []


def test_an_unfinished_draft_is_skipped_rather_than_crashing():
    assert check_item(numeric({"value": None, "tolerance": 0})) == []
    assert check_item(question(options=[{"text": None}])) == []


# -- bank-level checks ------------------------------------------------------------------------------------

TOPICS = [
    "hands",
    "feet",
    "nerves",
    "antibodies",
    "infusions",
    "steroids",
    "tests",
    "ages",
    "sexes",
    "cramps",
]


STEMS = [
    "Which hand muscle weakens first in most patients?",
    "What does a nerve conduction study show in this disease?",
    "A patient reports cramps at night. What should the nurse ask next?",
    "Which antibody level is often raised?",
    "How is the infusion given?",
    "Why are steroids avoided?",
    "Which sign on inspection points to lower motor neuron damage?",
    "At what age does the disorder usually begin?",
    "Who is affected more often, and by how much?",
    "What outcome shows the treatment worked?",
]


def distinct_items(n):
    """Items about different things, with keys in varied alphabetical positions."""
    words = ["Apple", "Banana", "Cherry", "Damson"]
    return [
        choice(
            f"{words[i % 4]} {TOPICS[i]}",
            *(f"{w} {TOPICS[i]}" for w in words if w != words[i % 4]),
            stem=STEMS[i],
            key=f"q{i}",
        )
        for i in range(n)
    ]


def test_distinct_items_have_no_bank_findings():
    assert check_bank(distinct_items(10)) == []


def test_near_duplicate_items_are_flagged_on_both():
    items = distinct_items(3) + [
        choice("Weakness of the hand", *FOUR, key="a"),
        choice("Weakness of the hand", *FOUR, key="b", stem="Which finding is typical for MMN?"),
    ]
    found = [f for f in check_bank(items) if f.check == "near-duplicate"]
    assert sorted(f.key for f in found) == ["a", "b"]
    assert "question b" in next(f.message for f in found if f.key == "a")


def sata(n_keys, n_options, key):
    return choice(
        "Key 0",
        *(f"Distractor {i}" for i in range(n_options - n_keys)),
        item_type="multiple",
        keys=[f"Key {i}" for i in range(1, n_keys)],
        key=key,
        stem=f"Select all that apply about topic {key}.",
    )


def test_select_all_items_keying_alike_are_flagged():
    found = [f for f in check_bank([sata(3, 5, f"s{i}") for i in range(6)]) if f.check == "sata-key-pattern"]
    assert len(found) == 2 and found[0].key == ""
    assert "6 of the bank's 6 select-all items key 3 of 5" in found[0].message


def test_select_all_items_keying_varied_counts_are_not_flagged():
    shapes = [(1, 5), (2, 5), (3, 5), (1, 6), (4, 6), (2, 4)]
    items = [sata(k, n, f"s{i}") for i, (k, n) in enumerate(shapes)]
    assert "sata-key-pattern" not in ids(check_bank(items))


def test_keys_mostly_in_one_alphabetical_position_are_flagged():
    items = [
        choice(
            f"Alpha {t}", f"Bravo {t}", f"Charlie {t}", f"Delta {t}", stem=f"Which one for the {t}?", key=t
        )
        for t in TOPICS
    ]
    [finding] = [f for f in check_bank(items) if f.check == "key-position-pattern"]
    assert "10 of the bank's 10" in finding.message and "option A" in finding.message


def test_facility_far_from_the_label_is_flagged_once_enough_answers_exist():
    items = [choice("Weakness of the hand", *FOUR, key="a", difficulty="hard")]
    [finding] = [f for f in check_bank(items, {"a": Measured(0.95, 40)}) if f.check == "facility-vs-label"]
    assert "Labelled hard" in finding.message and "95%" in finding.message and finding.key == "a"


@pytest.mark.parametrize("measured", [Measured(0.95, 10), Measured(0.5, 40)])
def test_facility_is_not_judged_on_few_answers_nor_when_it_fits(measured):
    items = [choice("Weakness of the hand", *FOUR, key="a", difficulty="hard")]
    assert "facility-vs-label" not in ids(check_bank(items, {"a": measured}))


def test_a_bank_of_500_items_is_checked_in_well_under_a_second():
    rng = random.Random(1)
    vocabulary = [f"w{n}" for n in range(400)]
    items = [
        choice(
            *(" ".join(rng.choices(vocabulary, k=4)) for _ in range(4)),
            stem=" ".join(rng.choices(vocabulary, k=20)) + "?",
            key=f"q{i}",
        )
        for i in range(500)
    ]
    started = time.perf_counter()
    check_bank(items)
    assert time.perf_counter() - started < 2.0  # measured 0.17 s on a shared core


def test_findings_name_registered_checks():
    assert all(f.check in CHECKS for f in checks.check_bank([choice("All of the above", *FOUR)]))


def test_an_item_names_at_most_three_of_its_near_duplicates():
    items = [choice("Weakness of the hand", *FOUR, key=f"k{n}") for n in range(6)]
    found = [f for f in check_bank(items) if f.check == "near-duplicate"]
    assert len(found) == 6 * checks.DUPLICATES_NAMED
    assert len(checks.duplicates_of(items[0], items[1:])) == checks.DUPLICATES_NAMED


def test_every_saved_version_keeps_the_warnings_its_item_checks_give(db):
    """Both ways a version is written (one at a time, and an import's bulk COPY) store its warnings."""
    from pathlib import Path

    from quizzes.authoring.checks import item_warnings
    from quizzes.formats import bankfile
    from quizzes.formats.database import import_bank, version_data
    from quizzes.models import QuestionVersion

    data = bankfile.parse(Path("quizzes/banks/mmn.json").read_text())
    # The shipped bank passes every check: give one single-answer item three options, which warns.
    single = next(q for q in data.questions if q.type == "single")
    options = single.spec["options"]
    single.spec["options"] = [o for o in options if o["correct"]] + [o for o in options if not o["correct"]][
        :2
    ]
    import_bank(data)
    versions = QuestionVersion.objects.select_related("question__topic")
    assert [v.question.key for v in versions if v.warnings] == [single.key]
    for version in versions:
        assert version.warnings == item_warnings(version_data(version.question, version)), version
