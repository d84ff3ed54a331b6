"""What can be stored: no control characters in any text a form takes, no date a page cannot show.

A control character once broke the site's backups (XML cannot hold it) and a year-9999 close time took
the quiz list down; these tests walk every form and the screens where such values came in.
"""

import importlib
import inspect
import pkgutil
from datetime import datetime

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.db import DataError, connection
from django.urls import reverse

import quizzes
from quizzes.models import Classroom, Question, QuestionVersion, Quiz, Topic
from quizzes.validators import (
    PlainTextField,
    control_character_problem,
    moment_problem,
    validate_plain_text,
)
from tests.authoring.test_authoring_quizzes import quiz_post
from tests.authoring.test_authoring_views import GOOD_ROWS, sata_post
from tests.conftest import make_classroom

pytestmark = pytest.mark.django_db

CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_control_characters_are_named_with_their_position(character):
    problem = control_character_problem(f"Ctl{character}class")
    assert problem is not None
    assert f"U+{ord(character):04X}" in problem and "character 4" in problem


@pytest.mark.parametrize("text", ["plain", "tab\there", "lines\nand\r\nCR LF", "émoji 🧠 and ü", ""])
def test_ordinary_text_passes(text):
    assert control_character_problem(text) is None


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2026-03-01T09:00:00+00:00", True),
        ("1900-01-01T00:00:00+00:00", True),
        ("2999-12-31T09:59:00-14:00", True),
        ("2999-12-31T23:59:59-14:00", False),  # year 3000 in UTC
        ("9999-12-31T23:59:59-14:00", False),  # year 10,000 in UTC: Python cannot hold it
        ("0001-01-01T00:00:00+14:00", False),  # year 0 in UTC
        ("1899-12-31T23:59:59+00:00", False),
    ],
)
def test_dates_are_kept_between_1900_and_2999(value, ok):
    assert (moment_problem(datetime.fromisoformat(value)) is None) is ok


def _form_classes():
    """Every form class defined in the quizzes package (bar migrations and management commands)."""
    found = set()
    for module_info in pkgutil.walk_packages(quizzes.__path__, "quizzes."):
        if ".migrations" in module_info.name or ".management" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("quizzes."):
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _model_validators(cls, name: str) -> list:
    """A ModelForm's field is validated by its model field too (in the form's full_clean of the instance)."""
    model = getattr(getattr(cls, "_meta", None), "model", None)
    if model is None or name not in {f.name for f in model._meta.get_fields()}:
        return []
    return getattr(model._meta.get_field(name), "validators", [])


# Fields whose own validators already refuse anything but a few visible characters, or which are never
# stored as text (passwords are hashed).
EXEMPT = {
    (UserCreationForm, "password1"),
    (UserCreationForm, "password2"),
    (UserCreationForm, "username"),
    (AuthenticationForm, "password"),
}


def test_every_text_field_of_every_form_refuses_control_characters():
    unchecked = []
    classes = _form_classes()
    assert len(classes) > 20  # the walk found the app's forms
    for cls in classes:
        # The log-in form adds its checks to the username field Django builds for each instance.
        fields = cls().fields if issubclass(cls, AuthenticationForm) else cls.base_fields
        for name, field in fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field, forms.ChoiceField):
                continue
            if any(issubclass(cls, base) and name == field_name for base, field_name in EXEMPT):
                continue
            if validate_plain_text not in [*field.validators, *_model_validators(cls, name)]:
                unchecked.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert not unchecked, f"use PlainTextField or a model field with validate_plain_text for: {unchecked}"


def test_plain_text_field_gives_a_form_error():
    field = PlainTextField()
    with pytest.raises(forms.ValidationError, match="U\\+0001"):
        field.clean("Ctl\x01class")


# -- the screens where the penetration test got control characters in ------------------------------------


def test_a_class_name_with_a_control_character_is_a_form_error(educator_client):
    response = educator_client.post(reverse("quizzes:class-create"), {"name": "Ctl\x01class"})
    assert response.status_code == 200
    assert "U+0001" in response.content.decode()
    assert not Classroom.objects.exists()


