"""Quizzes built by educators: the builder's screens, and the rules a learner meets when taking them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.authoring import editing
from quizzes.models import Attempt, Question, Quiz
from quizzes.taking import attempts
from tests.conftest import make_bank, make_classroom, make_owned_bank

pytestmark = pytest.mark.django_db


def quiz_post(**changes) -> dict:
    """The builder's form, filled in for a practice quiz of 3 random questions, published."""
    data = {
        "title": "Week 1 check",
        "description": "",
        "mode": "practice",
        "time_limit_minutes": "",
        "pass_mark_percent": "",
        "selection": "random",
        "question_count": "3",
        "shuffle_questions": "on",
        "shuffle_options": "on",
        "attempts_allowed": "0",
        "opens_at": "",
        "closes_at": "",
        "is_published": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def new_quiz(bank, *, questions=(), **fields) -> Quiz:
    fields.setdefault("audience", Quiz.Audience.EVERYONE)  # these tests are about publishing and times
    quiz = Quiz(bank=bank, title=fields.pop("title", "Built"), **fields)
    return editing.save_quiz(quiz, topics=[], questions=questions)


# -- the builder ------------------------------------------------------------------------------------------


def test_an_educator_builds_a_random_quiz_from_chosen_topics(educator_client, educator_bank):
    alpha = educator_bank.topics.get(slug="alpha")
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]),
        quiz_post(topics=[alpha.pk], pass_mark_percent="70", attempts_allowed="2"),
    )
    assert response.status_code == 302 and response.url == reverse("quizzes:bank-detail", args=["owned"])
    quiz = educator_bank.quizzes.get(title="Week 1 check")
    assert quiz.slug == "week-1-check" and quiz.is_published and not quiz.is_fixed
    assert list(quiz.topics.all()) == [alpha]
    assert (quiz.question_count, quiz.pass_mark_percent, quiz.attempts_allowed) == (3, 70, 2)
    assert quiz.position == 2  # after the bank's practice quiz and exam


def test_a_fixed_list_quiz_gives_exactly_its_questions(educator_client, educator_bank, learner):
    picked = list(educator_bank.questions.order_by("id")[:4])
    educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]),
        quiz_post(selection="fixed", question_count="", questions=[q.pk for q in picked]),
    )
    quiz = educator_bank.quizzes.get(title="Week 1 check")
    assert quiz.is_fixed and quiz.question_count == 4 and not quiz.topics.exists()
    attempt = attempts.start_attempt(learner, quiz)
    given = set(attempt.slots.values_list("version__question_id", flat=True))
    assert given == {q.pk for q in picked}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"selection": "fixed", "question_count": ""}, "questions", "Tick at least one question"),
        ({"question_count": "0"}, "question_count", "Draw from 1 to 500 questions"),
        ({"time_limit_minutes": "20"}, "time_limit_minutes", "Only exams have a time limit"),
        ({"mode": "exam", "time_limit_minutes": "601"}, "time_limit_minutes", "1 to 600 minutes"),
        ({"pass_mark_percent": "101"}, "pass_mark_percent", "less than or equal to 100"),
        (
            {"opens_at": "2026-05-02T10:00", "closes_at": "2026-05-01T10:00"},
            "closes_at",
            "must close after it opens",
        ),
    ],
)
def test_builder_mistakes_are_shown_next_to_their_field(
    educator_client, educator_bank, changes, field, message
):
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]), quiz_post(**changes)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html and f'aria-describedby="id_{field}_' in html
    assert educator_bank.quizzes.count() == 2


def test_topics_and_questions_of_another_bank_cannot_be_slipped_in(educator_client, educator_bank):
    other = make_bank(3, slug="foreign")
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]),
        quiz_post(selection="fixed", questions=[other.questions.first().pk]),
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = educator_client.post(
        reverse("quizzes:quiz-create", args=[educator_bank.slug]), quiz_post(topics=[other.topics.first().pk])
    )
    assert response.status_code == 200 and educator_bank.quizzes.count() == 2


