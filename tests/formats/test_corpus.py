"""The import corpus (tests/formats/corpus): files of our own reproducing what teachers' GIFT and Moodle
XML files hold, each read as Moodle reads it, with every question imported or skipped with a warning.
And round trips: bank -> GIFT / Moodle XML -> bank is exact for every type each format carries, through
the database as an educator's export and import would go."""

from pathlib import Path

import pytest

from quizzes.formats import convert, gift, moodlexml
from quizzes.formats.bankfile import BankData, QuestionData
from quizzes.formats.database import export_bank, import_bank
from quizzes.items import ITEM_TYPES
from quizzes.models import Bank

CORPUS = Path(__file__).parent / "corpus"


def parse(name: str):
    module = gift if name.endswith(".gift") else moodlexml
    return module.parse((CORPUS / name).read_text(encoding="utf-8"))


def test_the_teachers_gift_file_imports_what_moodle_reads_and_says_what_it_leaves_out():
    result = parse("teacher_gift.gift")
    by_key = {q.key: q for q in result.bank.questions}
    assert [(q.line, q.type) for q in result.bank.questions] == [
        (7, "single"),
        (14, "single"),
        (16, "truefalse"),
        (18, "shortanswer"),
        (25, "numeric"),
        (30, "numeric"),
        (32, "matching"),
        (39, "multiple"),
        (46, "single"),
        (48, "single"),
        (62, "truefalse"),
        (66, "single"),
    ]
    first = by_key["mmn-first-line"]  # the [id:] comment is the key
    assert first.stem == "Which treatment is first-line for MMN?"
    assert first.explanation == "IVIG is first-line."
    assert {o["text"]: o["rationale"] for o in first.spec["options"]}["IVIG"] == "Right: it works."
    assert by_key["onset"].spec["accept"] == {"value": 40, "tolerance": 10}
    assert [p["text"] for p in by_key["match"].spec["premises"]] == [
        "Nerve conduction",
        "Anti-GM1",
        "Ultrasound",
    ]
    assert by_key["escapes"].stem == "A ratio of 1:2 and a literal {brace} and x<y and y>z?"
    assert {o["text"] for o in by_key["escapes"].spec["options"]} == {"yes = ok", "no # sign"}
    assert by_key["unit-two"].stem == "IVIG is given _____."
    assert [a["text"] for a in by_key["weakness"].spec["answers"]] == ["asymmetric", "asymmetrical"]
    assert result.bank.topics == [
        ("neurology-neuropathies-motor", "Neurology / neuropathies / Motor"),
        (result.bank.topics[1][0], "Обзор"),
        ("unit-2-motor", "Unit 2 / Motor"),
    ]
    skipped = [w.split(":")[0] for w in result.warnings if w.endswith("skipped")]
    assert skipped == ["line 50", "line 52", "line 54", "line 56", "line 58"]
    assert len(result.warnings) == 9


def test_the_teachers_moodle_xml_file_imports_what_moodle_reads_and_says_what_it_leaves_out():
    result = parse("teacher_moodle.xml")
    by_key = {q.key: q for q in result.bank.questions}
    assert [(q.key, q.type) for q in result.bank.questions] == [
        ("first-line", "single"),
        ("signs", "multiple"),
        ("motor-only", "truefalse"),
        ("drug", "shortanswer"),
        ("dose", "numeric"),
        ("tests", "matching"),
        ("steps", "ordering"),
        ("gaps", "cloze"),
        ("cloze", "cloze"),  # embedded answers whose gaps are all choices of one: a drop-down cloze
    ]
    assert by_key["cloze"].spec["passage"] == "IVIG is [[1]]."
    assert by_key["cloze"].spec["blanks"][0]["rationale"] == "Yes."
    assert by_key["first-line"].stem == "Which treatment is first-line?\nWrite <b> for bold."
    assert by_key["first-line"].explanation == "- IVIG works.\n- Steroids do not."
    assert by_key["signs"].stem == "Which are signs of MMN?\nChoose all that apply."
    assert by_key["dose"].spec == {"accept": {"value": 2, "tolerance": 0.5}, "unit": "g/kg"}
    # qtype_ordering reads the answers in the file's order as the right order
    assert [s["text"] for s in by_key["steps"].spec["steps"]] == [
        "Nerve conduction study",
        "Examination",
        "IVIG",
    ]
    gaps = by_key["gaps"].spec
    assert gaps["passage"] == "IVIG is the [[1]] treatment; steroids can make MMN [[2]]."
    assert [(b["correct"], sorted(b["choices"])) for b in gaps["blanks"]] == [
        ("first-line", ["first-line", "last-resort"]),
        ("worse", ["better", "worse"]),
    ]
    assert result.bank.topics == [("motor", "Motor"), ("neurology-muscles", "Neurology / Muscles")]
    skipped = [w.split(":")[0] for w in result.warnings if w.endswith("skipped")]
    assert skipped == ["line 41", "line 82", "line 90", "line 94", "line 102", "line 110"]


