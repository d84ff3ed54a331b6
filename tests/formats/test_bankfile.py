"""The bank file format: parsing, line-numbered errors, and writing it back unchanged."""

import json
import re

import pytest

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.items import ITEM_TYPES

SECTIONS = {
    "What is Multifocal Motor Neuropathy (MMN)?",
    "What are the symptoms of MMN?",
    "How is MMN treated?",
}


def minimal(**question_changes) -> dict:
    question = {
        "key": "q-1",
        "topic": "t",
        "type": "single",
        "difficulty": "easy",
        "source_section": "How is MMN treated?",
        "stem": "Which is first-line?",
        "explanation": "IVIG.",
        "options": [
            {"text": "IVIG", "correct": True, "rationale": "First-line."},
            {"text": "Plasma exchange", "correct": False, "rationale": "Can make MMN worse."},
        ],
    }
    question.update(question_changes)
    return {
        "format": 1,
        "bank": {"slug": "b", "title": "B", "description": "", "source": ""},
        "topics": [{"slug": "t", "title": "T"}],
        "questions": [question],
        "quizzes": [
            {
                "slug": "p",
                "title": "P",
                "mode": "practice",
                "question_count": 5,
                "topics": ["t"],
                "time_limit_minutes": None,
            }
        ],
    }


def errors_of(data) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    with pytest.raises(bankfile.BankFileError) as exc:
        bankfile.parse(text)
    return exc.value.errors


def test_a_valid_file_round_trips_exactly():
    text = json.dumps(minimal(), indent=2, ensure_ascii=False) + "\n"
    assert bankfile.dump(bankfile.parse(text)) == text


def test_broken_json_is_reported_with_its_line_and_column():
    assert errors_of('{\n  "format": 1,\n  "bank": \n}') == [
        "line 4, column 1: not valid JSON: Expecting value"
    ]


def test_question_errors_name_the_question_and_its_line():
    errors = errors_of(minimal(type="essay"))
    assert len(errors) == 1
    assert errors[0].startswith("line 17: question q-1: unknown type 'essay'")


def test_every_problem_is_reported_at_once():
    data = minimal(topic="nope", difficulty="trivial")
    data["questions"][0]["options"][0]["correct"] = False
    data["quizzes"][0]["mode"] = "race"
    errors = errors_of(data)
    assert any("unknown topic 'nope'" in e for e in errors)
    assert any("difficulty must be one of" in e for e in errors)
    assert any("needs exactly one correct option, has 0" in e for e in errors)
    assert any('"mode" must be one of' in e for e in errors)


def test_duplicate_keys_and_unknown_fields_are_refused():
    data = minimal(colour="red")
    assert any("unknown field(s) colour" in e for e in errors_of(data))
    data = minimal()
    data["questions"].append(dict(data["questions"][0]))
    assert any("key appears twice" in e for e in errors_of(data))


def test_wrong_format_number_is_refused():
    data = minimal()
    data["format"] = 4
    assert errors_of(data) == ['"format" must be 1, 2 or 3, not 4']


# -- the shipped MMN bank ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mmn() -> bankfile.BankData:
    return bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))


def test_shipped_bank_is_written_exactly_as_the_exporter_writes_it(mmn):
    assert bankfile.dump(mmn) == MMN_BANK.read_text(encoding="utf-8")


def test_shipped_bank_has_at_least_sixty_items_over_five_topics(mmn):
    assert len(mmn.questions) >= 60
    counts = {slug: sum(q.topic == slug for q in mmn.questions) for slug, _ in mmn.topics}
    assert len(counts) == 5
    assert min(counts.values()) >= 10, counts


def test_shipped_bank_uses_the_choice_types_in_every_topic_and_every_type_somewhere(mmn):
    for slug, _ in mmn.topics:
        assert {"single", "multiple", "truefalse"} <= {q.type for q in mmn.questions if q.topic == slug}, slug
    assert {q.type for q in mmn.questions} == set(ITEM_TYPES)
    new_types = [q for q in mmn.questions if q.type not in {"single", "multiple", "truefalse"}]
    assert len(new_types) >= 15
    for slug, _ in mmn.topics:  # each topic's practice quiz meets the new types too
        assert any(q.topic == slug for q in new_types), slug


# The sheet's numbers, as its numeric items must hold them: one value each, with the slack "about" allows.
SHEET_NUMBERS = {
    "prevalence-figure": {"value": 0.6, "tolerance": 0},  # 0.6 cases per 100,000
    "cases-in-a-region": {"value": 12, "tolerance": 1},  # about 0.6 per 100,000 of 2,000,000 people
    "men-to-women": {"value": 3, "tolerance": 0.5},  # men about three times as often: 2.5 to 3.5
    "men-in-a-clinic": {"value": 30, "tolerance": 1},  # about three in four of 40 patients are men
    "gm1-negative-share": {"value": 20, "tolerance": 0},  # antibodies in 30-80%: at best 20% have none
}