def test_editing_a_quiz_keeps_its_slug_and_switching_to_fixed_drops_its_topics(
    educator_client, educator_bank
):
    quiz = educator_bank.quizzes.get(slug="practice")
    quiz.topics.set([educator_bank.topics.first()])
    question = educator_bank.questions.first()
    response = educator_client.post(
        reverse("quizzes:quiz-edit", args=[quiz.pk]),
        quiz_post(title="Renamed", selection="fixed", questions=[question.pk]),
    )
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.slug, quiz.question_count) == ("Renamed", "practice", 1)
    assert not quiz.topics.exists() and list(quiz.questions.all()) == [question]


def test_the_builder_form_is_accessible_and_lists_only_active_questions(educator_client, educator_bank):
    archived = educator_bank.questions.first()
    editing.set_status(archived, Question.Status.ARCHIVED)
    html = educator_client.get(reverse("quizzes:quiz-create", args=[educator_bank.slug])).content.decode()
    # both sections, each labelled with the choice it belongs to (app.js hides the one not chosen)
    assert '<legend>Drawn at random <span class="meta">(if “Drawn at random from topics” is chosen)' in html
    assert '<legend>A fixed list <span class="meta">(if “A fixed list of questions” is chosen)' in html
    assert 'type="datetime-local"' in html and "Time zone UTC" in html
    assert 'name="is_published"' in html and 'name="is_published" checked' not in html  # new: unpublished
    assert f'name="questions" value="{archived.pk}"' not in html
    assert 'name="questions" value="' in html
    assert educator_bank.questions.exclude(pk=archived.pk).first().current_version.stem in html


def test_the_builder_makes_the_same_queries_for_a_small_and_a_large_bank(
    client, educator, django_assert_num_queries
):
    client.force_login(educator)
    for size in (10, 200):
        bank = make_owned_bank(educator, size, slug=f"b{size}")
        quiz = bank.quizzes.get(slug="practice")
        quiz.questions.set(bank.questions.all()[:5])
        # educator check, quiz + bank, topics, chosen topics, questions with their
        # versions and topics, chosen questions
        with django_assert_num_queries(6):
            assert client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).status_code == 200


# -- what learners meet -----------------------------------------------------------------------------------


def test_learners_see_only_published_quizzes_of_published_banks_that_are_open_now(learner_client, bank):
    now = timezone.now()
    shown = new_quiz(bank, title="Open now", closes_at=now + timedelta(days=1))
    new_quiz(bank, title="Not yet", opens_at=now + timedelta(hours=1))
    new_quiz(bank, title="Over", closes_at=now - timedelta(minutes=1))
    new_quiz(bank, title="Draft", is_published=False)
    hidden_bank = make_bank(2, slug="hidden")
    hidden_bank.is_published = False
    hidden_bank.save()
    page = learner_client.get(reverse("quizzes:quiz-list")).content.decode()
    assert shown.title in page and "Closes" in page
    for title in ("Not yet", "Over", "Draft", "Bank hidden"):
        assert title not in page, title
    assert set(Quiz.objects.available(now)) == {shown, *bank.quizzes.filter(slug__in=["practice", "exam"])}


def test_starting_a_closed_quiz_says_so_instead_of_failing(learner_client, bank):
    closed = new_quiz(bank, title="Over", closes_at=timezone.now() - timedelta(hours=1))
    response = learner_client.post(reverse("quizzes:attempt-start", args=[closed.pk]), follow=True)
    assert response.status_code == 200 and "“Over” closed on" in response.content.decode()
    early = new_quiz(bank, title="Soon", opens_at=timezone.now() + timedelta(days=2))
    response = learner_client.post(reverse("quizzes:attempt-start", args=[early.pk]), follow=True)
    assert "“Soon” is not open yet: it opens on" in response.content.decode()
    assert not Attempt.objects.exists()


