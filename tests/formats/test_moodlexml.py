"""Moodle XML in and out: each question type, line-numbered errors, refusal of entities, round trips."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile, moodlexml
from quizzes.formats.bankfile import BankFileError
from tests.formats.test_gift import HELD, as_gift_holds_it


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def answer(text: str, fraction, feedback: str = "", extra: str = "") -> str:
    fb = f"<feedback><text>{feedback}</text></feedback>" if feedback else ""
    return f'<answer fraction="{fraction}"><text>{text}</text>{fb}{extra}</answer>'


def question(kind: str, body: str, name: str = "q", stem: str = "Stem?", general: str = "Why.") -> str:
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>{stem}</text></questiontext>'
        f"<generalfeedback><text>{general}</text></generalfeedback>{body}</question>"
    )


def one(*questions: str):
    result = moodlexml.parse(quiz(*questions))
    assert len(result.bank.questions) == 1
    return result.bank.questions[0], result.warnings


def test_multichoice_single_with_feedback_and_general_feedback():
    q, warnings = one(
        question(
            "multichoice",
            "<single>true</single>"
            + answer("IVIG", 100, "Right.")
            + answer("Plasma exchange", 0, "Can worsen MMN."),
            name="First line",
            general="IVIG is first-line.",
        )
    )
    assert (q.key, q.type, q.explanation, warnings) == ("first-line", "single", "IVIG is first-line.", [])
    assert q.spec["options"] == [
        {"text": "IVIG", "correct": True, "rationale": "Right."},
        {"text": "Plasma exchange", "correct": False, "rationale": "Can worsen MMN."},
    ]


def test_multichoice_multi_with_negative_fractions():
    q, warnings = one(
        question(
            "multichoice", "<single>false</single>" + answer("a", 50) + answer("b", 50) + answer("c", -50)
        )
    )
    assert q.type == "multiple"
    assert [o["correct"] for o in q.spec["options"]] == [True, True, False]
    assert q.spec["options"][0]["rationale"] == ""
    assert warnings == []


def test_multichoice_multi_with_other_fractions_warns():
    q, warnings = one(
        question("multichoice", "<single>false</single>" + answer("a", 70) + answer("b", 30) + answer("c", 0))
    )
    assert q.type == "multiple"
    assert warnings == [
        "line 3: fractions read as select all that apply (+1 per key, -1 per distractor); "
        "the keys are the answers with a positive fraction"
    ]


def test_truefalse():
    q, _ = one(question("truefalse", answer("true", 0, "No.") + answer("false", 100, "Right.")))
    assert q.spec["options"] == [
        {"text": "True", "correct": False, "rationale": "No."},
        {"text": "False", "correct": True, "rationale": "Right."},
    ]


def test_shortanswer_with_a_wrong_answer_for_feedback():
    q, _ = one(question("shortanswer", answer("IVIG", 100) + answer("steroids", 0, "Can worsen MMN.")))
    assert q.spec["answers"] == [
        {"text": "IVIG", "variants": [], "correct": True, "feedback": ""},
        {"text": "steroids", "variants": [], "correct": False, "feedback": "Can worsen MMN."},
    ]


def test_numerical_with_tolerance_and_unit():
    units = "<units><unit><multiplier>1</multiplier><unit_name>%</unit_name></unit></units>"
    q, _ = one(question("numerical", answer("55", 100, extra="<tolerance>25</tolerance>") + units))
    assert q.spec == {"accept": {"value": 55, "tolerance": 25}, "unit": "%"}


def test_matching_with_an_extra_response():
    subs = "".join(
        f"<subquestion><text>{left}</text><answer><text>{right}</text></answer></subquestion>"
        for left, right in [("IVIG", "First-line"), ("Plasma exchange", "Can worsen MMN"), ("", "Cures MMN")]
    )
    q, _ = one(question("matching", subs))
    assert q.spec["responses"] == ["Can worsen MMN", "Cures MMN", "First-line"]  # the neutral order
    assert [p["text"] for p in q.spec["premises"]] == ["IVIG", "Plasma exchange"]


def test_category_names_the_topic():
    category = (
        '<question type="category"><category><text>$course$/top/MMN/Treatment</text></category></question>'
    )
    result = moodlexml.parse(quiz(category, question("truefalse", answer("true", 100) + answer("false", 0))))
    assert result.bank.topics == [("mmn-treatment", "Treatment")]  # the slug names the whole path
    assert result.bank.questions[0].topic == "mmn-treatment"


def test_html_is_made_inert():
    stem = (
        "&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
        "&lt;b onmouseover=alert(1)&gt;&lt;/b&gt;?"
    )
    q, _ = one(question("truefalse", answer("true", 100) + answer("false", 0), stem=stem))
    assert q.stem == "Bold ?"


def test_unsupported_types_are_skipped_with_their_lines():
    result = moodlexml.parse(
        quiz(
            question("essay", ""),
            question("description", ""),
            question("truefalse", answer("true", 100) + answer("false", 0)),
        )
    )
    assert result.warnings == [
        "line 3: an essay question is not supported, skipped",
        "line 4: a description question is not supported, skipped",
    ]


def test_errors_name_their_lines():
    with pytest.raises(BankFileError) as caught:
        moodlexml.parse(
            quiz(
                question("multichoice", answer("a", 0) + answer("b", 0)),
                question("numerical", answer("lots", 100)),
            )
        )
    assert caught.value.errors == [
        "line 3: Single answer: needs exactly one correct option, has 0",
        "line 4: 'lots' is not a number",
    ]


def test_broken_xml_names_line_and_column():
    with pytest.raises(BankFileError) as caught:
        moodlexml.parse("<quiz>\n<question>\n</quiz>")
    assert caught.value.errors == ["line 3, column 3: not well-formed XML"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="truefalse"><questiontext><text>&lol3;</text></questiontext></question></quiz>"""


