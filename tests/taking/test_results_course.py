"""Results that help a learner act (issue 19): only the questions missed, "Try again" while attempts remain,
and "Practice these", which starts a practice quiz of exactly the questions missed, the learner's alone."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz, Slot
from quizzes.taking import attempts
from tests.conftest import make_scored_attempt

pytestmark = pytest.mark.django_db


def result_url(attempt, **query) -> str:
    url = reverse("quizzes:attempt-result", args=[attempt.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def answered(user, quiz, plan: list[str | None]):
    """A finished attempt at the first len(plan) questions, each answered "right", "wrong", "partly" (one
    key of a select-all item) or not at all (None), as make_scored_attempt stores them."""
    versions = [
        q.current_version for q in quiz.bank.questions.select_related("current_version").order_by("pk")
    ]
    answers, marks = [], []
    for version, how in zip(versions, plan, strict=False):
        keys = [o["id"] for o in version.spec["options"] if o["correct"]]
        wrong = [next(o["id"] for o in version.spec["options"] if not o["correct"])]
        answer = {"right": keys, "wrong": wrong, "partly": keys[:1], None: []}[how]
        answers.append(answer)
        marks.append(None if how is None else version.item.grade(version.spec, answer).points)
    return make_scored_attempt(user, quiz, marks, answers=answers)


@pytest.fixture
def done(learner, practice_quiz):
    """Questions 1 and 3 right, 2 wrong, 4 partly right (a select-all item), 5 unanswered."""
    return answered(learner, practice_quiz, ["right", "wrong", "right", "partly", None])


def review_numbers(page: str) -> list[str]:
    import re

    return re.findall(r'id="item-(\d+)"', page)


def test_the_review_shows_every_question_or_only_the_missed(learner_client, done):
    page = learner_client.get(result_url(done)).content.decode()
    assert review_numbers(page) == ["1", "2", "3", "4", "5"]
    assert "Wrong or partly right only (" in page
    missed = learner_client.get(result_url(done, show="missed")).content.decode()
    numbers = review_numbers(missed)
    assert numbers == ["2", "4", "5"]
    assert 'value="missed" checked' in missed


def test_try_again_shows_while_attempts_remain(learner_client, learner, practice_quiz, done):
    start = reverse("quizzes:attempt-start", args=[practice_quiz.pk])
    assert start in learner_client.get(result_url(done)).content.decode()
    practice_quiz.attempts_allowed = 1
    practice_quiz.save()
    assert start not in learner_client.get(result_url(done)).content.decode()


def test_an_exam_tries_again_through_its_start_page(learner_client, learner, exam_quiz):
    done = answered(learner, exam_quiz, ["right", "wrong"])
    page = learner_client.get(result_url(done)).content.decode()
    assert reverse("quizzes:quiz-start", args=[exam_quiz.pk]) in page


def missed_in(attempt) -> list[int]:
    """The question ids of slots 2, 4 and 5 of `done`: wrong, partly right, not answered."""
    slots = {s.number: s.version.question_id for s in attempt.slots.select_related("version")}
    return [slots[n] for n in (2, 4, 5)]


def test_practice_these_starts_a_practice_quiz_of_exactly_the_questions_missed(
    learner_client, learner, done, practice_quiz
):
    page = learner_client.get(result_url(done)).content.decode()
    practice = reverse("quizzes:attempt-practice", args=[done.code])
    assert practice in page and "Practice these 3 questions" in page
    response = learner_client.post(practice)
    started = Attempt.objects.get(user=learner, finished_at__isnull=True)
    assert response.status_code == 302 and response.url == reverse(
        "quizzes:attempt-detail", args=[started.code]
    )
    quiz = started.quiz
    assert quiz.practice_of == done and quiz.pk != practice_quiz.pk and started.mode == Quiz.Mode.PRACTICE
    assert quiz.title == "Practice what you missed: Practice quiz"
    slots = list(started.slots.select_related("version__question").order_by("number"))
    assert sorted(s.version.question_id for s in slots) == sorted(missed_in(done))
    assert all(s.version_id == s.version.question.current_version_id for s in slots)
    assert started.deadline is None and started.max_points == sum(s.version.max_points for s in slots)
    # the attempt page opens, in practice mode (one question with its feedback after each answer)
    assert learner_client.get(reverse("quizzes:attempt-item", args=[started.code, 1])).status_code == 200


def test_practice_these_uses_the_current_versions(learner_client, learner, done):
    from quizzes.authoring.forms import QuestionDraft
    from quizzes.formats.database import new_version

    question = Question.objects.select_related("current_version", "topic").get(pk=missed_in(done)[0])
    old = question.current_version
    draft = QuestionDraft.from_version(old, question.topic)
    newer = new_version(question, draft.data(question.key), old.number + 1)
    learner_client.post(reverse("quizzes:attempt-practice", args=[done.code]))
    slot = Slot.objects.get(attempt__quiz__practice_of=done, version__question=question)
    assert slot.version_id == newer.pk != old.pk


def test_pressing_again_resumes_the_practice_and_later_starts_another_of_the_same_quiz(
    learner_client, learner, done
):
    url = reverse("quizzes:attempt-practice", args=[done.code])
    learner_client.post(url)
    first = Attempt.objects.get(quiz__practice_of=done)
    learner_client.post(url)
    assert Attempt.objects.filter(quiz__practice_of=done).count() == 1  # resumed
    attempts.finish_attempt(first)
    learner_client.post(url)
    assert Attempt.objects.filter(quiz__practice_of=done).count() == 2
    assert Quiz.objects.filter(practice_of=done).count() == 1


def test_the_practice_is_the_learners_alone_and_listed_nowhere(
    learner_client, learner, other_learner, educator, done, practice_quiz
):
    learner_client.post(reverse("quizzes:attempt-practice", args=[done.code]))
    quiz = Quiz.objects.get(practice_of=done)
    started = Attempt.objects.get(quiz=quiz)
    for user in (learner, other_learner):  # in no one's catalogue
        client = Client()
        client.force_login(user)
        assert (
            reverse("quizzes:quiz-start", args=[quiz.pk])
            not in client.get(reverse("quizzes:quiz-list")).content.decode()
        )
        assert quiz.title not in client.get(reverse("quizzes:quiz-list")).content.decode()
    other = Client()
    other.force_login(other_learner)
    assert other.get(reverse("quizzes:quiz-start", args=[quiz.pk])).status_code == 404
    assert other.post(reverse("quizzes:attempt-start", args=[quiz.pk])).status_code == 404
    assert other.get(started.get_absolute_url()).status_code == 404
    # the bank's educator sees it on none of their pages, and cannot edit it
    practice_quiz.bank.owner = educator
    practice_quiz.bank.save()
    teacher = Client()
    teacher.force_login(educator)
    bank_page = teacher.get(reverse("quizzes:bank-detail", args=[practice_quiz.bank.slug])).content.decode()
    assert "Practice quiz" in bank_page and quiz.title not in bank_page
    assert teacher.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).status_code == 404
    assert teacher.get(reverse("quizzes:quiz-start", args=[quiz.pk])).status_code == 404
    assert quiz.title not in teacher.get(reverse("quizzes:quiz-list")).content.decode()


def test_the_practice_feeds_history_and_mastery_like_any_practice(learner_client, learner, done):
    from quizzes.learning import stats

    bank = done.quiz.bank
    before = sum(m.answers for m in stats.mastery(learner, [bank])[bank])
    learner_client.post(reverse("quizzes:attempt-practice", args=[done.code]))
    started = Attempt.objects.get(quiz__practice_of=done)
    slot = started.slots.select_related("version").get(number=1)
    keys = [o["id"] for o in slot.version.spec["options"] if o["correct"]]
    response = learner_client.post(
        reverse("quizzes:attempt-answer", args=[started.code]), {"slot": "1", "option": keys}
    )
    assert response.status_code in (200, 302)
    assert started.slots.get(number=1).response.points == slot.version.max_points
    assert sum(m.answers for m in stats.mastery(learner, [bank])[bank]) == before + 1
    attempts.finish_attempt(started)
    history = learner_client.get(reverse("quizzes:attempt-list")).content.decode()
    assert "Practice what you missed: Practice quiz" in history


def test_all_right_offers_nothing_to_practice(learner_client, learner, practice_quiz):
    perfect = answered(learner, practice_quiz, ["right", "right"])
    practice = reverse("quizzes:attempt-practice", args=[perfect.code])
    assert practice not in learner_client.get(result_url(perfect)).content.decode()
    response = learner_client.post(practice, follow=True)
    assert "Nothing to practice" in response.content.decode()
    assert not Quiz.objects.filter(practice_of__isnull=False).exists()


def test_only_the_learner_practices_their_misses(done, other_learner, learner_client):
    other = Client()
    other.force_login(other_learner)
    assert other.post(reverse("quizzes:attempt-practice", args=[done.code])).status_code == 404
    assert learner_client.get(reverse("quizzes:attempt-practice", args=[done.code])).status_code == 405
    assert not Quiz.objects.filter(practice_of__isnull=False).exists()


def test_an_unfinished_attempt_has_nothing_to_practice(learner_client, learner, practice_quiz):
    under_way = attempts.start_attempt(learner, practice_quiz)
    assert learner_client.post(reverse("quizzes:attempt-practice", args=[under_way.code])).status_code == 404


def test_deleting_the_learner_takes_their_practice_quizzes_too(learner_client, learner, done):
    learner_client.post(reverse("quizzes:attempt-practice", args=[done.code]))
    learner.delete()
    assert not Quiz.objects.filter(practice_of__isnull=False).exists()


def test_an_educator_reviewing_sees_neither_button(client, educator, learner, practice_quiz, done):
    from tests.conftest import make_classroom

    make_classroom(educator, [learner], [practice_quiz])
    client.force_login(educator)
    page = client.get(result_url(done)).content.decode()
    assert reverse("quizzes:attempt-practice", args=[done.code]) not in page and "Try again" not in page