def test_attempts_allowed_is_enforced_with_a_clear_message(learner_client, learner, bank):
    quiz = new_quiz(bank, title="Twice", attempts_allowed=2, question_count=2)
    for _ in range(2):
        attempts.finish_attempt(attempts.start_attempt(learner, quiz))
    response = learner_client.post(reverse("quizzes:attempt-start", args=[quiz.pk]), follow=True)
    assert "You have used the 2 attempts allowed at “Twice”." in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_an_attempt_under_way_can_be_resumed_after_the_quiz_closes(learner, bank):
    quiz = new_quiz(bank, title="Closing", attempts_allowed=1)
    attempt = attempts.start_attempt(learner, quiz)
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    quiz.refresh_from_db()
    assert attempts.start_attempt(learner, quiz) == attempt


def test_questions_keep_topic_order_when_the_quiz_does_not_shuffle_them(learner):
    bank = make_bank(8, slug="ordered")
    quiz = new_quiz(bank, shuffle_questions=False, question_count=8)
    attempt = attempts.start_attempt(learner, quiz, seed=3)
    topics = [s.version.question.topic.slug for s in attempt.slots.select_related("version__question__topic")]
    assert topics == ["alpha"] * 4 + ["beta"] * 4


def test_a_fixed_list_comes_in_bank_order_unless_shuffled(learner, other_learner):
    bank = make_bank(6, slug="fixed")
    picked = list(bank.questions.order_by("topic__position", "id"))
    in_order = new_quiz(bank, selection=Quiz.Selection.FIXED, shuffle_questions=False, questions=picked)
    attempt = attempts.start_attempt(learner, in_order, seed=5)
    assert [s.version.question_id for s in attempt.slots.select_related("version")] == [q.pk for q in picked]
    shuffled = new_quiz(bank, title="Shuffled", selection=Quiz.Selection.FIXED, questions=picked)
    orders = {
        tuple(s.version.question_id for s in attempts.start_attempt(u, shuffled, seed=seed).slots.all())
        for u, seed in ((learner, 1), (other_learner, 2))
    }
    assert all(sorted(order) == sorted(q.pk for q in picked) for order in orders)


def test_archived_questions_leave_a_fixed_list(learner):
    bank = make_bank(3, slug="fixed-arch")
    questions = list(bank.questions.all())
    quiz = new_quiz(bank, selection=Quiz.Selection.FIXED, questions=questions)
    editing.set_status(questions[0], Question.Status.ARCHIVED)
    assert attempts.start_attempt(learner, quiz).slot_count == 2


def test_options_keep_their_written_order_when_the_quiz_says_so(learner_client, learner):
    bank = make_bank(3, slug="unshuffled")
    quiz = new_quiz(bank, shuffle_options=False, question_count=3)
    attempt = attempts.start_attempt(learner, quiz)
    assert attempt.shuffle_options is False
    Quiz.objects.filter(pk=quiz.pk).update(shuffle_options=True)  # a later change does not reach this attempt
    for slot in attempt.slots.select_related("version"):
        written = [o["id"] for o in slot.version.spec["options"]]
        assert [o.id for o in attempts.public_item(attempt, slot).options] == written
        page = learner_client.get(reverse("quizzes:attempt-item", args=[attempt.code, slot.number]))
        html = page.content.decode()
        assert [html.index(f'value="{i}"') for i in written] == sorted(
            html.index(f'value="{i}"') for i in written
        )


def test_the_pass_mark_is_copied_at_the_start_and_shown_with_the_result(learner_client, learner):
    bank = make_bank(3, slug="passmark")
    quiz = new_quiz(bank, pass_mark_percent=50, question_count=3)
    attempt = attempts.start_attempt(learner, quiz)
    for slot in attempt.slots.select_related("version"):
        version = slot.version
        attempts.record_answer(
            attempt,
            slot.number,
            version.item.answer_form(version.spec, version.item.key_answer(version.spec)),
        )
    attempts.finish_attempt(attempt)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark_percent=100)
    attempt.refresh_from_db()
    assert attempt.pass_mark_percent == 50 and attempt.passed
    html = learner_client.get(reverse("quizzes:attempt-result", args=[attempt.code])).content.decode()
    assert "<strong>Passed</strong>: the pass mark is 50%." in html


