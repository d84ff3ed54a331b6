"""Accommodations per class group: a named group of a class's learners given extra time, attempts or a
close time on an assignment at once; with a learner's own, the most generous of each kind counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import ClassGroup, Override
from quizzes.taking import attempts
from quizzes.teaching import classes, overrides
from quizzes.teaching.overrides import Accommodation
from tests.conftest import make_classroom, make_user

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"quizzes:{name}", args=args)


@pytest.fixture
def third(db):
    return make_user("hedy")


@pytest.fixture
def course(educator, learner, other_learner, third, exam_quiz):
    """The exam (30 minutes, one attempt) assigned to a class of three learners."""
    exam_quiz.attempts_allowed = 1
    exam_quiz.save()
    classroom = make_classroom(educator, [learner, other_learner, third], [exam_quiz])
    return classroom.assignments.get()


@pytest.fixture
def half_again(course, learner, other_learner):
    """The group “Extra time 50 %” of two of the class's learners, given 50 % on the exam."""
    group = overrides.save_group(course.classroom, "Extra time 50 %", [learner.pk, other_learner.pk])
    overrides.set_group_override(course, group, extra_time_percent=50)
    return group


# -- the rules --------------------------------------------------------------------------------------------


def test_every_learner_of_the_group_gets_the_longer_deadline(
    half_again, learner, other_learner, third, exam_quiz
):
    now = timezone.now()
    for user in (learner, other_learner):
        attempt = attempts.start_attempt(user, exam_quiz, now=now)
        assert attempt.deadline == now + timedelta(minutes=45) and attempt.time_limit == timedelta(minutes=45)
    assert attempts.start_attempt(third, exam_quiz, now=now).deadline == now + timedelta(minutes=30)


def test_own_and_group_overrides_give_the_most_generous_of_each_kind(course, half_again, learner, exam_quiz):
    now = timezone.now()
    overrides.set_override(course, learner, extra_time_percent=25, extra_attempts=2, closes_at=now)
    late = overrides.save_group(course.classroom, "Late close", [learner.pk])
    overrides.set_group_override(course, late, extra_minutes=5, closes_at=now + timedelta(days=2))
    assert overrides.accommodation_for(learner, exam_quiz) == Accommodation(50, 5, 2, now + timedelta(days=2))
    applied = overrides.in_class(course.classroom)[(learner.pk, course.pk)]
    assert applied.own and applied.groups == ("Extra time 50 %", "Late close") and applied.combined
    assert applied.accommodation == Accommodation(50, 5, 2, now + timedelta(days=2))


def test_a_groups_extra_attempts_count_in_the_attempts_left(course, learner, third, exam_quiz):
    group = overrides.save_group(course.classroom, "Resit", [learner.pk])
    attempts.finish_attempt(attempts.start_attempt(learner, exam_quiz))
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_attempt(learner, exam_quiz)
    overrides.set_group_override(course, group, extra_attempts=1)
    assert attempts.start_rules(learner, exam_quiz).attempts_left == 1
    attempts.finish_attempt(attempts.start_attempt(third, exam_quiz))
    assert attempts.start_rules(third, exam_quiz).attempts_left == 0  # not in the group


def test_a_groups_close_time_keeps_the_quiz_open_for_its_learners(course, learner, third, exam_quiz):
    now = timezone.now()
    exam_quiz.closes_at = now - timedelta(hours=1)
    exam_quiz.save()
    group = overrides.save_group(course.classroom, "Late", [learner.pk])
    overrides.set_group_override(course, group, closes_at=now + timedelta(days=1))
    assert attempts.start_attempt(learner, exam_quiz, now=now).deadline == now + timedelta(minutes=30)
    with pytest.raises(attempts.QuizClosed):
        attempts.start_attempt(third, exam_quiz, now=now)
    client = Client()
    client.force_login(learner)
    assert url("quiz-start", exam_quiz.pk) in client.get(url("membership-list")).content.decode()


def test_a_group_counts_its_learners_only_while_they_are_in_the_class(half_again, course, learner, exam_quiz):
    classes.remove_member(course.classroom, learner.pk)
    assert overrides.accommodation_for(learner, exam_quiz) == overrides.NONE
    assert (learner.pk, course.pk) not in overrides.in_class(course.classroom)


def test_a_group_takes_only_the_classes_learners_and_one_name_once(course, learner):
    outsider = make_user("outsider")
    group = overrides.save_group(course.classroom, "Extra", [learner.pk, outsider.pk])
    assert list(group.members.all()) == [learner]
    with pytest.raises(overrides.GroupNameTaken):
        overrides.save_group(course.classroom, "Extra", [])
    other_class = make_classroom(course.classroom.owner, [learner], name="Cohort B")
    assert overrides.save_group(other_class, "Extra", [learner.pk]).pk != group.pk  # another class's
    with pytest.raises(ValueError):
        overrides.set_group_override(other_class.assignments.create(quiz=course.quiz), group, extra_minutes=5)


def test_setting_nothing_removes_the_groups_override(half_again, course):
    assert overrides.set_group_override(course, half_again) is None
    assert not Override.objects.exists() and ClassGroup.objects.exists()


# -- the educator's pages ---------------------------------------------------------------------------------


