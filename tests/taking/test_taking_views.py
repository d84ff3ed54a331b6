"""The learner's quiz loop through the test client: full pages, htmx fragments, access and bad input."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Quiz, Response
from quizzes.taking import attempts
from tests.conftest import make_bank, make_finished_attempts

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
KEY_MARKERS = ("RATIONALE-", "EXPLANATION-", "Correct answer", "is-key", "Explanation")


def item_url(attempt, number):
    return reverse("quizzes:attempt-item", args=[attempt.code, number])


def answer_url(attempt):
    return reverse("quizzes:attempt-answer", args=[attempt.code])


def slot(attempt, number):
    return attempt.slots.select_related("version").get(number=number)


def key_ids(attempt, number):
    return [o["id"] for o in slot(attempt, number).version.spec["options"] if o["correct"]]


def wrong_ids(attempt, number):
    return [next(o["id"] for o in slot(attempt, number).version.spec["options"] if not o["correct"])]


def answer(client, attempt, number, option_ids, **extra):
    return client.post(answer_url(attempt), {"slot": number, "option": option_ids}, **extra)


# -- quiz list and start ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, practice):
    for url in [
        reverse("quizzes:quiz-list"),
        reverse("quizzes:attempt-list"),
        item_url(practice, 1),
        reverse("quizzes:attempt-result", args=[practice.code]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_quiz_list_offers_start_and_then_resume(learner_client, practice_quiz):
    page = learner_client.get(reverse("quizzes:quiz-list")).content.decode()
    assert "Practice quiz" in page and "Exam quiz" in page and "30 minutes" in page
    learner_client.post(reverse("quizzes:attempt-start", args=[practice_quiz.pk]))
    attempt = Attempt.objects.get()
    page = learner_client.get(reverse("quizzes:quiz-list")).content.decode()
    assert attempt.get_absolute_url() in page and "Resume" in page


def test_start_creates_one_attempt_and_goes_to_the_first_item(learner_client, practice_quiz):
    url = reverse("quizzes:attempt-start", args=[practice_quiz.pk])
    response = learner_client.post(url, follow=True)
    attempt = Attempt.objects.get()
    assert response.redirect_chain[-1][0] == item_url(attempt, 1)
    learner_client.post(url)  # a double click resumes rather than starting a second attempt
    assert Attempt.objects.count() == 1


def test_start_only_accepts_post(learner_client, practice_quiz):
    assert learner_client.get(reverse("quizzes:attempt-start", args=[practice_quiz.pk])).status_code == 405


def test_unpublished_quiz_cannot_be_started(learner_client, practice_quiz):
    practice_quiz.is_published = False
    practice_quiz.save()
    assert learner_client.post(reverse("quizzes:attempt-start", args=[practice_quiz.pk])).status_code == 404


# -- one item at a time ---------------------------------------------------------------------------------


def test_item_page_shows_the_question_and_progress_but_no_key(learner_client, practice):
    page = learner_client.get(item_url(practice, 3)).content.decode()
    assert "Question 3 of 10" in page and '<progress max="10" value="3"' in page
    assert "<fieldset" in page and "<legend" in page
    assert slot(practice, 3).version.stem in page
    for marker in KEY_MARKERS:
        assert marker not in page, marker


def test_item_fragment_is_just_the_question_card(learner_client, practice):
    response = learner_client.get(item_url(practice, 1), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="question-card"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    for marker in KEY_MARKERS:
        assert marker not in html
    # Sent after every answer: without the template's indentation and empty lines (quizzes.text).
    assert not [line for line in html.splitlines() if line[:1].isspace() or not line.strip()][1:]


def test_exam_item_has_no_key_even_after_it_is_answered(learner_client, exam):
    answer(learner_client, exam, 1, key_ids(exam, 1))
    page = learner_client.get(item_url(exam, 1)).content.decode()
    for marker in KEY_MARKERS:
        assert marker not in page
    assert "checked" in page  # the learner's own answer is kept and can be changed


def test_another_learners_attempt_is_a_404(client, other_learner, practice):
    client.force_login(other_learner)
    code = practice.code
    for url in [
        item_url(practice, 1),
        reverse("quizzes:attempt-detail", args=[code]),
        reverse("quizzes:attempt-finish", args=[code]),
        reverse("quizzes:attempt-result", args=[code]),
    ]:
        assert client.get(url).status_code == 404, url
    assert answer(client, practice, 1, key_ids(practice, 1)).status_code == 404
    assert client.post(reverse("quizzes:attempt-finish", args=[code])).status_code == 404
    assert not Response.objects.exists() and not Attempt.objects.get().is_finished


def test_an_item_outside_the_attempt_is_a_404(learner_client, practice):
    assert learner_client.get(item_url(practice, 11)).status_code == 404
    assert learner_client.get(item_url(practice, 0)).status_code == 404


def test_answer_only_accepts_post(learner_client, practice):
    assert learner_client.get(answer_url(practice)).status_code == 405


# -- answering in practice mode -----------------------------------------------------------------------


def test_practice_answer_swaps_in_the_feedback(learner_client, practice):
    response = answer(learner_client, practice, 1, wrong_ids(practice, 1), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="question-card"')
    assert "Incorrect" in html and "Correct answer" in html and "Your answer" in html
    version = slot(practice, 1).version
    assert all(o["rationale"] in html for o in version.spec["options"])
    assert version.explanation in html and version.source_section in html
    assert 'hx-get="' + item_url(practice, 2) in html  # Next question


def test_practice_answer_without_javascript_redirects_to_the_feedback(learner_client, practice):
    response = answer(learner_client, practice, 1, key_ids(practice, 1))
    assert response.status_code == 302 and response.url == item_url(practice, 1)
    page = learner_client.get(response.url).content.decode()
    assert "Correct" in page and slot(practice, 1).version.explanation in page


def test_the_last_practice_item_offers_finish(learner_client, practice):
    html = answer(learner_client, practice, 10, key_ids(practice, 10), **HTMX).content.decode()
    assert reverse("quizzes:attempt-finish", args=[practice.code]) in html
    assert "Finish and see my score" in html


def test_posting_the_same_answer_twice_records_one_response(learner_client, practice):
    answer(learner_client, practice, 1, key_ids(practice, 1), **HTMX)
    answer(learner_client, practice, 1, key_ids(practice, 1), **HTMX)
    assert Response.objects.filter(slot__attempt=practice).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"slot": "1", "option": ["forged"]},
        {"slot": "11", "option": ["x"]},
        {"slot": "0", "option": ["x"]},
        {"slot": "-1", "option": ["x"]},
        {"slot": "one", "option": ["x"]},
        {"option": ["x"]},
    ],
)
def test_tampered_answers_get_a_400_and_change_nothing(learner_client, practice, data):
    response = learner_client.post(answer_url(practice), data)
    assert response.status_code == 400
    assert "question" in response.content.decode()
    assert not Response.objects.exists()


def test_an_option_of_another_item_is_refused(learner_client, practice):
    response = answer(learner_client, practice, 1, key_ids(practice, 2))
    assert response.status_code == 400 and not Response.objects.exists()


def test_two_answers_to_a_single_answer_item_are_refused(learner_client, practice):
    single = next(s for s in practice.slots.select_related("version") if s.version.item_type == "single")
    ids = [o["id"] for o in single.version.spec["options"][:2]]
    assert answer(learner_client, practice, single.number, ids).status_code == 400


def test_submitting_nothing_asks_for_an_answer(learner_client, practice):
    response = learner_client.post(answer_url(practice), {"slot": 1}, **HTMX)
    assert response.status_code == 200
    assert "Choose an answer before submitting." in response.content.decode()
    assert not Response.objects.exists()


def test_csrf_token_is_required_for_htmx_posts_too(learner, practice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert answer(client, practice, 1, key_ids(practice, 1), **HTMX).status_code == 403
    assert not Response.objects.exists()
    client.get(item_url(practice, 1))
    token = client.cookies["csrftoken"].value
    response = answer(client, practice, 1, key_ids(practice, 1), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200 and Response.objects.count() == 1


def test_every_page_puts_the_csrf_token_where_htmx_sends_it(learner_client, practice):
    page = learner_client.get(item_url(practice, 1)).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "/static/django_htmx/htmx" in page and "unpkg" not in page


# -- answering in exam mode -------------------------------------------------------------------------------


def test_exam_answer_moves_to_the_next_item_without_feedback(learner_client, exam):
    response = answer(learner_client, exam, 1, wrong_ids(exam, 1), **HTMX)
    html = response.content.decode()
    assert "Question 2 of 5" in html
    assert response["HX-Push-Url"] == item_url(exam, 2)
    for marker in KEY_MARKERS:
        assert marker not in html


def test_exam_answer_without_javascript_redirects_to_the_next_item(learner_client, exam):
    response = answer(learner_client, exam, 1, wrong_ids(exam, 1))
    assert response.status_code == 302 and response.url == item_url(exam, 2)


def test_exam_answer_can_be_changed_before_submitting(learner_client, exam):
    answer(learner_client, exam, 1, wrong_ids(exam, 1))
    answer(learner_client, exam, 1, key_ids(exam, 1))
    response = Response.objects.get(slot__attempt=exam)
    assert response.answer == sorted(key_ids(exam, 1)) and response.changed_at is not None


def test_after_the_last_exam_item_htmx_goes_to_the_finish_page(learner_client, exam):
    response = answer(learner_client, exam, 5, key_ids(exam, 5), **HTMX)
    assert response["HX-Redirect"] == reverse("quizzes:attempt-finish", args=[exam.code])


def test_exam_page_shows_the_time_left(learner_client, exam):
    page = learner_client.get(item_url(exam, 1)).content.decode()
    assert "Time left:" in page and "data-deadline=" in page
    assert "29 min" in page or "30 min" in page


def test_answer_after_the_deadline_is_refused_and_the_exam_is_scored(learner_client, exam):
    answer(learner_client, exam, 1, key_ids(exam, 1))
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = answer(learner_client, exam, 2, key_ids(exam, 2), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt-result", args=[exam.code])
    assert "Time is up" in response.content.decode()
    exam.refresh_from_db()
    assert exam.is_finished and exam.points == slot(exam, 1).version.max_points
    assert Response.objects.filter(slot__attempt=exam).count() == 1


def test_htmx_answer_after_the_deadline_redirects_the_whole_page(learner_client, exam):
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = answer(learner_client, exam, 1, key_ids(exam, 1), **HTMX)
    assert response["HX-Redirect"] == reverse("quizzes:attempt-result", args=[exam.code])
    assert not Response.objects.exists()


def test_an_answer_arriving_in_the_grace_seconds_is_refused_and_the_exam_is_scored(learner_client, exam):
    """Sent after the deadline: the grace is for requests already in flight, not for late ones."""
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(seconds=2))
    response = answer(learner_client, exam, 1, key_ids(exam, 1), **HTMX)
    assert response["HX-Redirect"] == reverse("quizzes:attempt-result", args=[exam.code])
    assert not Response.objects.exists()
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    learner_client.get(item_url(exam, 1))  # once the grace has passed, the next request closes it
    exam.refresh_from_db()
    assert exam.finished_at == exam.deadline and exam.points == 0


def test_the_countdown_says_when_the_deadline_is_the_quiz_closing(learner, learner_client, practice_quiz):
    closes = timezone.now() + timedelta(minutes=20)
    Quiz.objects.filter(pk=practice_quiz.pk).update(closes_at=closes)
    attempt = attempts.start_attempt(learner, Quiz.objects.get(pk=practice_quiz.pk))
    page = learner_client.get(item_url(attempt, 1)).content.decode()
    assert "Time left:" in page and "The quiz closes at" in page
    exam = attempts.start_attempt(learner, Quiz.objects.get(slug="exam"))
    assert "The quiz closes at" not in learner_client.get(item_url(exam, 1)).content.decode()


def test_a_practice_attempt_is_closed_and_scored_once_its_quiz_has_closed(
    learner, learner_client, practice_quiz
):
    start = timezone.now() - timedelta(minutes=30)
    Quiz.objects.filter(pk=practice_quiz.pk).update(closes_at=start + timedelta(minutes=10))
    attempt = attempts.start_attempt(learner, Quiz.objects.get(pk=practice_quiz.pk), now=start)
    response = answer(learner_client, attempt, 1, key_ids(attempt, 1), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt-result", args=[attempt.code])
    assert "the quiz closed" in response.content.decode().lower()
    attempt.refresh_from_db()
    assert attempt.finished_at == start + timedelta(minutes=10) and not Response.objects.exists()


# -- finish, results, resume ------------------------------------------------------------------------------


def test_finish_page_lists_unanswered_items(learner_client, exam):
    answer(learner_client, exam, 2, key_ids(exam, 2))
    page = learner_client.get(reverse("quizzes:attempt-finish", args=[exam.code])).content.decode()
    assert "You have answered 1 of 5" in page
    unanswered = page.split('id="unanswered-heading"')[1].split("</section>")[0]
    assert "Not answered yet (4)" in unanswered
    assert item_url(exam, 1) in unanswered and item_url(exam, 2) not in unanswered


def test_finishing_shows_score_topics_and_review(learner_client, practice):
    for number in range(1, 11):
        answer(
            learner_client,
            practice,
            number,
            key_ids(practice, number) if number <= 5 else wrong_ids(practice, number),
        )
    response = learner_client.post(reverse("quizzes:attempt-finish", args=[practice.code]), follow=True)
    page = response.content.decode()
    practice.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt-result", args=[practice.code])
    assert f"{practice.percent:.0f}%" in page and f"of {practice.max_points:g} points" in page
    assert "By topic" in page and "Alpha" in page and "Beta" in page
    assert page.count('class="card review-item"') == 10
    assert "RATIONALE-" in page and "EXPLANATION-" in page and "Your answer" in page


def test_results_of_an_unfinished_attempt_are_not_shown(learner_client, practice):
    response = learner_client.get(reverse("quizzes:attempt-result", args=[practice.code]))
    assert response.status_code == 302 and response.url == practice.get_absolute_url()


def test_finished_attempt_pages_lead_to_the_results(learner_client, practice):
    attempts.finish_attempt(practice)
    result = reverse("quizzes:attempt-result", args=[practice.code])
    assert learner_client.get(item_url(practice, 1)).url == result
    assert learner_client.post(reverse("quizzes:attempt-finish", args=[practice.code])).url == result
    assert answer(learner_client, practice, 1, key_ids(practice, 1)).url == result
    assert not Response.objects.exists()


def test_resume_continues_at_the_first_unanswered_item_with_the_same_questions(learner_client, practice):
    before = list(practice.slots.values_list("number", "version_id"))
    answer(learner_client, practice, 1, key_ids(practice, 1))
    answer(learner_client, practice, 2, key_ids(practice, 2))
    response = learner_client.get(practice.get_absolute_url())
    assert response.url == item_url(practice, 3)
    assert list(practice.slots.values_list("number", "version_id")) == before

    def options_shown():
        return re.findall(
            r'name="option" value="(\w+)"', learner_client.get(item_url(practice, 3)).content.decode()
        )

    assert len(options_shown()) >= 2
    assert options_shown() == options_shown()  # the same options in the same order on every visit


def test_opening_an_expired_exam_closes_it(learner_client, exam):
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = learner_client.get(item_url(exam, 1), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:attempt-result", args=[exam.code])
    assert "Time is up" in response.content.decode()


# -- my attempts ------------------------------------------------------------------------------------------


def test_my_attempts_lists_only_my_own(client, learner, other_learner, practice_quiz):
    mine = attempts.finish_attempt(attempts.start_attempt(learner, practice_quiz))
    theirs = attempts.start_attempt(other_learner, practice_quiz)
    client.force_login(learner)
    page = client.get(reverse("quizzes:attempt-list")).content.decode()
    assert reverse("quizzes:attempt-result", args=[mine.code]) in page
    assert str(theirs.code) not in page
    assert "0%" in page


# -- query counts -----------------------------------------------------------------------------------------


def queries(client, method, url, data=None, **extra) -> int:
    """Statements a request sends, leaving out SAVEPOINT / RELEASE SAVEPOINT: the test's own transaction
    turns each atomic block into a savepoint, where production runs a BEGIN / COMMIT that is not a query."""
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), response.status_code
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


@pytest.fixture
def big_and_small(client, learner):
    client.force_login(learner)
    made = {}
    for size in (10, 500):
        bank = make_bank(size, slug=f"b{size}", practice_count=10)
        made[size] = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    return client, made


def test_each_step_makes_the_same_few_queries_for_a_small_and_a_large_bank(big_and_small):
    client, made = big_and_small
    counts = {}
    for size, attempt in made.items():
        counts[size] = {
            # attempt + quiz, slot + version + response
            "item": queries(client, "get", item_url(attempt, 1)),
            # one read: the attempt locked with its quiz, the slot (and the next) with version and
            # response; insert; the passages the feedback quotes
            "answer": queries(
                client, "post", answer_url(attempt), {"slot": 1, "option": key_ids(attempt, 1)}, **HTMX
            ),
            "feedback": queries(client, "get", item_url(attempt, 1), **HTMX),
        }
        attempts.finish_attempt(attempt)
        # attempt + quiz, slots with versions, topics, responses; the answers changed;
        # the cited passages; first attempts (percentile)
        counts[size]["results"] = queries(
            client, "get", reverse("quizzes:attempt-result", args=[attempt.code])
        )
    assert counts[10] == counts[500]
    assert counts[10]["item"] == 2
    assert counts[10]["feedback"] == 3
    assert counts[10]["results"] == 5
    assert counts[10]["answer"] == 3


def test_start_finish_and_lists_make_the_same_queries_whatever_the_bank_size(client, learner):
    client.force_login(learner)
    counts = {}
    for size in (10, 500):
        quiz = make_bank(size, slug=f"s{size}").quizzes.get(slug="practice")
        start = queries(client, "post", reverse("quizzes:attempt-start", args=[quiz.pk]))
        attempt = Attempt.objects.get(quiz=quiz)
        counts[size] = {
            "start": start,
            # attempt + quiz, the slots' states (answered, flagged)
            "finish page": queries(client, "get", reverse("quizzes:attempt-finish", args=[attempt.code])),
            "finish": queries(
                client, "post", reverse("quizzes:attempt-finish", args=[attempt.code]), {"confirm": "yes"}
            ),
            # published quizzes with their banks, the learner's open attempts
            "quiz list": queries(client, "get", reverse("quizzes:quiz-list")),
            # count, a page, the chart, percentiles, in progress, quiz filter
            "attempt list": queries(client, "get", reverse("quizzes:attempt-list")),
        }
        Attempt.objects.filter(quiz=quiz).delete()
    assert counts[10] == counts[500]
    assert counts[10]["finish page"] == 2
    assert counts[10]["quiz list"] == 2
    assert counts[10]["attempt list"] == 6


def test_answers_stay_within_their_query_budget_whatever_the_learners_history(client, learner, bank):
    """The query budget of the hottest request (issue 23): an htmx exam answer in at most 3 queries, a
    practice answer in at most 4, and no more for a learner with a long history. The session and the user
    come from the cache (see quizzes.accounts.backends)."""
    client.force_login(learner)
    practice, exam = bank.quizzes.get(slug="practice"), bank.quizzes.get(slug="exam")
    counts = []
    for history in (0, 200):
        make_finished_attempts(learner, practice, history)
        p = attempts.start_attempt(learner, practice)
        e = attempts.start_attempt(learner, exam)
        counts.append(
            {
                # one read: the attempt locked with its quiz, slot 1 and 2 with version and response;
                # insert; the passages the feedback quotes
                "practice": queries(
                    client, "post", answer_url(p), {"slot": 1, "option": key_ids(p, 1)}, **HTMX
                ),
                # the same read (slot 2 is the next item of the swap, the navigator entry comes from
                # slot 1), insert
                "exam": queries(client, "post", answer_url(e), {"slot": 1, "option": key_ids(e, 1)}, **HTMX),
                # a changed exam answer: the same read, an update of the response as read (see
                # attempts._replace_response) instead of the insert, and the replaced answer kept (insert)
                "exam change": queries(
                    client, "post", answer_url(e), {"slot": 1, "option": wrong_ids(e, 1)}, **HTMX
                ),
            }
        )
        attempts.finish_attempt(p)
        attempts.finish_attempt(e)
    assert counts[0] == counts[1] == {"practice": 3, "exam": 2, "exam change": 3}
