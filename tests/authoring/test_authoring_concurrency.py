"""Authoring and its rules under simultaneous requests, on PostgreSQL (SQLite serialises writers itself)."""

import pytest
from django.db import connection
from django.urls import reverse

from quizzes.authoring import editing
from quizzes.models import Attempt, Quiz
from tests.authoring.test_authoring_views import edit_post
from tests.taking.test_concurrency import THREADS, fire, logged_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]


@pytest.fixture(autouse=True)
def _groups():
    # Transactional tests flush every table after each test, the groups from the data migration too.
    from django.contrib.auth.models import Group

    for name in ("Learner", "Educator"):
        Group.objects.get_or_create(name=name)


def test_simultaneous_edits_from_one_version_save_exactly_one(educator, educator_bank):
    question = educator_bank.questions.select_related("current_version", "topic").get(
        key="q-004"
    )  # a select-all-that-apply item
    clients = [logged_in(educator) for _ in range(THREADS)]
    url = reverse("quizzes:question-edit", args=[question.pk])
    codes = fire(
        THREADS, lambda i: clients[i].post(url, edit_post(question, stem=f"Wording {i}?")).status_code
    )
    # One edit is saved as version 2; every other author is told, with their text kept, and nothing fails.
    assert sorted(codes) == [200] * (THREADS - 1) + [302]
    assert list(question.versions.values_list("number", flat=True)) == [1, 2]


def test_a_learner_starting_from_many_tabs_gets_one_attempt(learner, educator_bank):
    quiz = editing.save_quiz(
        Quiz(
            bank=educator_bank,
            title="Once",
            attempts_allowed=1,
            question_count=3,
            audience=Quiz.Audience.EVERYONE,
        ),
        topics=[],
        questions=[],
    )
    clients = [logged_in(learner) for _ in range(THREADS)]
    url = reverse("quizzes:attempt-start", args=[quiz.pk])
    codes = fire(THREADS, lambda i: clients[i].post(url).status_code)
    assert codes == [302] * THREADS
    assert Attempt.objects.filter(quiz=quiz).count() == 1