def test_an_educator_makes_a_group_and_gives_it_half_again_as_long(
    client, educator, course, learner, other_learner, third, exam_quiz
):
    client.force_login(educator)
    assert (
        url("class-groups", course.classroom.pk)
        in client.get(url("class-detail", course.classroom.pk)).content.decode()
    )
    response = client.post(
        url("class-groups", course.classroom.pk),
        {"name": "Extra time 50 %", "members": [learner.pk, other_learner.pk]},
    )
    assert response.status_code == 302
    group = ClassGroup.objects.get()
    assert set(group.members.all()) == {learner, other_learner}
    response = client.post(
        url("assignment-overrides", course.pk), {"group-group": group.pk, "group-extra_time_percent": "50"}
    )
    assert response.status_code == 302
    assert Override.objects.get().group == group

    for user, minutes in ((learner, "45 min 00 s"), (other_learner, "45 min 00 s"), (third, "30 min 00 s")):
        page = Client()
        page.force_login(user)
        start = page.get(url("quiz-start", exam_quiz.pk)).content.decode()
        assert f"{minutes}, counted from when you press start" in start
        assert ("50 % extra time, set by your educator" in start) == (user != third)


def test_the_overrides_page_lists_group_overrides_and_says_who_gets_the_most_generous(
    client, educator, course, half_again, learner
):
    overrides.set_override(course, learner, extra_minutes=10)
    client.force_login(educator)
    page = client.get(url("assignment-overrides", course.pk)).content.decode()
    assert "Extra time 50 %" in page and "ada, grace" in page
    assert "Learners with more than one" in page
    said = "50 % extra time, 10 extra minutes (from their own and the group Extra time 50 %)"
    assert f"<strong>ada</strong>: {said}" in page
    assert "<strong>grace</strong>" not in page  # the group's only


def test_the_gradebook_marks_group_accommodations(client, educator, course, half_again, learner):
    client.force_login(educator)
    page = client.get(url("class-gradebook", course.classroom.pk)).content.decode()
    assert page.count("Accommodations: 50 % extra time (group Extra time 50 %)") == 2
    overrides.set_override(course, learner, extra_attempts=1)
    page = client.get(url("class-gradebook", course.classroom.pk)).content.decode()
    said = "50 % extra time, 1 extra attempt (own, group Extra time 50 %: the most generous of each)"
    assert f"Accommodations: {said}" in page


def test_removing_a_groups_accommodations_and_deleting_a_group(client, educator, course, half_again):
    client.force_login(educator)
    client.post(url("assignment-overrides", course.pk), {"remove_group": str(half_again.pk)})
    assert not Override.objects.exists()
    overrides.set_group_override(course, half_again, extra_minutes=5)
    response = client.post(url("group-delete", half_again.pk))
    assert response.status_code == 302 and not ClassGroup.objects.exists() and not Override.objects.exists()


def test_editing_a_group_renames_it_and_changes_its_learners(client, educator, course, half_again, third):
    client.force_login(educator)
    page = client.get(url("group-edit", half_again.pk)).content.decode()
    assert "<legend>Learners in the group" in page and "checked" in page
    response = client.post(url("group-edit", half_again.pk), {"name": "Extra time", "members": [third.pk]})
    assert response.status_code == 302
    half_again.refresh_from_db()
    assert half_again.name == "Extra time" and list(half_again.members.all()) == [third]


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "Extra", "members": ["x"]},
        {"name": "Extra", "members": ["999999"]},  # not in the class
        {"name": "Extra time 50 %"},  # taken
    ],
)
def test_bad_groups_are_form_errors(client, educator, course, half_again, data):
    client.force_login(educator)
    response = client.post(url("class-groups", course.classroom.pk), data)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert ClassGroup.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"group-group": "999999", "group-extra_time_percent": "50"},
        {"group-group": "x"},
        {"group-extra_time_percent": "401"},
    ],
)
def test_bad_group_accommodations_are_form_errors(client, educator, course, half_again, data):
    client.force_login(educator)
    response = client.post(
        url("assignment-overrides", course.pk), {"group-group": str(half_again.pk), **data}
    )
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert Override.objects.get().extra_time_percent == 50  # unchanged


def test_another_classes_group_cannot_be_given_or_removed(client, educator, course, half_again, learner):
    other = make_classroom(educator, [learner], [course.quiz], name="Cohort B").assignments.get()
    client.force_login(educator)
    client.post(
        url("assignment-overrides", other.pk), {"group-group": half_again.pk, "group-extra_minutes": "5"}
    )
    client.post(url("assignment-overrides", other.pk), {"remove_group": str(half_again.pk)})
    assert list(Override.objects.values_list("assignment_id", flat=True)) == [course.pk]


def test_only_the_classes_educator_reaches_the_group_pages(client, learner, course, half_again):
    client.force_login(make_user("other-teacher", "Educator"))
    assert client.get(url("class-groups", course.classroom.pk)).status_code == 404
    assert client.get(url("group-edit", half_again.pk)).status_code == 404
    assert client.post(url("group-delete", half_again.pk)).status_code == 404
    client.force_login(learner)
    assert client.get(url("class-groups", course.classroom.pk)).status_code == 403
    assert client.get(url("group-delete", half_again.pk)).status_code in (403, 405)
    assert ClassGroup.objects.exists()


def test_the_group_pages_make_the_same_queries_for_one_group_and_twenty(client, educator, exam_quiz):
    client.force_login(educator)
    counts = {}
    for size in (1, 20):
        learners = [make_user(f"g{size}-{n:02d}") for n in range(size)]
        classroom = make_classroom(educator, learners, [exam_quiz], name=f"Size {size}")
        assignment = classroom.assignments.get()
        for n in range(size):
            group = overrides.save_group(classroom, f"G{n}", [u.pk for u in learners])
            overrides.set_group_override(assignment, group, extra_minutes=n + 1)
            overrides.set_override(assignment, learners[n], extra_attempts=1)
        with_queries = []
        for target in (
            url("class-groups", classroom.pk),
            url("assignment-overrides", assignment.pk),
            url("group-edit", group.pk),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(target).status_code == 200
            with_queries.append(len(ctx))
        counts[size] = with_queries
    assert counts[1] == counts[20]
    assert counts[1][1] == 9  # the accommodations page reads its overrides once (with groups and members)
