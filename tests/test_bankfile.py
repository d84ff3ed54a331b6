"""The bank file format: parsing, line-numbered errors, and writing it back unchanged."""

import json

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
    data["format"] = 3
    assert errors_of(data) == ['"format" must be 1 or 2, not 3']


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


# The sheet's numbers, as its numeric items must hold them: (value, tolerance) or (lowest, highest).
SHEET_NUMBERS = {
    "who-gets-it-13": {"value": 0.6, "tolerance": 0},  # prevalence per 100,000
    "who-gets-it-14": {"value": 3, "tolerance": 0},  # men about three times as often as women
    "who-gets-it-15": {"min": 50, "max": 60},  # most cases between 50 and 60
    "who-gets-it-16": {"value": 20, "tolerance": 0},  # cases reported from age 20 ...
    "who-gets-it-17": {"value": 75, "tolerance": 0},  # ... to age 75
    "diagnosis-15": {"min": 30, "max": 80},  # anti-GM1 antibodies in 30-80%
    "treatment-17": {"min": 2, "max": 5},  # IVIG repeated about every 2-5 weeks
    "treatment-18": {"min": 3, "max": 6},  # benefit lasts 3-6 weeks or more
}


def test_shipped_numeric_items_hold_the_sheets_numbers(mmn):
    numeric = {q.key: q.spec["accept"] for q in mmn.questions if q.type == "numeric"}
    assert numeric == SHEET_NUMBERS


def test_every_shipped_explanation_cites_its_section_of_the_sheet(mmn):
    for q in mmn.questions:
        assert q.source_section in SECTIONS, q.key
        assert f'(Fact sheet: "{q.source_section}")' in q.explanation, q.key


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