@pytest.mark.parametrize("name", ["teacher_gift.gift", "teacher_moodle.xml"])
def test_each_corpus_file_goes_through_the_whole_import(name, educator, educator_bank):
    fmt = "gift" if name.endswith(".gift") else "moodlexml"
    result = convert.parse((CORPUS / name).read_text(encoding="utf-8"), fmt)
    report = import_bank(convert.into_bank(result.bank, educator_bank), owner=educator)
    assert report.created == len(result.bank.questions)


def every_type() -> BankData:
    """One question of every type the formats carry, with feedback everywhere and without."""
    options = [
        {"text": "IVIG -> first", "correct": True, "rationale": "Right."},
        {"text": "Steroids", "correct": False, "rationale": ""},
        {"text": "Plasma exchange", "correct": False, "rationale": "Worse."},
    ]

    def q(key, kind, spec, explanation="Because.", stem="Which?"):
        return QuestionData(key, "t", kind, "hard", "Treatment / dosing", stem, explanation, spec)

    return BankData(
        slug="b",
        title="B",
        topics=[("t", "Signs / symptoms")],
        questions=[
            q("single", "single", {"options": options}),
            q(
                "single-bare",
                "single",
                {"options": [{**o, "rationale": ""} for o in options]},
                explanation="",
            ),
            q("multiple", "multiple", {"options": [options[0], {**options[1], "correct": True}, options[2]]}),
            q(
                "truefalse",
                "truefalse",
                {
                    "options": [
                        {"text": "True", "correct": False, "rationale": ""},
                        {"text": "False", "correct": True, "rationale": "Right."},
                    ]
                },
            ),
            q(
                "shortanswer",
                "shortanswer",
                {
                    "answers": [
                        {"text": "IVIG", "variants": [], "correct": True, "feedback": "Yes."},
                        {"text": "a*b", "variants": [], "correct": True, "feedback": ""},
                        {"text": "steroids", "variants": [], "correct": False, "feedback": "No."},
                    ]
                },
            ),
            q("numeric", "numeric", {"accept": {"value": 2, "tolerance": 0.5}, "unit": "g/kg"}),
            q(
                "matching",
                "matching",
                {
                    "premises": [
                        {"text": "IVIG", "match": "First-line", "rationale": "It works."},
                        {"text": "Steroids", "match": "Worse", "rationale": ""},
                    ],
                    "responses": ["Cures", "First-line", "Worse"],
                },
            ),
            q(
                "ordering",
                "ordering",
                {
                    "scoring": "position",
                    "steps": [
                        {"text": "Examine", "rationale": "First."},
                        {"text": "Test", "rationale": ""},
                        {"text": "Treat", "rationale": "Last."},
                    ],
                },
            ),
            q(
                "cloze",
                "cloze",
                {
                    "passage": "IVIG is [[1]]; steroids are [[2]].",
                    "blanks": [
                        {
                            "choices": ["first-line", "last-resort"],
                            "correct": "first-line",
                            "rationale": "Yes.",
                        },
                        {"choices": ["better", "worse"], "correct": "worse", "rationale": ""},
                    ],
                },
                stem="Complete the sentence.",
            ),
        ],
    )


