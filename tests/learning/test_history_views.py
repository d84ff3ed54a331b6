"""The history page, its CSV, the learner's home and mastery: own data only, fixed queries."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.taking import attempts
from tests.conftest import make_finished_attempts

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HISTORY = reverse("quizzes:attempt-list")
CSV = reverse("quizzes:attempt-history-csv")
HOME = reverse("quizzes:home")
MASTERY = reverse("quizzes:mastery")


def test_pages_need_log_in_and_only_accept_get(client, learner):
    for url in (HISTORY, CSV, HOME, MASTERY):
        assert client.get(url).url.startswith(reverse("login")), url
    client.force_login(learner)
    for url in (HISTORY, CSV, HOME, MASTERY):
        assert client.post(url).status_code == 405, url


def test_history_lists_finished_attempts_with_score_time_and_chart(learner_client, learner, practice_quiz):
    made = make_finished_attempts(learner, practice_quiz, 2, percent=50)
    page = learner_client.get(HISTORY).content.decode()
    assert page.count('<th scope="row">Practice quiz</th>') == 2
    maximum = made[0].max_points
    assert f"50% ({maximum / 2:g} of {maximum:g})" in page and "5 min 00 s" in page
    chart = page.split('<svg class="score-chart"')[1].split("</svg>")[0]
    assert chart.count('<circle class="point point--practice"') == 2
    assert '<polyline class="line line--practice"' in chart
    assert "The chart's numbers as a table" in page
    assert reverse("quizzes:attempt-result", args=[made[0].code]) in page


def test_history_shows_nobody_elses_attempts(client, learner, other_learner, practice_quiz):
    theirs = make_finished_attempts(other_learner, practice_quiz, 1)[0]
    client.force_login(learner)
    assert str(theirs.code) not in client.get(HISTORY).content.decode()
    assert client.get(CSV).content.decode().count("\n") == 1  # the header alone


def test_history_filters_by_quiz_and_mode(learner_client, learner, practice_quiz, exam_quiz):
    make_finished_attempts(learner, practice_quiz, 2)
    make_finished_attempts(learner, exam_quiz, 1)
    page = learner_client.get(HISTORY, {"mode": "exam"}).content.decode()
    assert (
        page.count('<th scope="row">Exam quiz</th>') == 1 and '<th scope="row">Practice quiz</th>' not in page
    )
    page = learner_client.get(HISTORY, {"quiz": practice_quiz.pk}).content.decode()
    assert (
        page.count('<th scope="row">Practice quiz</th>') == 2 and '<th scope="row">Exam quiz</th>' not in page
    )


def test_history_filter_as_htmx_returns_only_the_results(learner_client, learner, practice_quiz):
    make_finished_attempts(learner, practice_quiz, 1)
    html = learner_client.get(HISTORY, {"mode": "practice"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="history-results">') and "<html" not in html


def test_an_unknown_filter_value_gets_a_message_not_an_error(learner_client, learner, practice_quiz):
    make_finished_attempts(learner, practice_quiz, 1)
    response = learner_client.get(HISTORY, {"quiz": "999999", "mode": "sprint"})
    assert response.status_code == 200
    assert "That filter is not available" in response.content.decode()


def test_history_is_paginated(learner_client, learner, practice_quiz):
    make_finished_attempts(learner, practice_quiz, 25)
    assert "Page 1 of 2" in learner_client.get(HISTORY).content.decode()
    page2 = learner_client.get(HISTORY, {"page": 2}).content.decode()
    assert page2.count('<th scope="row">Practice quiz</th>') == 5


def test_csv_has_one_row_per_finished_attempt_with_the_filters(
    learner_client, learner, practice_quiz, exam_quiz
):
    make_finished_attempts(learner, practice_quiz, 3, percent=50)
    make_finished_attempts(learner, exam_quiz, 1)
    attempts.start_attempt(learner, practice_quiz)  # unfinished: not in the history
    response = learner_client.get(CSV, {"mode": "practice"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["quiz", "mode"] and len(rows) == 4
    assert rows[1][0] == "Practice quiz" and rows[1][-1] == "50.0" and rows[1][4] == "300"


def test_csv_defuses_formula_titles(learner_client, learner, practice_quiz):
    practice_quiz.title = "=HYPERLINK(1)"
    practice_quiz.save()
    make_finished_attempts(learner, practice_quiz, 1)
    assert "'=HYPERLINK(1)" in learner_client.get(CSV).content.decode()


def test_home_shows_due_reviews_resume_latest_scores_and_a_suggestion(
    learner_client, learner, bank, practice_quiz
):
    make_finished_attempts(learner, practice_quiz, 1, percent=0)
    open_attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="exam"))
    page = learner_client.get(HOME).content.decode()
    assert open_attempt.get_absolute_url() in page
    assert "Practice quiz" in page and "0%" in page
    assert "Nothing is due" not in page and "Questions you get wrong come back here" in page


def test_home_suggests_the_weakest_topics_practice_quiz(learner_client, learner, bank, practice_quiz):
    alpha_quiz = bank.quizzes.create(
        slug="alpha", title="Alpha practice", mode="practice", question_count=5, audience="everyone"
    )
    alpha_quiz.topics.set([bank.topics.get(slug="alpha")])
    make_finished_attempts(learner, practice_quiz, 1, percent=0)  # answers a q-001: topic alpha
    page = learner_client.get(HOME).content.decode()
    assert "Your weakest topic is <strong>Alpha</strong>" in page
    assert reverse("quizzes:attempt-start", args=[alpha_quiz.pk]) in page


def test_mastery_shows_bars_untried_topics_and_practice_buttons(learner_client, learner, bank, practice_quiz):
    beta_quiz = bank.quizzes.create(
        slug="beta", title="Beta practice", mode="practice", question_count=5, audience="everyone"
    )
    beta_quiz.topics.set([bank.topics.get(slug="beta")])
    make_finished_attempts(learner, practice_quiz, 2, percent=100)
    page = learner_client.get(MASTERY).content.decode()
    assert "100%" in page and "over 2 answers" in page
    assert "Not attempted yet." in page
    assert reverse("quizzes:attempt-start", args=[beta_quiz.pk]) in page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_history_home_and_mastery_make_the_same_queries_for_1_and_200_attempts(client, learner, bank):
    client.force_login(learner)
    quiz = bank.quizzes.get(slug="practice")
    make_finished_attempts(learner, quiz, 1)
    one = {url: count_queries(client, url) for url in (HISTORY, HOME, MASTERY, CSV)}
    make_finished_attempts(learner, quiz, 199, start=timezone.now() - timedelta(days=400))
    many = {url: count_queries(client, url) for url in (HISTORY, HOME, MASTERY, CSV)}
    assert one == many
    # history: count, page, chart, percentiles, in progress, quiz filter choices
    assert one[HISTORY] == 6
    # home: due count, next due, published banks, topics, recent answers per topic,
    # topic practice quizzes, in progress, latest scores
    assert one[HOME] == 8
    # mastery: banks, topics, recent answers per topic, topic practice quizzes,
    # recent answers per clinical-judgment step, per cognitive level
    assert one[MASTERY] == 6
    assert one[CSV] == 1  # attempts (unfiltered: the quiz choices are not needed)
    assert Attempt.objects.count() == 200


def test_mastery_shows_the_clinical_judgment_breakdown_once_tagged_questions_are_answered(
    learner_client, learner, bank, practice_quiz
):
    from quizzes.models import QuestionVersion

    page = learner_client.get(MASTERY).content.decode()
    assert (
        "By kind of thinking" in page and "Clinical judgment step: no tagged questions answered yet." in page
    )
    QuestionVersion.objects.filter(question__bank=bank).update(clinical_judgment="recognize-cues")
    make_finished_attempts(learner, practice_quiz, 3, percent=100.0)
    page = learner_client.get(MASTERY).content.decode()
    assert "<caption>Clinical judgment step</caption>" in page
    row = re.search(r'<tr><th scope="row">Recognize cues</th>(.*?)</tr>', page, re.S).group(1)
    # a bar in the topics' colour scale, with the number and its band in words (never colour alone)
    assert (
        'class="scale-' in row and "<strong>100%</strong>" in row and '<td data-label="Answers">3</td>' in row
    )
