"""The answer view's one locked read (attempts.answer_in_one_read, taking.locked_read) keeps every rule of
the usual way (get_attempt_for, record_answer): these post real answers, with a slot and a valid form, so
they go down that path, and check that nothing is stored where the usual way would refuse."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quizzes.live import sessions
from quizzes.models import Attempt, Quiz, Response
from quizzes.taking import attempts, timing
from quizzes.teaching import classes
from tests.conftest import make_classroom
from tests.taking.test_taking_views import HTMX, answer_url, key_ids, queries, wrong_ids
from tests.taking.test_visibility import week3  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def post(client, attempt, number, option_ids, **extra):
    return client.post(answer_url(attempt), {"slot": number, "option": option_ids, **extra}, **HTMX)


def stored(attempt) -> int:
    return Response.objects.filter(slot__attempt=attempt).count()


def test_another_learners_attempt_is_a_404_and_nothing_is_stored(client, other_learner, exam):
    client.force_login(other_learner)
    assert post(client, exam, 1, key_ids(exam, 1)).status_code == 404
    assert stored(exam) == 0


def test_a_class_only_quiz_is_answered_by_members_in_three_queries_and_not_after_leaving(
    client,
    learner,
    educator,
    week3,  # noqa: F811 - the fixture
):
    classroom = make_classroom(educator, [learner], [week3])
    attempt = attempts.start_attempt(learner, week3)
    client.force_login(learner)
    # the locked read, the quiz's classes (it is not open to everyone), the insert, the cited passages
    assert (
        queries(client, "post", answer_url(attempt), {"slot": 1, "option": key_ids(attempt, 1)}, **HTMX) == 4
    )
    classes.remove_member(classroom, learner.pk)
    assert post(client, attempt, 2, key_ids(attempt, 2)).status_code == 404
    assert stored(attempt) == 1


def test_a_live_sessions_attempt_under_way_is_answered_only_through_its_session(
    learner_client, learner, educator
):
    from tests.conftest import make_owned_bank

    quiz = make_owned_bank(educator).quizzes.get(slug="practice")
    live = sessions.start_session(educator, quiz, classroom=make_classroom(educator, [learner]), seed=7)
    attempt = sessions.join(live, learner).attempt
    assert post(learner_client, attempt, 1, key_ids(attempt, 1)).status_code == 404
    assert stored(attempt) == 0


def test_a_finished_attempt_sends_to_its_results_and_stores_nothing(learner_client, exam):
    attempts.finish_attempt(exam)
    response = post(learner_client, exam, 1, key_ids(exam, 1))
    assert response.status_code == 200 and response["HX-Redirect"].endswith(f"/attempts/{exam.code}/results/")
    assert stored(exam) == 0


def test_an_attempt_past_its_deadline_and_grace_is_closed_and_the_answer_refused(learner_client, exam):
    Attempt.objects.filter(pk=exam.pk).update(
        deadline=timezone.now() - attempts.DEADLINE_GRACE - timedelta(1)
    )
    response = post(learner_client, exam, 1, key_ids(exam, 1))
    assert response.status_code == 200 and "results" in response["HX-Redirect"]
    assert stored(exam) == 0
    assert Attempt.objects.get(pk=exam.pk).is_finished


def test_an_answer_sent_after_the_deadline_within_the_grace_is_refused_and_the_attempt_kept_open(
    learner_client, exam
):
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = post(learner_client, exam, 1, key_ids(exam, 1))
    assert response.status_code == 200 and "results" in response["HX-Redirect"]
    assert stored(exam) == 0
    assert not Attempt.objects.get(pk=exam.pk).is_finished  # answers sent in time may still be in flight


def test_a_sequential_attempt_refuses_an_item_not_reached(learner_client, learner, exam_quiz):
    Quiz.objects.filter(pk=exam_quiz.pk).update(sequential=True)
    attempt = attempts.start_attempt(learner, Quiz.objects.get(pk=exam_quiz.pk))
    assert post(learner_client, attempt, 3, key_ids(attempt, 3)).status_code == 400
    assert stored(attempt) == 0
    # the locked read, the answers so far (the sequence), the insert
    assert (
        queries(
            learner_client, "post", answer_url(attempt), {"slot": 1, "option": key_ids(attempt, 1)}, **HTMX
        )
        == 3
    )


def test_time_on_the_item_and_confidence_are_stored_with_the_answer(learner_client, exam):
    shown = timing.shown_stamp(exam.pk, 1, timezone.now() - timedelta(seconds=42))
    assert (
        post(learner_client, exam, 1, key_ids(exam, 1), shown=shown, confidence="unsure").status_code == 200
    )
    response = Response.objects.get(slot__attempt=exam, slot__number=1)
    assert response.confidence == "unsure" and 41 <= response.seconds_spent <= 44


def test_a_changed_exam_answer_keeps_the_one_it_replaces(learner_client, exam):
    post(learner_client, exam, 1, key_ids(exam, 1))
    post(learner_client, exam, 1, wrong_ids(exam, 1))
    response = Response.objects.get(slot__attempt=exam, slot__number=1)
    assert response.answer == wrong_ids(exam, 1) and response.changed_at is not None
    assert [c.answer for c in response.slot.changes.all()] == [sorted(key_ids(exam, 1))]


def test_a_code_that_is_no_attempt_is_a_404(learner_client, exam):
    other = Attempt(code="00000000-0000-0000-0000-000000000000")
    assert post(learner_client, other, 1, key_ids(exam, 1)).status_code == 404


# -- marks (flag, strike, restore) take the same locked read: attempts.mark_in_one_read ---------------------


def mark(client, attempt, number, **fields):
    return client.post(answer_url(attempt), {"slot": number, **fields}, **HTMX)


def marks(attempt, number) -> tuple[bool, list]:
    slot = attempt.slots.get(number=number)
    return slot.flagged, slot.struck


def test_a_flag_and_a_strike_are_stored_and_the_item_comes_back_with_the_control_focused(
    learner_client, exam
):
    option = key_ids(exam, 1)[0]
    flagged = mark(learner_client, exam, 1, flag="on")
    assert flagged.status_code == 200 and "Question 1 of" in flagged.text
    assert re.search(r'name="flag" value="off" aria-pressed="true" autofocus', flagged.text)
    struck = mark(learner_client, exam, 1, strike=option)
    assert struck.status_code == 200
    assert re.search(rf'name="restore" value="{option}"[^>]*autofocus', struck.text)
    assert marks(exam, 1) == (True, [option])
    assert mark(learner_client, exam, 1, restore=option).status_code == 200
    assert mark(learner_client, exam, 1, flag="off").status_code == 200
    assert marks(exam, 1) == (False, [])
    assert stored(exam) == 0  # a mark answers nothing


def test_marks_are_refused_where_the_usual_way_refuses_them_and_nothing_changes(
    learner_client, other_learner, exam
):
    # not an option of this item; a flag neither on nor off; no such item
    assert mark(learner_client, exam, 1, strike="no-such-option").status_code == 400
    assert mark(learner_client, exam, 1, flag="maybe").status_code == 400
    assert mark(learner_client, exam, 99, flag="on").status_code == 400
    # another learner's attempt
    other = Client()
    other.force_login(other_learner)
    assert mark(other, exam, 1, flag="on").status_code == 404
    assert marks(exam, 1) == (False, [])
    # an item a sequential attempt has not reached
    Attempt.objects.filter(pk=exam.pk).update(sequential=True)
    assert mark(learner_client, exam, 3, flag="on").status_code == 400
    assert marks(exam, 3) == (False, [])
    Attempt.objects.filter(pk=exam.pk).update(sequential=False)
    # a finished attempt sends to its results
    attempts.finish_attempt(exam)
    finished = mark(learner_client, exam, 1, flag="on")
    assert finished.status_code == 200 and "results" in finished["HX-Redirect"]
    assert marks(exam, 1) == (False, [])


def test_a_mark_after_the_deadline_changes_nothing(learner_client, exam):
    Attempt.objects.filter(pk=exam.pk).update(
        deadline=timezone.now() - attempts.DEADLINE_GRACE - timedelta(1)
    )
    response = mark(learner_client, exam, 1, flag="on")
    assert response.status_code == 200 and "results" in response["HX-Redirect"]
    assert marks(exam, 1) == (False, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_locked_read_is_prepared_once_and_then_only_run(learner_client, exam):
    """Planning the locked read took five times as long as running it (make bench): after a few answers
    on a connection it is a prepared statement, planned no more."""
    for sent in range(6):  # the exam's items in turn, then the first again
        number = sent % exam.slot_count + 1
        assert post(learner_client, exam, number, wrong_ids(exam, number)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FOR UPDATE OF" in statement for statement in prepared), prepared
    assert stored(exam) == exam.slot_count  # the same answer sent again stores nothing new