GIFT_CARRIES = ("single", "multiple", "truefalse", "shortanswer", "numeric", "matching", "ordering")
XML_CARRIES = (*GIFT_CARRIES, "cloze")


@pytest.mark.parametrize(("fmt", "carried"), [("gift", GIFT_CARRIES), ("moodlexml", XML_CARRIES)])
def test_bank_to_format_to_bank_is_exact_for_every_type_the_format_carries(fmt, carried, educator):
    data = every_type()
    first = import_bank(data, owner=educator).bank
    exported = export_bank(first)
    text, skipped = convert.serialise(exported, fmt)
    assert [s.split(":")[0] for s in skipped] == [q.key for q in exported.questions if q.type not in carried]
    result = convert.parse(text, fmt, slug="copy", title="Copy")
    assert result.warnings == []
    second = export_bank(import_bank(result.bank, owner=educator).bank)
    expected = [q for q in exported.questions if q.type in carried]
    assert second.questions == expected
    assert second.topics == exported.topics
    assert Bank.objects.count() == 2


def tricky() -> BankData:
    """Texts that look like GIFT or HTML: a leading format marker, entities and tags that are text, a
    leading %weight%, a tab in a source, a backslash before a "]"."""
    options = [
        {"text": "[html]&lt;b&gt;", "correct": True, "rationale": "[plain]</p> stays"},
        {"text": "%50% of people", "correct": False, "rationale": "&amp; is text"},
        {"text": "x<y and y>z", "correct": False, "rationale": ""},
    ]

    def q(key, kind, spec, source="Section\twith a tab"):
        spec = ITEM_TYPES[kind].content(ITEM_TYPES[kind].normalise(spec))  # as stored: in the neutral order
        return QuestionData(key, "t", kind, "easy", source, "[markdown]**&amp;**", "</p> &lt;", spec)

    return BankData(
        slug="tricky",
        title="Tricky",
        topics=[("t", "Back\\slash ] and [x]")],
        questions=[
            q("single", "single", {"options": options}),
            q("multiple", "multiple", {"options": [options[0], {**options[1], "correct": True}, options[2]]}),
            q(
                "matching",
                "matching",
                {
                    "premises": [
                        {"text": "%50% <i>", "match": "a -> b", "rationale": "r"},
                        {"text": "[plain]&amp;", "match": "&lt;", "rationale": ""},
                    ],
                    "responses": ["&lt;", "a -> b"],
                },
                source="ends with a backslash \\",
            ),
            q(
                "shortanswer",
                "shortanswer",
                {"answers": [{"text": "%50%", "variants": [], "correct": True, "feedback": "[html]x"}]},
            ),
            q("numeric", "numeric", {"accept": {"value": 1, "tolerance": 0}, "unit": "mg]"}),
        ],
    )


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_texts_that_look_like_markup_come_back_as_they_were(fmt):
    data = tricky()
    text, skipped = convert.serialise(data, fmt)
    assert skipped == []
    back = convert.parse(text, fmt, slug="tricky", title="Tricky")
    assert back.bank.questions == data.questions
    assert back.warnings == []


def test_gift_leaves_out_what_moodle_would_read_as_another_type():
    arrow = QuestionData(
        "arrow", "t", "shortanswer", "easy", "", "Q?", "",
        {"answers": [{"text": "a", "variants": [], "correct": True, "feedback": "not -> matching"}]},
    )  # fmt: skip
    comment = QuestionData(
        "comment", "t", "ordering", "easy", "", "Q?", "",
        {"scoring": "position", "steps": [{"text": t, "rationale": ""} for t in ("a", "// b", "c")]},
    )  # fmt: skip
    _, skipped = gift.dump(BankData(slug="b", title="B", topics=[("t", "T")], questions=[arrow, comment]))
    assert [s.split(":")[0] for s in skipped] == ["arrow", "comment"]