@pytest.mark.parametrize(
    "text",
    [BILLION_LAUGHS, '<!DOCTYPE quiz [<!ENTITY e SYSTEM "http://example.com/x">]><quiz>&e;</quiz>'],
    ids=["billion-laughs", "external-entity"],
)
def test_entities_are_refused_cleanly(text):
    with pytest.raises(BankFileError, match="declares entities or external references, which are refused"):
        moodlexml.parse(text)


def as_moodle_holds_it(q: bankfile.QuestionData) -> bankfile.QuestionData:
    """Moodle's numerical has no range: it is written as its midpoint give or take half its width."""
    accept = q.spec.get("accept", {})
    if q.type == "numeric" and "min" in accept:
        low, high = accept["min"], accept["max"]
        middle, half = (low + high) / 2, (high - low) / 2
        tidy = [int(v) if float(v).is_integer() else v for v in (middle, half)]
        q = replace(q, spec={**q.spec, "accept": {"value": tidy[0], "tolerance": tidy[1]}})
    return as_gift_holds_it(q)


def test_the_mmn_bank_survives_a_round_trip_through_moodle_xml():
    bank = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    text, skipped = moodlexml.dump(bank)
    held = [q for q in bank.questions if q.type in (*HELD, "ordering", "cloze")]
    assert len(skipped) == len(bank.questions) - len(held)
    assert all("Matrix (grid) items have no Moodle question type" in s for s in skipped)
    result = moodlexml.parse(text, slug=bank.slug, title=bank.title)
    assert result.warnings == []
    assert result.bank.topics == [t for t in bank.topics if t[0] in {q.topic for q in held}]
    assert result.bank.questions == [as_moodle_holds_it(q) for q in held]


def test_every_type_the_format_holds_survives_a_round_trip():
    units = "<units><unit><multiplier>1</multiplier><unit_name>mg</unit_name></unit></units>"
    subs = "".join(
        f"<subquestion><text>{left}</text><answer><text>{right}</text></answer></subquestion>"
        for left, right in [("IVIG", "First-line"), ("Steroids", "Worse"), ("", "Cures")]
    )
    first = moodlexml.parse(
        quiz(
            question("shortanswer", answer("IVIG", 100) + answer("steroids", 0, "No."), name="sa"),
            question("numerical", answer("2", 100, extra="<tolerance>0.5</tolerance>") + units, name="num"),
            question("matching", subs, name="m"),
            question(
                "multichoice", "<single>false</single>" + answer("a", 50) + answer("b", 50) + answer("c", -50)
            ),
        )
    ).bank
    second = moodlexml.parse(moodlexml.dump(first)[0]).bank
    assert first.questions == second.questions


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                [
                    "<quiz>",
                    "</quiz>",
                    '<question type="truefalse">',
                    "</question>",
                    "<answer fraction='x'>",
                    "</answer>",
                    "<text>",
                    "</text>",
                    "&lt;",
                    "&amp;",
                    "<!DOCTYPE a [",
                    "]>",
                    "a",
                ]
            )
        ).map("".join),
    )
)
def test_arbitrary_text_raises_nothing_but_the_import_error(text):
    try:
        result = moodlexml.parse(text)
    except BankFileError as exc:
        assert exc.errors
    else:
        assert result.bank.questions


def test_a_tag_too_long_for_the_database_is_an_error_with_the_questions_line():
    from quizzes.formats import convert

    tags = f"<tags><tag><text>mmn-source:{'s' * 300}</text></tag></tags>"
    text = quiz(question("truefalse", answer("true", 100) + answer("false", 0) + tags))
    with pytest.raises(BankFileError) as caught:
        convert.parse(text, "moodlexml")
    assert caught.value.errors == [
        'line 3: question q: "source_section" is too long: 300 characters, at most 200'
    ]


def test_clinical_judgment_tags_survive_a_round_trip_through_moodle_xml():
    from tests.formats.test_gift import tagged_mmn_bank

    bank = tagged_mmn_bank()
    text, _ = moodlexml.dump(bank)
    assert "<text>mmn-clinical-judgment:take-action</text>" in text
    result = moodlexml.parse(text, slug=bank.slug, title=bank.title)
    assert result.warnings == []
    held = [q for q in bank.questions if q.type in (*HELD, "ordering", "cloze")]
    assert result.bank.questions == [as_moodle_holds_it(q) for q in held]