def test_shipped_numeric_items_hold_the_sheets_numbers(mmn):
    numeric = {q.key: q.spec["accept"] for q in mmn.questions if q.type == "numeric"}
    assert numeric == SHEET_NUMBERS


def test_every_shipped_explanation_cites_its_section_of_the_sheet(mmn):
    for q in mmn.questions:
        assert q.source_section in SECTIONS, q.key
        # Its own section first; an explanation drawing on more of the sheet names those sections after it.
        tag = re.search(r'\(Fact sheet: "([^"]+)"((?:; "[^"]+")*)\)$', q.explanation)
        assert tag and tag[1] == q.source_section, q.key
        assert set(re.findall(r'"([^"]+)"', tag[2])) <= SECTIONS - {q.source_section}, q.key


def keyed(q: bankfile.QuestionData) -> list[tuple[str, str]]:
    """(what is keyed as right, its rationale or feedback) for every item type."""
    spec = q.spec
    if "options" in spec:
        return [(o["text"], o["rationale"]) for o in spec["options"] if o["correct"]]
    if q.type == "shortanswer":
        return [
            (" ".join([a["text"], *a["variants"]]), a["feedback"]) for a in spec["answers"] if a["correct"]
        ]
    if q.type == "matching":
        return [(f"{p['text']}: {p['match']}", p["rationale"]) for p in spec["premises"]]
    if q.type == "matrix":
        return [(f"{r['text']}: {', '.join(r['correct'])}", r["rationale"]) for r in spec["rows"]]
    if q.type == "cloze":
        return [(b["correct"], b["rationale"]) for b in spec["blanks"]]
    if q.type == "ordering":
        return [(s["text"], s["rationale"]) for s in spec["steps"]]
    return []


def test_shipped_bank_never_keys_corticosteroids_or_plasma_exchange_as_helpful(mmn):
    # They are ineffective and can make MMN worse: a key naming them must be about that harm.
    for q in mmn.questions:
        for text, rationale in keyed(q):
            if "corticosteroid" in text.lower() or "plasma exchange" in text.lower():
                wording = (q.stem + " " + text + " " + rationale).lower()
                assert "worse" in wording or "ineffective" in wording or "not expect" in wording, q.key


def test_shipped_bank_comes_with_its_quizzes(mmn):
    quizzes = {quiz.slug: quiz for quiz in mmn.quizzes}
    assert quizzes["practice-all"].question_count == 10 and quizzes["practice-all"].topics == []
    assert quizzes["exam"].mode == "exam"
    assert (quizzes["exam"].question_count, quizzes["exam"].time_limit_minutes) == (25, 30)
    per_topic = {tuple(q.topics) for q in mmn.quizzes if q.mode == "practice" and q.topics}
    assert per_topic == {(slug,) for slug, _ in mmn.topics}


# -- what the database cannot hold, and files built to break the reader ------------------------------


def storage_errors_of(data: dict) -> list[str]:
    from quizzes.formats import convert

    with pytest.raises(bankfile.BankFileError) as exc:
        convert.parse(json.dumps(data, indent=2), "json")
    return exc.value.errors


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "k" * 150}, '"key" is too long: 150 characters, at most 100'),
        ({"source_section": "s" * 300}, '"source_section" is too long: 300 characters, at most 200'),
        ({"stem": "Which\u0001?"}, '"stem" contains the control character U+0001 at character 6'),
        ({"explanation": "\u0000"}, '"explanation" contains the control character U+0000 at character 1'),
    ],
)
def test_a_question_the_database_cannot_hold_is_an_error_on_its_line(change, message):
    errors = storage_errors_of(minimal(**change))
    assert len(errors) == 1 and errors[0].startswith("line 17: question ") and message in errors[0], errors


def test_a_control_character_inside_a_spec_names_its_field():
    data = minimal()
    data["questions"][0]["options"][1]["rationale"] = "Can\u001b[31m worsen MMN."
    assert storage_errors_of(data) == [
        'line 17: question q-1: "options" contains the control character U+001B at character 4, '
        "which cannot be stored: remove it"
    ]


def test_bank_topic_and_quiz_texts_are_checked_too():
    data = minimal()
    data["bank"]["title"] = "B" * 201
    data["topics"][0]["title"] = "Topic\u000bvt"
    data["quizzes"][0]["title"] = "t" * 300
    data["quizzes"][0]["slug"] = "q" * 150
    errors = storage_errors_of(data)
    assert errors == [
        'line 3: bank: "title" is too long: 201 characters, at most 200',
        'line 11: topic t: "title" contains the control character U+000B at character 6, '
        "which cannot be stored: remove it",
        f'line 40: quiz {"q" * 40}: "slug" is too long: 150 characters, at most 100',
        f'line 40: quiz {"q" * 40}: "title" is too long: 300 characters, at most 200',
    ]


