"""Format 2 of the bank file: every setting of the quiz builder travels, and format 1 stays as it was."""

import json

import pytest

from quizzes.demo import MMN_BANK
from quizzes.formats import bankfile
from quizzes.formats.database import export_bank, import_bank
from quizzes.models import Quiz
from tests.conftest import mmn_without_sources
from tests.formats.test_bankfile import errors_of, minimal

SETTINGS = {
    "selection": "fixed",
    "questions": ["q-1"],
    "shuffle_questions": False,
    "shuffle_options": False,
    "pass_mark_percent": 80,
    "attempts_allowed": 2,
    "sequential": True,
    "opens_at": "2026-03-01T09:00:00+00:00",
    "closes_at": "2026-03-08T17:30:00+00:00",
    "is_published": False,
    "audience": "classes",
}


def with_settings(**changes) -> dict:
    data = minimal()
    data["format"] = 2
    data["quizzes"][0].update(SETTINGS | changes)
    return data


def test_the_shipped_mmn_bank_is_format_3_and_writes_back_byte_for_byte():
    text = MMN_BANK.read_text(encoding="utf-8")
    assert json.loads(text)["format"] == 3
    assert bankfile.dump(bankfile.parse(text)) == text


def test_a_format_1_file_without_sources_writes_back_byte_for_byte():
    text = mmn_without_sources()
    assert json.loads(text)["format"] == 1
    assert bankfile.dump(bankfile.parse(text)) == text


def test_every_quiz_setting_survives_the_database_and_back(db):
    text = json.dumps(with_settings(), indent=2, ensure_ascii=False) + "\n"
    import_bank(bankfile.parse(text))
    quiz = Quiz.objects.get(slug="p")
    settings = (
        quiz.selection,
        quiz.pass_mark_percent,
        quiz.attempts_allowed,
        quiz.sequential,
        quiz.is_published,
        quiz.audience,
    )
    assert settings == ("fixed", 80, 2, True, False, "classes")
    assert [q.key for q in quiz.questions.all()] == ["q-1"]
    again = bankfile.to_dict(export_bank(quiz.bank))
    assert again["format"] == 2
    assert again["quizzes"][0] == json.loads(text)["quizzes"][0]


def test_settings_at_their_defaults_keep_a_bank_at_format_1(db):
    data = minimal()
    import_bank(bankfile.parse(json.dumps(data)))
    exported = bankfile.to_dict(export_bank(Quiz.objects.get(slug="p").bank))
    assert exported["format"] == 1
    assert "selection" not in exported["quizzes"][0]


def test_a_file_that_names_no_audience_loads_quizzes_open_to_everyone(db):
    """Old files, the shipped MMN bank among them, keep their quizzes public; a new quiz built in the app is
    class-only (Quiz's default), so only the file's silence means everyone."""
    import_bank(bankfile.parse(json.dumps(minimal())))
    quiz = Quiz.objects.get(slug="p")
    assert quiz.audience == Quiz.Audience.EVERYONE
    quiz.audience = Quiz.Audience.CLASSES
    quiz.save()
    exported = bankfile.to_dict(export_bank(quiz.bank))
    assert exported["format"] == 2 and exported["quizzes"][0]["audience"] == "classes"


def test_settings_in_a_format_1_file_are_refused():
    data = with_settings()
    data["format"] = 1
    errors = errors_of(data)
    assert len(errors) == 1 and 'need "format": 2' in errors[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"selection": "all"}, '"selection" must be random or fixed'),
        ({"questions": ["nope"]}, '"questions" must list keys of questions in this file'),
        ({"shuffle_options": "yes"}, '"shuffle_options" must be true or false'),
        ({"sequential": 1}, '"sequential" must be true or false'),
        (
            {"pass_mark_percent": 101},
            '"pass_mark_percent" must be empty (null) or a whole number from 0 to 100',
        ),
        ({"attempts_allowed": -1}, '"attempts_allowed" must be a whole number from 0 (unlimited) to 1000'),
        ({"opens_at": "2026-03-01T09:00:00"}, '"opens_at" must be a date and time with a time zone'),
        ({"closes_at": "2026-02-01T09:00:00+00:00"}, '"closes_at" must come after "opens_at"'),
        # Year 10,000 in UTC, or year 0: Python cannot hold either, and every page showing the quiz broke.
        ({"closes_at": "9999-12-31T23:59:59-14:00"}, '"closes_at" must be a date between the years 1900'),
        ({"opens_at": "0001-01-01T00:00:00+14:00"}, '"opens_at" must be a date between the years 1900'),
        ({"closes_at": "3000-01-01T00:00:00+00:00"}, '"closes_at" must be a date between the years 1900'),
        ({"questions": [["q-1"]]}, '"questions" must list keys of questions in this file'),
        ({"description": 5}, '"description" must be a string'),
        ({"audience": "nobody"}, '"audience" must be everyone or classes'),
        ({"audience": ["classes"]}, '"audience" must be everyone or classes'),
    ],
)
def test_bad_settings_are_refused_with_the_quiz_line(change, message):
    errors = errors_of(with_settings(**change))
    assert len(errors) == 1
    assert errors[0].startswith("line ") and message in errors[0]
