"""The class screens through the test client: an educator's classes, join codes, learners, assignments and
gradebook; a learner's classes and joining; and an educator opening a class member's attempt review."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Membership, Override
from quizzes.taking import attempts
from quizzes.teaching import classes, overrides
from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user
from tests.taking.test_taking_views import HTMX, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(educator_bank):
    return educator_bank.quizzes.get(slug="practice")


@pytest.fixture
def classroom(educator, learner, quiz):
    return make_classroom(educator, [learner], [quiz])


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings, request):
    """Wrong join codes are counted in the cache per user id, and ids come round again in each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, *args):
    return reverse(f"quizzes:{name}", args=args)


# -- the educator's classes -------------------------------------------------------------------------------


def test_class_list_shows_the_educators_classes_only(educator_client, educator, other_educator, classroom):
    make_classroom(other_educator, name="Somebody else's")
    page = educator_client.get(url("class-list")).content.decode()
    assert "Cohort A" in page and classroom.join_code in page
    assert "Somebody else" not in page


def test_learners_get_403_and_visitors_are_sent_to_log_in(client, learner, classroom):
    for name, args in [
        ("class-list", ()),
        ("class-detail", (classroom.pk,)),
        ("class-gradebook", (classroom.pk,)),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(learner)
    for name, args in [
        ("class-list", ()),
        ("class-detail", (classroom.pk,)),
        ("class-gradebook", (classroom.pk,)),
    ]:
        assert client.get(url(name, *args)).status_code == 403


def test_creating_a_class_gives_it_a_join_code(educator_client, educator):
    response = educator_client.post(url("class-create"), {"name": "Neurology, spring"})
    classroom = Classroom.objects.get()
    assert response.status_code == 302 and response.url == url("class-detail", classroom.pk)
    assert classroom.owner == educator and len(classroom.join_code) == 6
    assert f"Its join code is {classroom.join_code}" in messages_of(response)[0]


def test_a_class_without_a_name_is_refused_with_a_message(educator_client):
    response = educator_client.post(url("class-create"), {"name": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Classroom.objects.exists()


def test_class_detail_shows_the_code_the_link_the_learners_and_the_assignments(educator_client, classroom):
    page = educator_client.get(url("class-detail", classroom.pk)).content.decode()
    assert classroom.join_code in page
    assert f"http://testserver{url('class-join')}?code={classroom.join_code}" in page
    assert "ada" in page and "Practice quiz" in page
    assert url("quiz-analysis", classroom.assignments.get().quiz_id) in page


def test_another_educators_class_is_404_everywhere(client, other_educator, classroom, learner):
    client.force_login(other_educator)
    assignment = classroom.assignments.get()
    for method, target in [
        ("get", url("class-detail", classroom.pk)),
        ("get", url("class-gradebook", classroom.pk)),
        ("get", url("class-gradebook-csv", classroom.pk)),
        ("post", url("class-code", classroom.pk)),
        ("post", url("class-member-remove", classroom.pk, learner.pk)),
        ("post", url("assignment-create", classroom.pk)),
        ("get", url("assignment-edit", assignment.pk)),
        ("post", url("assignment-delete", assignment.pk)),
    ]:
        assert getattr(client, method)(target).status_code == 404, target
    assert Membership.objects.filter(user=learner).exists() and Assignment.objects.filter(pk=assignment.pk)


def test_a_new_code_replaces_the_old_one(educator_client, classroom):
    old = classroom.join_code
    assert educator_client.get(url("class-code", classroom.pk)).status_code == 405
    response = educator_client.post(url("class-code", classroom.pk))
    classroom.refresh_from_db()
    assert response.status_code == 302 and classroom.join_code != old
    assert f"New join code: {classroom.join_code}" in messages_of(response)[0]


def test_removing_a_learner(educator_client, classroom, learner, other_learner):
    response = educator_client.post(url("class-member-remove", classroom.pk, learner.pk))
    assert response.status_code == 302
    assert "ada is no longer in Cohort A" in messages_of(response)[0]
    assert not Membership.objects.filter(user=learner).exists()
    # somebody who is not in the class: nothing to remove
    assert educator_client.post(url("class-member-remove", classroom.pk, other_learner.pk)).status_code == 404


# -- assignments ------------------------------------------------------------------------------------------


def test_assigning_a_quiz_with_a_due_date(educator_client, classroom, educator_bank):
    exam = educator_bank.quizzes.get(slug="exam")
    response = educator_client.post(
        url("assignment-create", classroom.pk), {"quiz": exam.pk, "due_at": "2030-05-01T09:30"}
    )
    assert response.status_code == 302
    assignment = classroom.assignments.get(quiz=exam)
    assert timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M") == "2030-05-01 09:30"
    # the form no longer offers a quiz already assigned
    page = educator_client.get(url("class-detail", classroom.pk)).content.decode()
    assert "Every quiz of your banks is assigned to this class." in page


def test_only_the_educators_own_quizzes_can_be_assigned(educator_client, classroom, other_educator):
    foreign = make_owned_bank(other_educator, slug="foreign").quizzes.get(slug="exam")
    response = educator_client.post(
        url("assignment-create", classroom.pk), {"quiz": foreign.pk, "due_at": ""}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.filter(quiz=foreign).exists()


def test_a_bad_due_date_is_refused_with_a_message(educator_client, classroom, educator_bank):
    exam = educator_bank.quizzes.get(slug="exam")
    response = educator_client.post(
        url("assignment-create", classroom.pk), {"quiz": exam.pk, "due_at": "soon"}
    )
    assert response.status_code == 200 and "Enter a valid date/time." in response.content.decode()
    assert not classroom.assignments.filter(quiz=exam).exists()


def test_changing_the_due_date_and_unassigning(educator_client, classroom):
    assignment = classroom.assignments.get()
    assert (
        "Due date of Practice quiz"
        in educator_client.get(url("assignment-edit", assignment.pk)).content.decode()
    )
    response = educator_client.post(url("assignment-edit", assignment.pk), {"due_at": "2031-01-02T08:00"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at.year == 2031
    response = educator_client.post(url("assignment-delete", assignment.pk))
    assert response.status_code == 302 and not Assignment.objects.exists()
    assert "Attempts already made are kept." in messages_of(response)[-1]


# -- the gradebook ----------------------------------------------------------------------------------------


@pytest.fixture
def graded(classroom, learner, other_learner, quiz):
    """ada scored 100% then 33%; grace (a member too) has done nothing; an outsider scored 100%."""
    Membership.objects.create(classroom=classroom, user=other_learner)
    now = timezone.now()
    best = make_scored_attempt(learner, quiz, [2, 1], finished_at=now - timedelta(days=2))
    last = make_scored_attempt(learner, quiz, [1, 0], finished_at=now - timedelta(days=1))
    make_scored_attempt(make_user("outsider"), quiz, [2, 1])
    return best, last


def test_the_gradebook_shows_each_learner_and_quiz_with_a_link_to_the_review(
    educator_client, classroom, graded
):
    best, last = graded
    page = educator_client.get(url("class-gradebook", classroom.pk)).content.decode()
    assert "Best score of each learner" in page
    assert url("attempt-result", best.code) in page and url("attempt-result", last.code) not in page
    assert "100%" in page and "Not started" in page and "grace" in page
    assert "outsider" not in page
    page = educator_client.get(url("class-gradebook", classroom.pk), {"score": "last"}).content.decode()
    assert url("attempt-result", last.code) in page and "33%" in page


def test_gradebook_sort_links_work_without_javascript_and_htmx_gets_the_fragment(
    educator_client, classroom, graded
):
    key = f"q{classroom.assignments.get().pk}"
    response = educator_client.get(url("class-gradebook", classroom.pk), {"sort": key, "dir": "desc"})
    page = response.content.decode()
    assert 'aria-sort="descending"' in page
    assert page.index(">ada<") < page.index(">grace<")
    assert f"?sort={key}&amp;dir=asc" in page  # the next click sorts the other way
    fragment = educator_client.get(
        url("class-gradebook", classroom.pk), {"sort": "learner", "dir": "desc"}, **HTMX
    ).content.decode()
    assert fragment.lstrip().startswith('<section id="gradebook"')
    assert "<html" not in fragment and fragment.index(">grace<") < fragment.index(">ada<")
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_unknown_gradebook_options_fall_back_to_the_defaults(educator_client, classroom, graded):
    response = educator_client.get(url("class-gradebook", classroom.pk), {"sort": "nonsense", "score": "x"})
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in response.content.decode()  # by learner


def test_gradebook_csv(educator_client, classroom, graded):
    response = educator_client.get(url("class-gradebook-csv", classroom.pk), {"score": "last"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="gradebook-cohort-a.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["learner", "Practice quiz", "average"],
        ["ada", "33.3", "33.3"],
        ["grace", "not started", ""],
        ["quiz average", "33.3", ""],
    ]


def test_the_gradebook_page_makes_the_same_queries_for_one_learner_and_fifty(client, educator, quiz):
    client.force_login(educator)
    counts = {}
    for size in (1, 50):
        learners = [make_user(f"l{size}-{n:02d}") for n in range(size)]
        classroom = make_classroom(educator, learners, [quiz], name=f"Size {size}")
        for user in learners:
            make_scored_attempt(user, quiz, [2, 0])
        # groups (educator?), class, members, assignments, picked attempts, attempts under way,
        # accommodations (the overrides, then the learners of the groups given them)
        for user in learners:
            Override.objects.create(assignment=classroom.assignments.get(), user=user, extra_minutes=10)
        for n in range(size):  # a group per learner, each given 50 % on the quiz
            group = overrides.save_group(classroom, f"Group {n}", [learners[n].pk])
            overrides.set_group_override(classroom.assignments.get(), group, extra_time_percent=50)
        counts[size] = (
            queries(client, "get", url("class-gradebook", classroom.pk)),
            queries(client, "get", url("class-gradebook-csv", classroom.pk)),
            queries(client, "get", url("class-detail", classroom.pk)),
        )
    assert counts[1] == counts[50]
    assert counts[1][0] == 8


# -- a learner's classes ----------------------------------------------------------------------------------


def test_a_join_link_asks_before_joining(learner_client, classroom, learner, other_learner):
    Membership.objects.filter(user=learner).delete()
    page = learner_client.get(url("class-join"), {"code": classroom.join_code.lower()}).content.decode()
    assert "Join <strong>Cohort A</strong>, taught by florence?" in page
    assert not Membership.objects.filter(user=learner).exists()
    response = learner_client.post(url("class-join"), {"code": classroom.join_code})
    assert response.status_code == 302 and response.url == url("membership-list")
    assert messages_of(response) == ["You joined Cohort A. Its assignments are below."]
    assert Membership.objects.filter(user=learner, classroom=classroom).exists()


def test_joining_again_says_so(learner_client, classroom):
    response = learner_client.post(url("class-join"), {"code": classroom.join_code})
    assert messages_of(response) == ["You are already in Cohort A."]


@pytest.mark.parametrize("code", ["", "ZZZZZZ", "0O1I00", "x" * 50])
def test_a_wrong_code_gets_a_message_and_joins_nothing(learner_client, classroom, code):
    response = learner_client.post(url("class-join"), {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No class has this code" in page or "This field is required" in page or "at most 20" in page
    assert Membership.objects.count() == 1


def test_too_many_wrong_codes_stop_the_lookups(client, learner, other_learner, classroom):
    Membership.objects.filter(user=learner).delete()
    client.force_login(learner)
    for _ in range(classes.JOIN_GUESSES_PER_HOUR):
        assert client.post(url("class-join"), {"code": "ZZZZZZ"}).status_code == 200
    response = client.post(url("class-join"), {"code": classroom.join_code})
    assert response.status_code == 429 and "Too many wrong codes" in response.content.decode()
    assert client.get(url("class-join"), {"code": classroom.join_code}).status_code == 429
    assert not Membership.objects.filter(user=learner).exists()
    assert client.get(url("class-join")).status_code == 200  # the empty form is still there
    # a blank code or the right one costs nothing, and another learner is not held back
    client.force_login(other_learner)
    for _ in range(classes.JOIN_GUESSES_PER_HOUR):
        client.post(url("class-join"), {"code": ""})
    assert client.post(url("class-join"), {"code": classroom.join_code}).status_code == 302


def test_an_old_code_stops_working(learner_client, classroom, learner):
    old = classroom.join_code
    classes.regenerate_code(classroom)
    Membership.objects.all().delete()
    page = learner_client.get(url("class-join"), {"code": old}).content.decode()
    assert "No class has this code" in page


def test_the_educator_cannot_join_their_own_class(educator_client, classroom):
    response = educator_client.post(url("class-join"), {"code": classroom.join_code})
    assert response.status_code == 200 and "You teach this class" in response.content.decode()


def test_a_learner_sees_their_assignments_and_only_their_own_score(
    learner_client, classroom, learner, other_learner, quiz, educator_bank
):
    exam = educator_bank.quizzes.get(slug="exam")
    classes.assign(classroom, exam, timezone.now() - timedelta(days=1))
    Membership.objects.create(classroom=classroom, user=other_learner)
    make_scored_attempt(learner, quiz, [2, 0])
    make_scored_attempt(other_learner, quiz, [1, 1])
    page = learner_client.get(url("membership-list")).content.decode()
    assert "Cohort A" in page and "Taught by florence" in page
    assert "Done" in page and "best 67%" in page
    assert "Overdue" in page
    assert "grace" not in page and "33%" not in page  # nobody else's name or score
    assert url("attempt-start", quiz.pk) in page and "Try again" in page


def test_a_learner_sees_no_class_they_did_not_join(client, other_learner, classroom):
    client.force_login(other_learner)
    page = client.get(url("membership-list")).content.decode()
    assert "Cohort A" not in page and "You have not joined a class yet" in page


def test_the_learner_class_page_makes_the_same_queries_for_one_class_and_ten(client, educator, learner, quiz):
    client.force_login(learner)
    counts = []
    for size in (1, 10):
        Membership.objects.filter(user=learner).delete()
        for n in range(size):
            make_classroom(educator, [learner], [quiz], name=f"Class {size}-{n}")
        make_scored_attempt(learner, quiz, [1, 1])
        # classes with their educators, assignments with quizzes, the learner's attempts, their
        # own close times
        counts.append(queries(client, "get", url("membership-list")))
    assert counts == [4, 4]


def test_the_nav_and_home_link_to_the_classes(learner_client):
    page = learner_client.get(url("home")).content.decode()
    assert page.count(f'href="{url("membership-list")}"') == 2


# -- an educator reviewing a class member's attempt ---------------------------------------------------------


@pytest.fixture
def finished(learner, quiz):
    attempt = attempts.start_attempt(learner, quiz)
    attempts.finish_attempt(attempt)
    return attempt


def test_the_educator_of_the_class_opens_a_members_review(educator_client, classroom, finished):
    response = educator_client.get(url("attempt-result", finished.code))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Score of ada" in page and "Your score" not in page
    assert url("class-list") in page


def test_the_learner_still_sees_their_own_review(learner_client, classroom, finished):
    page = learner_client.get(url("attempt-result", finished.code)).content.decode()
    assert "Your score" in page and "Score of ada" not in page


def test_the_educator_gets_404_for_anything_else(
    client, educator, other_educator, classroom, finished, learner, other_learner, quiz, educator_bank
):
    client.force_login(educator)
    # an attempt of somebody not in the class
    outsider = attempts.start_attempt(other_learner, quiz)
    attempts.finish_attempt(outsider)
    assert client.get(url("attempt-result", outsider.code)).status_code == 404
    # the member's attempt at a quiz not assigned to the class
    exam = attempts.start_attempt(learner, educator_bank.quizzes.get(slug="exam"))
    attempts.finish_attempt(exam)
    assert client.get(url("attempt-result", exam.code)).status_code == 404
    # an attempt still under way
    Assignment.objects.create(classroom=classroom, quiz=educator_bank.quizzes.get(slug="exam"))
    open_attempt = attempts.start_attempt(learner, educator_bank.quizzes.get(slug="exam"))
    assert client.get(url("attempt-result", open_attempt.code)).status_code == 404
    # another educator, and the class's educator once the learner has left
    client.force_login(other_educator)
    assert client.get(url("attempt-result", finished.code)).status_code == 404
    client.force_login(educator)
    assert client.get(url("attempt-result", finished.code)).status_code == 200
    classes.remove_member(classroom, learner.pk)
    assert client.get(url("attempt-result", finished.code)).status_code == 404


def test_the_review_still_makes_five_queries_for_its_owner(learner_client, finished):
    # attempt + quiz + user, slots with versions and topics, the answers changed,
    # the cited passages, first attempts (percentile)
    assert queries(learner_client, "get", url("attempt-result", finished.code)) == 5