def test_nesting_too_deep_for_python_is_an_error_with_its_line():
    assert errors_of('{"format": 1,\n"bank": ' + "[" * 100_000 + "]" * 100_000 + "}") == [
        "line 2: the file nests lists or objects too deeply"
    ]


def test_a_number_too_long_for_python_is_an_error_with_its_line():
    assert errors_of('{\n"format": ' + "1" * 5000 + "}") == ["line 2: a number of 5,000 digits is too long"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "matching", "premises": [], "responses": 5}, "responses must be a list of texts"),
        (
            {"type": "matrix", "per_row": "one", "columns": True, "rows": []},
            "columns must be a list of texts",
        ),
        (
            {
                "type": "cloze",
                "passage": "A [[1]].",
                "blanks": [{"choices": 3, "correct": "x", "rationale": "r"}],
            },
            "blank 1: blanks.0.choices must be a list of texts",
        ),
        ({"type": "ordering", "scoring": [], "steps": []}, "scoring must be one of"),
    ],
)
def test_spec_fields_of_the_wrong_type_are_errors_not_crashes(change, message):
    question = minimal()["questions"][0] | change
    del question["options"]
    data = minimal()
    data["questions"] = [question]
    assert any(message in error for error in errors_of(data)), errors_of(data)


def test_lines_of_many_questions_are_found_in_one_pass_over_the_file():
    """20,000 questions, the last one broken: its line is found without a search from the top for each."""
    data = minimal()
    question = data["questions"][0]
    data["questions"] = [question | {"key": f"q-{n}"} for n in range(20_000)]
    data["questions"][-1] = data["questions"][-1] | {"difficulty": "trivial"}
    text = json.dumps(data, indent=2)
    line = text.count("\n", 0, text.index('"key": "q-19999"')) + 1
    assert errors_of(text) == [f"line {line}: question q-19999: difficulty must be one of easy, medium, hard"]


# -- format 3: clinical-judgment tags and short answers' typo tolerance ------------------------------------


def test_tags_and_typo_tolerance_round_trip_as_format_3():
    data = minimal()
    data["format"] = 3
    first = data["questions"][0]
    # The tags come after the explanation, before the item type's own fields, as the file writes them.
    data["questions"][0] = {
        **{k: v for k, v in first.items() if k != "options"},
        "clinical_judgment": "take-action",
        "cognitive_level": "application",
        "options": first["options"],
    }
    data["questions"].append(
        {
            "key": "q-2",
            "topic": "t",
            "type": "shortanswer",
            "difficulty": "easy",
            "source_section": "How is MMN treated?",
            "stem": "Name the first-line treatment.",
            "explanation": "IVIG.",
            "answers": [{"text": "IVIG", "variants": [], "correct": True, "feedback": ""}],
            "typo_tolerance": 2,
        }
    )
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    bank = bankfile.parse(text)
    assert (bank.questions[0].clinical_judgment, bank.questions[0].cognitive_level) == (
        "take-action",
        "application",
    )
    assert bank.questions[1].spec["typo_tolerance"] == 2
    assert bankfile.dump(bank) == text


def test_a_file_without_the_new_fields_keeps_its_format_number():
    text = json.dumps(minimal(), indent=2, ensure_ascii=False) + "\n"
    assert json.loads(bankfile.dump(bankfile.parse(text)))["format"] == 1


def test_format_3_fields_in_an_older_file_are_refused():
    [error] = errors_of(minimal(cognitive_level="recall"))
    assert error == 'line 17: question q-1: cognitive_level need "format": 3'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"clinical_judgment": "recognise-cues"}, '"clinical_judgment" must be one of recognize-cues, '),
        ({"cognitive_level": 3}, '"cognitive_level" must be one of recall, application, analysis, not 3'),
    ],
)
def test_unknown_tags_are_refused(change, message):
    data = minimal(**change)
    data["format"] = 3
    [error] = errors_of(data)
    assert message in error


def test_dismissed_warnings_round_trip_sorted_by_check():
    data = minimal()
    data["format"] = 3
    data["questions"][0]["dismissed"] = {"few-options": "A true dichotomy.", "key-longest": "Quoted whole."}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    bank = bankfile.parse(text)
    assert bank.questions[0].dismissed == {"few-options": "A true dichotomy.", "key-longest": "Quoted whole."}
    assert bankfile.dump(bank) == text


@pytest.mark.parametrize(
    "dismissed",
    [
        ["few-options"],
        {"few-options": ""},
        {"Few Options!": "why"},
        {"few-options": 3},
        {"few-options": "x" * 1001},
    ],
)
def test_malformed_dismissals_are_refused(dismissed):
    data = minimal(dismissed=dismissed)
    data["format"] = 3
    [error] = errors_of(data)
    assert '"dismissed"' in error
