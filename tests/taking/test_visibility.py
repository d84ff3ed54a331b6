"""Who may see, start and resume a quiz: open to everyone, to the members of its classes, or a draft."""

import pytest
from django.urls import reverse

from quizzes.authoring import editing
from quizzes.models import Attempt, Quiz
from quizzes.taking import attempts
from quizzes.teaching import classes
from tests.conftest import make_classroom, make_owned_bank, make_user
from tests.taking.test_taking_views import queries

pytestmark = pytest.mark.django_db

LIST = reverse("quizzes:quiz-list")


def class_quiz(bank, title: str = "IVIG safety check (Week 3)", **fields) -> Quiz:
    """A quiz as the builder makes it: for the classes it is assigned to unless told otherwise."""
    return editing.save_quiz(Quiz(bank=bank, title=title, **fields), topics=[], questions=[])


@pytest.fixture
def week3(educator) -> Quiz:
    return class_quiz(make_owned_bank(educator))


def start(client, quiz):
    return client.post(reverse("quizzes:attempt-start", args=[quiz.pk]))


def test_a_new_quiz_is_for_its_classes_and_the_shipped_ones_for_everyone(bank, week3):
    assert Quiz().audience == Quiz.Audience.CLASSES
    assert week3.audience == Quiz.Audience.CLASSES
    # make_bank loads a bank file that does not name an audience, as the shipped MMN bank does
    assert set(bank.quizzes.values_list("audience", flat=True)) == {Quiz.Audience.EVERYONE}


def test_a_class_only_quiz_is_listed_and_started_by_its_classes_members_only(
    client, learner, other_learner, educator, week3, practice_quiz
):
    make_classroom(educator, [learner], [week3])
    client.force_login(other_learner)
    page = client.get(LIST).content.decode()
    assert week3.title not in page and practice_quiz.title in page  # open to everyone: still listed
    assert start(client, week3).status_code == 404
    assert not Attempt.objects.filter(user=other_learner).exists()

    client.force_login(learner)
    assert week3.title in client.get(LIST).content.decode()
    response = start(client, week3)
    assert response.status_code == 302 and Attempt.objects.get(user=learner).quiz == week3


def test_a_class_only_quiz_nobody_assigned_is_seen_by_its_author_only(client, learner, educator, week3):
    client.force_login(learner)
    assert week3.title not in client.get(LIST).content.decode()
    client.force_login(educator)  # an educator trying their own quiz
    assert week3.title in client.get(LIST).content.decode()
    assert start(client, week3).status_code == 302


def test_a_draft_is_taken_by_nobody_even_in_its_class(client, learner, educator):
    draft = class_quiz(make_owned_bank(educator), title="Draft", is_published=False)
    make_classroom(educator, [learner], [draft])
    client.force_login(learner)
    assert "Draft" not in client.get(LIST).content.decode()
    assert start(client, draft).status_code == 404


def test_a_quiz_open_to_everyone_is_listed_for_learners_in_no_class(client, other_learner, educator):
    quiz = class_quiz(make_owned_bank(educator), title="Open to all", audience=Quiz.Audience.EVERYONE)
    client.force_login(other_learner)
    assert "Open to all" in client.get(LIST).content.decode()
    assert start(client, quiz).status_code == 302


