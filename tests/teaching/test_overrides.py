"""Accommodations per learner on an assignment: extra time, extra attempts, a close time of their own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Override
from quizzes.taking import attempts
from quizzes.teaching import classes, overrides
from quizzes.teaching.overrides import Accommodation
from tests.conftest import make_classroom, make_user

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"quizzes:{name}", args=args)


@pytest.fixture
def course(educator, learner, other_learner, exam_quiz):
    """The exam (30 minutes) assigned to a class of both learners."""
    exam_quiz.attempts_allowed = 1
    exam_quiz.save()
    classroom = make_classroom(educator, [learner, other_learner], [exam_quiz])
    return classroom.assignments.get()


# -- the rules --------------------------------------------------------------------------------------------


def test_extra_time_is_a_share_of_the_limit_and_minutes_on_top():
    limit = timedelta(minutes=30)
    assert Accommodation(extra_time_percent=50).time_limit(limit) == timedelta(minutes=45)
    assert Accommodation(extra_minutes=10).time_limit(limit) == timedelta(minutes=40)
    assert Accommodation(25, 5).time_limit(limit) == timedelta(minutes=42, seconds=30)
    assert Accommodation(50).time_limit(None) is None  # no limit, nothing to lengthen
    assert not Accommodation() and Accommodation(extra_attempts=1)


def test_the_deadline_of_an_accommodated_learner_is_longer(course, learner, other_learner, exam_quiz):
    overrides.set_override(course, learner, extra_time_percent=50)
    now = timezone.now()
    mine = attempts.start_attempt(learner, exam_quiz, now=now)
    theirs = attempts.start_attempt(other_learner, exam_quiz, now=now)
    assert mine.deadline == now + timedelta(minutes=45) and mine.time_limit == timedelta(minutes=45)
    assert theirs.deadline == now + timedelta(minutes=30)
    assert not attempts.deadline_is_the_close(mine)


def test_a_quiz_that_closes_first_still_ends_at_the_close(course, learner, exam_quiz):
    now = timezone.now()
    exam_quiz.closes_at = now + timedelta(minutes=40)
    exam_quiz.save()
    overrides.set_override(course, learner, extra_time_percent=50)
    attempt = attempts.start_attempt(learner, exam_quiz, now=now)
    assert attempt.deadline == exam_quiz.closes_at and attempts.deadline_is_the_close(attempt)


def test_a_close_time_of_their_own_lets_a_learner_start_after_the_quiz_closed(course, learner, exam_quiz):
    now = timezone.now()
    exam_quiz.closes_at = now - timedelta(hours=1)
    exam_quiz.save()
    with pytest.raises(attempts.QuizClosed):
        attempts.start_attempt(learner, exam_quiz, now=now)
    overrides.set_override(course, learner, closes_at=now + timedelta(days=1))
    attempt = attempts.start_attempt(learner, exam_quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=30)


def test_a_close_time_of_their_own_keeps_the_quiz_on_their_class_page(client, course, learner, exam_quiz):
    now = timezone.now()
    exam_quiz.closes_at = now - timedelta(hours=1)
    exam_quiz.save()
    client.force_login(learner)
    start = url("quiz-start", exam_quiz.pk)
    assert start not in client.get(url("membership-list")).content.decode()
    overrides.set_override(course, learner, closes_at=now + timedelta(days=1))
    assert start in client.get(url("membership-list")).content.decode()
    assert "If you start now, it ends at" in client.get(start).content.decode()


def test_extra_attempts_add_to_the_quizs_allowance(course, learner, exam_quiz):
    attempts.finish_attempt(attempts.start_attempt(learner, exam_quiz))
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_attempt(learner, exam_quiz)
    overrides.set_override(course, learner, extra_attempts=1)
    assert attempts.start_rules(learner, exam_quiz).attempts_left == 1
    attempts.finish_attempt(attempts.start_attempt(learner, exam_quiz))
    with pytest.raises(attempts.NoAttemptsLeft, match="the 2 attempts allowed"):
        attempts.start_attempt(learner, exam_quiz)


def test_accommodations_end_when_the_learner_leaves_the_class(course, learner, exam_quiz):
    overrides.set_override(course, learner, extra_time_percent=50)
    classes.remove_member(course.classroom, learner.pk)
    assert overrides.accommodation_for(learner, exam_quiz) == overrides.NONE


def test_the_most_generous_of_two_classes_counts(course, educator, learner, exam_quiz):
    other = make_classroom(educator, [learner], [exam_quiz], name="Cohort B").assignments.get()
    overrides.set_override(course, learner, extra_time_percent=25, extra_attempts=2)
    overrides.set_override(other, learner, extra_time_percent=50)
    assert overrides.accommodation_for(learner, exam_quiz) == Accommodation(50, 0, 2, None)


def test_an_attempt_under_way_keeps_its_deadline(course, learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    deadline = attempt.deadline
    overrides.set_override(course, learner, extra_time_percent=100)
    assert attempts.start_attempt(learner, exam_quiz).deadline == deadline  # resumed, unchanged


def test_setting_nothing_removes_the_override(course, learner):
    overrides.set_override(course, learner, extra_minutes=5)
    assert overrides.set_override(course, learner) is None
    assert not Override.objects.exists()


# -- the educator's page ----------------------------------------------------------------------------------


def test_an_educator_gives_one_learner_half_again_as_long(client, educator, learner, course, exam_quiz):
    client.force_login(educator)
    page = client.get(url("class-detail", course.classroom.pk)).content.decode()
    assert url("assignment-overrides", course.pk) in page
    response = client.post(
        url("assignment-overrides", course.pk), {"learner": learner.pk, "extra_time_percent": "50"}
    )
    assert response.status_code == 302
    assert Override.objects.get().extra_time_percent == 50
    page = client.get(url("assignment-overrides", course.pk)).content.decode()
    assert "ada" in page and "50 %" in page and "Remove" in page

    learner_client = Client()
    learner_client.force_login(learner)
    start = learner_client.get(url("quiz-start", exam_quiz.pk)).content.decode()
    assert "45 min 00 s, counted from when you press start" in start
    assert "50 % extra time, set by your educator" in start


def test_the_gradebook_marks_accommodations(client, educator, learner, course):
    overrides.set_override(course, learner, extra_time_percent=50, extra_attempts=1)
    client.force_login(educator)
    page = client.get(url("class-gradebook", course.classroom.pk)).content.decode()
    assert "Accommodations: 50 % extra time, 1 extra attempt" in page
    assert page.count("Accommodations:") == 1  # only the learner given them


def test_removing_and_clearing(client, educator, learner, course):
    overrides.set_override(course, learner, extra_minutes=5)
    client.force_login(educator)
    client.post(url("assignment-overrides", course.pk), {"remove": str(learner.pk)})
    assert not Override.objects.exists()
    response = client.post(url("assignment-overrides", course.pk), {"learner": learner.pk}, follow=True)
    assert "cleared (none were given)" in response.content.decode() and not Override.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"learner": "999999", "extra_time_percent": "50"},  # not in the class
        {"learner": "x"},
        {"learner": "", "extra_minutes": "5"},
        {"extra_time_percent": "-5"},
        {"extra_time_percent": "401"},
        {"extra_minutes": "601"},
        {"extra_attempts": "1.5"},
        {"closes_at": "not a date"},
        {"closes_at": "9999-12-31T23:59"},
    ],
)
def test_bad_accommodations_are_form_errors(client, educator, learner, course, data):
    client.force_login(educator)
    data = {"learner": str(learner.pk), **data}
    response = client.post(url("assignment-overrides", course.pk), data)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Override.objects.exists()


def test_a_learner_outside_the_class_cannot_be_given_accommodations(client, educator, course):
    outsider = make_user("outsider")
    client.force_login(educator)
    client.post(url("assignment-overrides", course.pk), {"learner": outsider.pk, "extra_minutes": "5"})
    client.post(url("assignment-overrides", course.pk), {"remove": str(outsider.pk)})
    assert not Override.objects.exists()


def test_only_the_classes_educator_reaches_the_page(client, learner, course):
    client.force_login(make_user("other-teacher", "Educator"))
    assert client.get(url("assignment-overrides", course.pk)).status_code == 404
    client.force_login(learner)
    assert client.get(url("assignment-overrides", course.pk)).status_code == 403
