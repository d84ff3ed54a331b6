"""GIFT in and out: each construct of Moodle's syntax, line-numbered errors, and the MMN bank's round trip."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile, gift
from quizzes.formats.bankfile import BankFileError

HELD = ("single", "multiple", "truefalse", "shortanswer", "numeric", "matching", "ordering")


def one(text: str):
    result = gift.parse(text)
    assert len(result.bank.questions) == 1, result.bank.questions
    return result.bank.questions[0], result.warnings


def errors_of(text: str) -> list[str]:
    with pytest.raises(BankFileError) as caught:
        gift.parse(text)
    return caught.value.errors


def test_title_becomes_the_key_and_general_feedback_the_explanation():
    question, warnings = one(
        "::IVIG first line::Which treatment is first-line? {=IVIG ~Steroids ####IVIG is.}"
    )
    assert question.key == "ivig-first-line"
    assert question.stem == "Which treatment is first-line?"
    assert question.explanation == "IVIG is."
    assert warnings == []


def test_single_answer_with_per_answer_feedback():
    question, _ = one("Which is first-line? {=IVIG#Right: it works. ~Plasma exchange#Can worsen MMN. ####x}")
    assert question.type == "single"
    assert question.spec["options"] == [
        {"text": "IVIG", "correct": True, "rationale": "Right: it works."},
        {"text": "Plasma exchange", "correct": False, "rationale": "Can worsen MMN."},
    ]


def test_an_answer_without_feedback_has_no_rationale():
    question, _ = one("Q? {=a ~b ####x}")
    assert question.spec["options"][1]["rationale"] == ""


def test_missing_general_feedback_stays_missing():
    question, warnings = one("\n\nQ? {=a ~b}")
    assert (question.explanation, question.source_section) == ("", "")
    assert warnings == []


def test_weights_with_negative_distractors_are_select_all_that_apply():
    question, warnings = one("Which apply? {~%50%a#yes ~%50%b ~%-50%c#no ####x}")
    assert question.type == "multiple"
    assert [o["correct"] for o in question.spec["options"]] == [True, True, False]
    assert question.spec["options"][2]["rationale"] == "no"
    assert warnings == []


def test_other_weights_are_mapped_to_sata_with_a_warning():
    question, warnings = one("Which apply? {~%70%a ~%30%b ~%0%c ####x}")
    assert question.type == "multiple"
    assert warnings == [
        "line 1: weights read as select all that apply (+1 per key, -1 per distractor); "
        "the keys are the answers with positive weight"
    ]


def test_partial_credit_on_a_single_answer_skips_the_question_rather_than_change_its_key():
    result = gift.parse("Q? {=a ~%50%b ~c ####x}\n\nR? {=a ~b}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert result.warnings[0].startswith("line 1: a single-answer question with partial credit")


@pytest.mark.parametrize(
    ("block", "key"), [("T", "True"), ("TRUE", "True"), ("F", "False"), ("FALSE", "False"), ("true", "True")]
)
def test_true_false_in_every_spelling(block, key):
    question, _ = one(f"IVIG is first-line. {{{block}####x}}")
    assert question.type == "truefalse"
    assert [o["text"] for o in question.spec["options"] if o["correct"]] == [key]


def test_true_false_feedback_first_for_the_wrong_answer_then_the_right_one():
    question, _ = one("Steroids help MMN. {F#No, they can worsen it.#Right, they do not.####x}")
    true_option, false_option = question.spec["options"]
    assert true_option == {"text": "True", "correct": False, "rationale": "No, they can worsen it."}
    assert false_option == {"text": "False", "correct": True, "rationale": "Right, they do not."}


def test_short_answer_with_a_wrong_answer_kept_for_its_feedback():
    question, _ = one(
        "First-line treatment? {=IVIG =immunoglobulin#Yes =%0%steroids#They can worsen MMN. ####x}"
    )
    assert question.type == "shortanswer"
    assert question.spec["answers"] == [
        {"text": "IVIG", "variants": [], "correct": True, "feedback": ""},
        {"text": "immunoglobulin", "variants": [], "correct": True, "feedback": "Yes"},
        {"text": "steroids", "variants": [], "correct": False, "feedback": "They can worsen MMN."},
    ]


def test_numeric_with_tolerance():
    question, _ = one("Half of one? {#0.5:0.01 ####x}")
    assert question.type == "numeric"
    assert question.spec == {"accept": {"value": 0.5, "tolerance": 0.01}, "unit": ""}


def test_numeric_range():
    question, _ = one("Percent with anti-GM1? {#30..80 ####x}")
    assert question.spec["accept"] == {"min": 30, "max": 80}


def test_a_numeric_question_with_partial_credit_is_skipped_with_a_warning():
    result = gift.parse("Weeks between IVIG doses? {#=%50%3:1 =4:2 ####x}\n\nR? {#4}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert "more than one answer that earns credit" in result.warnings[0]


def test_matching_with_an_extra_response():
    question, _ = one("Match. {=IVIG -> First-line =Plasma exchange -> Can worsen MMN = -> Cures MMN ####x}")
    assert question.type == "matching"
    assert question.spec["responses"] == ["Can worsen MMN", "Cures MMN", "First-line"]  # the neutral order
    assert [(p["text"], p["match"]) for p in question.spec["premises"]] == [
        ("IVIG", "First-line"),
        ("Plasma exchange", "Can worsen MMN"),
    ]


def test_missing_word_becomes_a_single_answer_with_a_blank():
    question, _ = one("MMN is treated with {=IVIG ~steroids ####x} in most people.")
    assert question.type == "single"
    assert question.stem == "MMN is treated with _____ in most people."


def test_escapes_are_read_as_the_characters():
    question, _ = one("Ratio 1\\:2 \\{a\\} \\~ \\= \\# \\\\ ok? {=yes\\=really ~no ####x}")
    assert question.stem == "Ratio 1:2 {a} ~ = # \\ ok?"
    assert [o["text"] for o in question.spec["options"] if o["correct"]] == ["yes=really"]


def test_category_sets_the_topic_comments_and_blank_lines_separate_questions():
    text = (
        "// a comment\n$CATEGORY: $course$/top/Treatment\n\nQ1? {=a ~b ####x}\n\n// another\nQ2? {T####y}\n"
    )
    result = gift.parse(text)
    assert result.bank.topics == [("treatment", "Treatment")]
    assert [q.topic for q in result.bank.questions] == ["treatment", "treatment"]
    assert [q.stem for q in result.bank.questions] == ["Q1?", "Q2?"]


def test_a_question_may_span_lines():
    question, _ = one("::t::\nWhich\nis first-line? {\n=IVIG\n~steroids\n####x\n}")
    assert question.stem == "Which\nis first-line?"


@pytest.mark.parametrize("fmt", ["html", "markdown", "moodle"])
def test_formats_are_read_and_html_is_made_inert(fmt):
    question, _ = one(
        f"[{fmt}]<b>Bold</b> <script>alert(1)</script><b onmouseover=alert(1)></b>? {{=a ~b ####x}}"
    )
    assert question.stem == "Bold ?"
    assert "script" not in question.stem and "onmouseover" not in question.stem


def test_plain_text_is_kept_as_written_and_shown_as_text():
    question, _ = one("[plain]<b>Bold</b>? {=a ~b ####x}")
    assert question.stem == "<b>Bold</b>?"  # Markdown is rendered with raw HTML off: the tags show as text


def test_essay_and_description_are_skipped_with_their_lines():
    result = gift.parse("Describe MMN. {}\n\nJust some text.\n\nQ? {=a ~b ####x}")
    assert len(result.bank.questions) == 1
    assert result.warnings == [
        "line 1: an essay question is not supported, skipped",
        "line 3: a description (no answer block) is not supported, skipped",
    ]


def test_errors_name_their_lines_and_every_one_is_reported():
    text = "Q1? {=a ~b ####x}\n\nQ2? {=a ~b\n\nQ3? {~a ~b ####x}\n\n::open\nQ4? {T}"
    assert errors_of(text) == [
        "line 3: the answer block opened with { is never closed",
        "line 5: Single answer: needs exactly one correct option, has 0",
        "line 7: the title opened with :: is never closed",
    ]


def test_an_answer_block_without_markers_is_an_error():
    assert errors_of("\nQ? {IVIG}") == [
        "line 2: answers start with = or ~, not 'IVIG' (write \\= or \\~ for the signs)"
    ]


def test_a_file_with_nothing_to_import_is_refused():
    assert errors_of("// only a comment\n") == ["the file holds no question that can be imported"]


def test_repeated_titles_get_distinct_keys():
    result = gift.parse("::same::A? {T####x}\n\n::same::B? {F####x}")
    assert [q.key for q in result.bank.questions] == ["same", "same-2"]


def test_export_escapes_special_characters_so_they_read_back():
    data = gift.parse("::k::Ratio 1\\:2 \\{x\\}\\nnext line? {=a\\#b#fb ~c ####ex}").bank
    text, skipped = gift.dump(data)
    assert skipped == []
    again = gift.parse(text).bank.questions[0]
    assert again.stem == "Ratio 1:2 {x}\nnext line?"
    assert again.spec["options"][0]["text"] == "a#b"


def test_export_of_types_gift_cannot_hold_reports_them():
    data = bankfile.BankData(slug="b", title="B", topics=[("t", "T")])
    data.questions.append(
        bankfile.QuestionData(
            key="grid", topic="t", type="matrix", difficulty="easy", source_section="s", stem="Grid",
            explanation="e", spec={},
        )
    )  # fmt: skip
    text, skipped = gift.dump(data)
    assert skipped == ["grid: Matrix (grid) items have no GIFT form Moodle reads; export as Moodle XML"]
    assert "Grid" not in text


def test_every_item_type_gift_holds_survives_a_round_trip():
    text = (
        "$CATEGORY: Treatment\n\n"
        "::tf::IVIG is first-line. {T#No.#Yes.####e}\n\n"
        "::sa::First-line? {=IVIG =intravenous immunoglobulin#ok =%0%steroids#worse ####e}\n\n"
        "::num::Percent? {#30..80 ####e}\n\n"
        "::tol::Half? {#0.5:0.1 ####e}\n\n"
        "::m::Match. {=IVIG -> First-line =Plasma exchange -> Worse =Steroids -> Worse = -> Cures ####e}\n\n"
        "::multi::Which? {~%50%a#1 ~%50%b#2 ~%-50%c#3 ####e}\n"
    )
    first = gift.parse(text).bank
    second = gift.parse(gift.dump(first)[0]).bank
    assert first.questions == second.questions
    assert first.topics == second.topics


def as_gift_holds_it(q: bankfile.QuestionData) -> bankfile.QuestionData:
    """What GIFT and Moodle XML can carry of `q`. They have no variants of a short answer (each variant
    becomes an answer of its own). Citations travel as comments (GIFT) or tags (Moodle XML) with their
    text, not as passages to cite."""
    q = replace(q, cites=[])
    if q.type != "shortanswer":
        return q
    answers = [
        {**a, "text": text, "variants": []} for a in q.spec["answers"] for text in (a["text"], *a["variants"])
    ]
    return replace(q, spec={"answers": answers})


def test_the_mmn_bank_survives_a_round_trip_through_gift():
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    text, skipped = gift.dump(bank)
    held = [q for q in bank.questions if q.type in HELD]
    assert len(skipped) == len(bank.questions) - len(held)
    result = gift.parse(text, slug=bank.slug, title=bank.title)
    assert result.warnings == []
    assert result.bank.topics == [t for t in bank.topics if t[0] in {q.topic for q in held}]
    assert result.bank.questions == [as_gift_holds_it(q) for q in held]


GIFT_ALPHABET = st.sampled_from(
    list("::{}=~#%->.\\ \n\tTF$CATEGORY/[html]ab01") + ["####", "{#", "..", "\\n"]
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(GIFT_ALPHABET).map("".join)))
def test_arbitrary_text_raises_nothing_but_the_import_error(text):
    try:
        result = gift.parse(text)
    except BankFileError as exc:
        assert exc.errors
    else:
        assert result.bank.questions


# -- files built to break the reader, and what the database cannot hold -------------------------------


@pytest.mark.parametrize(("block", "value"), [("{#=%1.2.3%5 =%100%6####e}", "%1.2.3%5"), ("{#%.%5}", "%.%5")])
def test_a_malformed_numeric_weight_is_an_error_with_its_line(block, value):
    assert errors_of(f"\n::a::How many? {block}\n") == [
        f"line 2: {value!r} is not a number, number:tolerance or min..max"
    ]


def test_many_questions_with_one_title_get_numbered_keys_in_linear_time():
    text = "\n\n".join(["::same::Is it? {T####x}"] * 3 + ["::same 2::Is it? {T####x}"] * 2)
    keys = [q.key for q in gift.parse(text).bank.questions]
    assert keys == ["same", "same-2", "same-3", "same-2-2", "same-2-3"]
    many = gift.parse("\n\n".join(["::same::Is it? {T####x}"] * 20_000)).bank.questions
    assert len({q.key for q in many}) == 20_000 and many[-1].key == "same-20000"


def test_only_cr_and_lf_end_lines_so_error_lines_match_an_editor():
    from quizzes.formats import convert

    with pytest.raises(BankFileError) as caught:
        convert.parse("// a form feed: \f\r\n\r\n::a::Is it\x0b? {T####x}\n", "gift")
    assert caught.value.errors == [
        'line 3: question a: "stem" contains the control character U+000B at character 6, '
        "which cannot be stored: remove it"
    ]


def test_a_source_comment_too_long_for_the_database_is_an_error_on_the_questions_line():
    from quizzes.formats import convert

    with pytest.raises(BankFileError) as caught:
        convert.parse(f"// source: {'s' * 300}\n::a::Is it? {{T####x}}\n", "gift")
    assert caught.value.errors == [
        'line 2: question a: "source_section" is too long: 300 characters, at most 200'
    ]


def tagged_mmn_bank() -> bankfile.BankData:
    """The MMN bank with clinical-judgment tags on its first questions."""
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    held = [q for q in bank.questions if q.type in HELD]
    held[0].clinical_judgment, held[0].cognitive_level = "take-action", "application"
    held[1].cognitive_level = "recall"
    return bank


def test_clinical_judgment_tags_survive_a_round_trip_through_gift():
    bank = tagged_mmn_bank()
    text, _ = gift.dump(bank)
    assert "// clinical_judgment: take-action\n// cognitive_level: application\n" in text
    result = gift.parse(text, slug=bank.slug, title=bank.title)
    held = [q for q in bank.questions if q.type in HELD]
    assert result.bank.questions == [as_gift_holds_it(q) for q in held]


def test_an_unknown_clinical_judgment_tag_in_gift_is_left_out_with_a_warning():
    result = gift.parse("// clinical_judgment: guess\n::a::Is IVIG first-line? {T####Yes.}\n")
    assert result.bank.questions[0].clinical_judgment == ""
    assert result.warnings == ["line 2: clinical_judgment 'guess' unknown, left out"]