def test_a_topic_title_with_a_vertical_tab_is_a_form_error(educator_client, educator_bank):
    before = list(Topic.objects.values_list("title", flat=True))
    response = educator_client.post(
        reverse("quizzes:topic-create", args=[educator_bank.slug]), {"title": "Topic\x0bvt"}
    )
    assert response.status_code == 200 and "U+000B" in response.content.decode()
    topic = educator_bank.topics.first()
    response = educator_client.post(reverse("quizzes:topic-edit", args=[topic.pk]), {"title": "Topic\x0bvt"})
    assert response.status_code == 200 and "U+000B" in response.content.decode()
    assert list(Topic.objects.values_list("title", flat=True)) == before


@pytest.mark.parametrize("row", [0, 1, 2])
def test_a_question_with_a_control_character_in_any_text_is_refused(educator_client, educator_bank, row):
    rows = [
        ("Weakness in the hands", True, "Yes."),
        ("Muscle cramps", True, "Yes."),
        ("Numbness", False, "No."),
    ]
    text, correct, rationale = rows[row]
    rows[row] = (text + "\x07", correct, rationale) if row != 2 else (text, correct, "No\x1b.")
    data = sata_post(*rows, topic=educator_bank.topics.first())
    count = Question.objects.count()
    response = educator_client.post(
        reverse("quizzes:question-create", args=[educator_bank.slug, "multiple"]), data
    )
    assert response.status_code == 200
    assert ("U+0007" if row != 2 else "U+001B") in response.content.decode()
    assert Question.objects.count() == count


def test_a_question_stem_with_a_control_character_is_refused(educator_client, educator_bank):
    data = sata_post(*GOOD_ROWS, stem="Which\x02 are signs?", topic=educator_bank.topics.first())
    response = educator_client.post(
        reverse("quizzes:question-create", args=[educator_bank.slug, "multiple"]), data
    )
    assert response.status_code == 200 and "U+0002" in response.content.decode()
    assert not QuestionVersion.objects.filter(stem__startswith="Which").exists()


def test_a_quiz_title_with_a_control_character_is_a_form_error(educator_client, educator_bank):
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]), quiz_post(title="Week\x001")
    )
    assert response.status_code == 200
    assert not educator_bank.quizzes.filter(title__startswith="Week").exists()


# -- dates no page can show -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_the_quiz_builder_refuses_a_date_past_2999(educator_client, educator_bank, field):
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]), quiz_post(**{field: "9999-12-31T23:59"})
    )
    assert response.status_code == 200
    assert "between the years 1900 and 2999" in response.content.decode()
    assert not educator_bank.quizzes.filter(title="Week 1 check").exists()


def test_an_assignment_due_date_past_2999_is_a_form_error(educator_client, educator, educator_bank):
    classroom = make_classroom(educator)
    quiz = educator_bank.quizzes.first()
    response = educator_client.post(
        reverse("quizzes:assignment-create", args=[classroom.pk]),
        {"quiz": quiz.pk, "due_at": "9999-12-31T23:59"},
    )
    assert response.status_code == 200
    assert "between the years 1900 and 2999" in response.content.decode()
    assert not classroom.assignments.exists()


def test_a_stored_far_future_close_time_is_refused_by_the_model(educator_bank):
    quiz = Quiz(
        bank=educator_bank,
        slug="far",
        title="Far",
        closes_at=datetime.fromisoformat("2999-12-31T23:59:59-14:00"),
    )
    with pytest.raises(Exception, match="1900 and 2999"):
        quiz.full_clean()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL stores a year Python cannot read"
)
def test_the_migration_clears_a_close_time_python_cannot_read(learner_client, bank):
    from django.apps import apps

    clear = importlib.import_module("quizzes.migrations.0009_clean_unstorable_data").clear_out_of_range_times
    quiz = bank.quizzes.get(slug="practice")
    with connection.cursor() as cursor:  # what an import stored before it was refused
        cursor.execute(
            "UPDATE quizzes_quiz SET closes_at = '9999-12-31T23:59:59-14:00' WHERE id = %s", [quiz.pk]
        )
    with pytest.raises(DataError, match="after year 10K"):
        list(Quiz.objects.filter(pk=quiz.pk))
    clear(apps, None)
    assert Quiz.objects.get(pk=quiz.pk).closes_at is None
    assert learner_client.get(reverse("quizzes:quiz-list")).status_code == 200
