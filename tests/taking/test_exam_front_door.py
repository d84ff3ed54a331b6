"""The exam's front door: a start page with the rules before the clock starts, and leaving that asks first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.taking import attempts

pytestmark = pytest.mark.django_db


def start_page(client, quiz):
    return client.get(reverse("quizzes:quiz-start", args=[quiz.pk]))


def test_the_start_page_says_the_rules_and_starts_nothing(learner_client, learner, exam_quiz):
    exam_quiz.attempts_allowed = 2
    exam_quiz.sequential = True
    exam_quiz.pass_mark_percent = 70
    exam_quiz.save()
    page = start_page(learner_client, exam_quiz).content.decode()
    assert "5 questions, scored when you submit" in page
    assert "30 min 00 s, counted from when you press start" in page
    assert "2 of 2 left; starting uses one" in page
    assert "In order: you answer each question before the next and cannot go back" in page
    assert "If you start now, it ends at" in page and "submitted for you" in page
    assert "70%" in page and "Your accommodations" not in page
    assert reverse("quizzes:attempt-start", args=[exam_quiz.pk]) in page and "Start the clock" in page
    assert not Attempt.objects.exists()  # the clock has not started


def test_the_confirm_button_starts_the_clock(learner_client, learner, exam_quiz):
    before = timezone.now()
    response = learner_client.post(reverse("quizzes:attempt-start", args=[exam_quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    assert response.status_code == 302 and response.url == attempt.get_absolute_url()
    assert attempt.deadline >= before + timedelta(minutes=30)
    assert attempt.time_limit == timedelta(minutes=30)


def test_the_start_page_says_when_the_quiz_closes_before_the_time_runs_out(learner_client, exam_quiz):
    exam_quiz.closes_at = timezone.now() + timedelta(minutes=10)
    exam_quiz.save()
    page = start_page(learner_client, exam_quiz).content.decode()
    assert ", when the quiz closes." in page


def test_the_start_page_offers_resume_for_an_attempt_under_way(learner_client, exam):
    page = start_page(learner_client, exam.quiz).content.decode()
    assert exam.get_absolute_url() in page and "Resume" in page
    assert "keeps the deadline it started with" in page
    assert reverse("quizzes:attempt-start", args=[exam.quiz.pk]) not in page


def test_the_start_page_says_why_it_cannot_start(learner_client, learner, exam_quiz):
    exam_quiz.attempts_allowed = 1
    exam_quiz.save()
    attempts.finish_attempt(attempts.start_attempt(learner, exam_quiz))
    page = start_page(learner_client, exam_quiz).content.decode()
    assert "You have used the 1 attempt allowed" in page and 'role="alert"' in page
    assert "0 of 1 left" in page
    assert reverse("quizzes:attempt-start", args=[exam_quiz.pk]) not in page


def test_the_quiz_list_sends_an_exam_to_its_start_page_and_practice_straight_in(learner_client, bank):
    page = learner_client.get(reverse("quizzes:quiz-list")).content.decode()
    exam, practice = bank.quizzes.get(slug="exam"), bank.quizzes.get(slug="practice")
    assert f'href="{reverse("quizzes:quiz-start", args=[exam.pk])}"' in page
    assert reverse("quizzes:attempt-start", args=[exam.pk]) not in page
    assert f'action="{reverse("quizzes:attempt-start", args=[practice.pk])}"' in page


def test_the_start_page_is_get_only_and_for_signed_in_users(learner_client, exam_quiz):
    from django.test import Client

    url = reverse("quizzes:quiz-start", args=[exam_quiz.pk])
    assert learner_client.post(url).status_code == 405
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_exam_pages_trade_the_site_nav_for_leave_the_exam(learner_client, exam, practice):
    leave = reverse("quizzes:attempt-leave", args=[exam.code])
    page = learner_client.get(reverse("quizzes:attempt-item", args=[exam.code, 1])).content.decode()
    assert f'href="{leave}"' in page and 'id="leave-dialog"' in page
    assert reverse("quizzes:quiz-list") not in page and reverse("quizzes:mastery") not in page
    finish = learner_client.get(reverse("quizzes:attempt-finish", args=[exam.code])).content.decode()
    assert f'href="{leave}"' in finish
    # practice keeps the site's navigation
    practice_page = learner_client.get(
        reverse("quizzes:attempt-item", args=[practice.code, 1])
    ).content.decode()
    assert reverse("quizzes:quiz-list") in practice_page and "Leave the exam" not in practice_page


def test_the_leave_page_asks_and_says_the_clock_keeps_running(learner_client, exam):
    page = learner_client.get(reverse("quizzes:attempt-leave", args=[exam.code])).content.decode()
    assert "Leave the exam?" in page and "The clock keeps running while you are away" in page
    assert f'href="{exam.get_absolute_url()}"' in page and "Back to the exam" in page
    assert f'href="{reverse("quizzes:home")}"' in page
    assert not Attempt.objects.get(pk=exam.pk).is_finished  # asking changes nothing


def test_the_leave_page_of_a_finished_attempt_goes_to_its_results(learner_client, exam):
    attempts.finish_attempt(exam)
    response = learner_client.get(reverse("quizzes:attempt-leave", args=[exam.code]))
    assert response.status_code == 302 and response.url == reverse("quizzes:attempt-result", args=[exam.code])


def test_the_timer_stays_in_view(learner_client, exam):
    page = learner_client.get(reverse("quizzes:attempt-item", args=[exam.code, 1])).content.decode()
    assert 'class="timer" id="timer"' in page
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    timer_rule = next(line for line in css.splitlines() if line.startswith(".timer {"))
    assert "position: sticky" in timer_rule