def test_passed_compares_points_without_rounding_errors():
    assert Attempt(points=7, max_points=10, pass_mark_percent=70).passed is True
    assert Attempt(points=6.5, max_points=10, pass_mark_percent=70).passed is False
    assert Attempt(points=2, max_points=3, pass_mark_percent=None).passed is None
    assert Attempt(points=None, max_points=3, pass_mark_percent=50).passed is None


def test_the_database_refuses_a_quiz_that_closes_before_it_opens(bank):
    from django.db import IntegrityError

    now = timezone.now()
    with pytest.raises(IntegrityError):
        Quiz.objects.create(
            bank=bank, slug="bad", title="Bad", opens_at=now, closes_at=now - timedelta(hours=1)
        )


# -- deleting and archiving -------------------------------------------------------------------------------


def test_a_quiz_nobody_attempted_is_deleted_from_the_builder(educator_client, educator, educator_bank):
    quiz = new_quiz(educator_bank, title="Draft check")
    classroom = make_classroom(educator, quizzes=[quiz])
    edit = educator_client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).content.decode()
    assert reverse("quizzes:quiz-delete", args=[quiz.pk]) in edit
    page = educator_client.get(reverse("quizzes:quiz-delete", args=[quiz.pk])).content.decode()
    assert "Delete the quiz" in page and classroom.name in page  # says which assignments go with it
    response = educator_client.post(reverse("quizzes:quiz-delete", args=[quiz.pk]))
    assert response.status_code == 302 and response.url == reverse("quizzes:bank-detail", args=["owned"])
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert not classroom.assignments.exists()
    assert educator_bank.questions.count() == 12  # the questions stay in the bank


def test_a_quiz_with_attempts_is_archived_not_deleted(educator_client, educator_bank, learner):
    quiz = educator_bank.quizzes.get(slug="practice")
    attempt = attempts.finish_attempt(attempts.start_attempt(learner, quiz))
    page = educator_client.get(reverse("quizzes:quiz-delete", args=[quiz.pk])).content.decode()
    assert "cannot be deleted" in page and "Archive the quiz" in page
    response = educator_client.post(reverse("quizzes:quiz-delete", args=[quiz.pk]))
    assert response.status_code == 302 and Quiz.objects.filter(pk=quiz.pk).exists()

    response = educator_client.post(reverse("quizzes:quiz-archive", args=[quiz.pk]))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.is_archived
    assert "Archived" in educator_client.get(reverse("quizzes:bank-detail", args=["owned"])).content.decode()

    client = Client()
    client.force_login(learner)
    assert quiz.title not in client.get(reverse("quizzes:quiz-list")).content.decode()
    assert client.post(reverse("quizzes:attempt-start", args=[quiz.pk])).status_code == 404
    assert client.get(reverse("quizzes:attempt-result", args=[attempt.code])).status_code == 200  # kept

    educator_client.post(reverse("quizzes:quiz-unarchive", args=[quiz.pk]))
    quiz.refresh_from_db()
    assert not quiz.is_archived
    assert quiz.title in client.get(reverse("quizzes:quiz-list")).content.decode()


def test_an_archived_quiz_cannot_be_assigned_or_exported(educator_client, educator, educator_bank):
    quiz = educator_bank.quizzes.get(slug="practice")
    editing.set_quiz_archived(quiz, True)
    classroom = make_classroom(educator)
    page = educator_client.get(reverse("quizzes:class-detail", args=[classroom.pk])).content.decode()
    assert f'value="{quiz.pk}"' not in page
    exported = educator_client.get(reverse("quizzes:bank-export", args=["owned", "json"])).content.decode()
    assert '"slug": "practice"' not in exported and '"slug": "exam"' in exported


@pytest.mark.parametrize("name", ["quiz-archive", "quiz-unarchive"])
def test_archiving_takes_a_post_only(educator_client, educator_bank, name):
    quiz = educator_bank.quizzes.first()
    assert educator_client.get(reverse(f"quizzes:{name}", args=[quiz.pk])).status_code == 405
