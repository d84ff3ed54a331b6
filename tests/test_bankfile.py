"""The bank file format: parsing, line-numbered errors, and writing it back unchanged."""

import json

import pytest

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile

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
    data["format"] = 2
    assert errors_of(data) == ['"format" must be 1, not 2']


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


def test_shipped_bank_uses_every_item_type_in_every_topic(mmn):
    for slug, _ in mmn.topics:
        assert {q.type for q in mmn.questions if q.topic == slug} == {"single", "multiple", "truefalse"}, slug


def test_every_shipped_explanation_cites_its_section_of_the_sheet(mmn):
    for q in mmn.questions:
        assert q.source_section in SECTIONS, q.key
        assert f'(Fact sheet: "{q.source_section}")' in q.explanation, q.key


def test_shipped_bank_never_keys_corticosteroids_or_plasma_exchange_as_helpful(mmn):
    # They are ineffective and can make MMN worse: a key naming them must be about that harm.
    for q in mmn.questions:
        for option in q.spec["options"]:
            text = option["text"].lower()
            if option["correct"] and ("corticosteroid" in text or "plasma exchange" in text):
                wording = (q.stem + " " + option["rationale"]).lower()
                assert "worse" in wording or "ineffective" in wording or "not expect" in wording, q.key


def test_shipped_bank_comes_with_its_quizzes(mmn):
    quizzes = {quiz.slug: quiz for quiz in mmn.quizzes}
    assert quizzes["practice-all"].question_count == 10 and quizzes["practice-all"].topics == []
    assert quizzes["exam"].mode == "exam"
    assert (quizzes["exam"].question_count, quizzes["exam"].time_limit_minutes) == (25, 30)
    per_topic = {tuple(q.topics) for q in mmn.quizzes if q.mode == "practice" and q.topics}
    assert per_topic == {(slug,) for slug, _ in mmn.topics}