def test_a_learner_who_leaves_keeps_results_and_history_but_cannot_go_on(client, learner, educator, week3):
    classroom = make_classroom(educator, [learner], [week3])
    done = attempts.start_attempt(learner, week3)
    attempts.finish_attempt(done)
    under_way = attempts.start_attempt(learner, week3)
    classes.remove_member(classroom, learner.pk)

    client.force_login(learner)
    for url in (
        reverse("quizzes:attempt-detail", args=[under_way.code]),
        reverse("quizzes:attempt-item", args=[under_way.code, 1]),
        reverse("quizzes:attempt-finish", args=[under_way.code]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("quizzes:attempt-answer", args=[under_way.code])).status_code == 404
    assert start(client, week3).status_code == 404
    assert client.get(reverse("quizzes:attempt-result", args=[done.code])).status_code == 200
    assert (
        done.get_absolute_url().removesuffix("/")
        in client.get(reverse("quizzes:attempt-list")).content.decode()
    )
    assert Attempt.objects.filter(user=learner).count() == 2  # nothing deleted


def test_the_home_page_suggests_only_quizzes_the_learner_may_take(client, learner, educator):
    bank = make_owned_bank(educator)
    alpha = class_quiz(bank, title="Alpha drill", mode=Quiz.Mode.PRACTICE)
    alpha.topics.set([bank.topics.get(slug="alpha")])
    client.force_login(learner)
    assert (
        reverse("quizzes:attempt-start", args=[alpha.pk])
        not in client.get(reverse("quizzes:mastery")).content.decode()
    )
    make_classroom(educator, [learner], [alpha])
    assert (
        reverse("quizzes:attempt-start", args=[alpha.pk])
        in client.get(reverse("quizzes:mastery")).content.decode()
    )


def test_the_quiz_list_makes_the_same_queries_whatever_the_classes_and_quizzes(client, learner, educator):
    client.force_login(learner)
    bank = make_owned_bank(educator)
    counts = []
    for round_ in range(2):
        # each round adds three classes the learner is in, three class-only quizzes assigned to each, and a
        # class the learner is not in
        for n in range(3):
            quizzes = [class_quiz(bank, title=f"Q{round_}-{n}-{k}") for k in range(3)]
            make_classroom(educator, [learner], quizzes, name=f"C{round_}-{n}")
        make_classroom(make_user(f"t{round_}", "Educator"), [], [], name="Elsewhere")
        # the quizzes the learner may take with their banks, the learner's open attempts
        counts.append(queries(client, "get", LIST))
    assert counts == [2, 2]
    page = client.get(LIST).content.decode()
    # each quiz once, however many classes it is assigned to
    assert page.count("<h2>Q1-2-") == 3 and page.count("<h2>Q0-0-0<") == 1


def test_the_builder_offers_the_audience_class_only_first_and_keeps_it_on_edit(client, educator):
    from tests.authoring.test_authoring_quizzes import quiz_post

    bank = make_owned_bank(educator)
    client.force_login(educator)
    page = client.get(reverse("quizzes:quiz-create", args=[bank.slug])).content.decode()
    assert "Who can take it" in page and 'value="classes" id="id_audience_1" checked' in page.replace(
        'name="audience" ', ""
    )
    client.post(reverse("quizzes:quiz-create", args=[bank.slug]), quiz_post(title="Mine"))
    assert bank.quizzes.get(title="Mine").audience == Quiz.Audience.CLASSES
    client.post(reverse("quizzes:quiz-create", args=[bank.slug]), quiz_post(title="All", audience="everyone"))
    everyone = bank.quizzes.get(title="All")
    assert everyone.audience == Quiz.Audience.EVERYONE
    client.post(reverse("quizzes:quiz-edit", args=[everyone.pk]), quiz_post(title="All"))  # sent without it
    everyone.refresh_from_db()
    assert everyone.audience == Quiz.Audience.EVERYONE
    response = client.post(reverse("quizzes:quiz-create", args=[bank.slug]), quiz_post(audience="nobody"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_migration_keeps_existing_quizzes_public_unless_assigned_to_a_class(bank, educator):
    import importlib

    from django.apps import apps

    scope = importlib.import_module("quizzes.migrations.0012_course").scope_assigned_quizzes
    practice, exam = bank.quizzes.get(slug="practice"), bank.quizzes.get(slug="exam")
    make_classroom(educator, [], [exam])
    Quiz.objects.update(audience=Quiz.Audience.CLASSES)  # as the new column's default left them
    scope(apps, None)
    practice.refresh_from_db()
    exam.refresh_from_db()
    assert (practice.audience, exam.audience) == (Quiz.Audience.EVERYONE, Quiz.Audience.CLASSES)
