"""A browser that loses the response to an answer retries the very same POST: same result, one response.

The response can be lost three ways: it was sent and never read (a dropped connection), the worker died after
the answer was committed and before it responded, or it died before the commit. `make faults` does the same
to gunicorn under load (tests/bench/faults.py); here each case is pinned at the view level, for practice and
exam, over htmx and by plain POST, on a middle item and on the last.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Response
from quizzes.taking import attempts

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")  # masked anew on every page
TIME_LEFT = re.compile(rb"\d+ min \d\d s")  # an exam's countdown, lower on a later response
SHOWN = re.compile(
    rb'name="shown" value="[^"]*"'
)  # when the item was shown (quizzes.taking.timing), stamped anew


class WorkerKilled(Exception):
    """Stands for a worker that dies in the middle of a request."""


class Clock:
    """timezone.now, moved on by hand: a retry comes a few seconds after the post it repeats."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def tick(self) -> None:
        self.now += timedelta(seconds=5)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(params=["practice", "exam"])
def attempt(request, learner, practice_quiz, exam_quiz, clock) -> Attempt:
    return attempts.start_attempt(learner, practice_quiz if request.param == "practice" else exam_quiz)


@pytest.fixture(params=[False, True], ids=["plain", "htmx"])
def htmx(request) -> dict:
    return HTMX if request.param else {}


@pytest.fixture(params=["middle", "last"])
def number(request, attempt) -> int:
    return 2 if request.param == "middle" else attempt.slot_count


def first_option(attempt: Attempt, number: int) -> str:
    return attempt.slots.get(number=number).version.spec["options"][0]["id"]


def post_answer(client, attempt: Attempt, number: int, option: str, htmx: dict):
    url = reverse("quizzes:attempt-answer", args=[attempt.code])
    return client.post(url, {"slot": number, "option": [option]}, **htmx)


def result(response) -> tuple:
    """What the browser gets: status, where it is sent, and the page with its CSRF tokens blanked."""
    where = [response.get(h) for h in ("Location", "HX-Push-Url", "HX-Redirect")]
    content = SHOWN.sub(b"SHOWN", TIME_LEFT.sub(b"TIME", CSRF_TOKEN.sub(b"TOKEN", response.content)))
    return response.status_code, where, content


def assert_acknowledges(response, attempt: Attempt, number: int, htmx: dict) -> None:
    """The response a stored answer gets: feedback in practice, the next step in an exam."""
    item = reverse("quizzes:attempt-item", args=[attempt.code, number])
    following = reverse("quizzes:attempt-item", args=[attempt.code, number + 1])
    finish = reverse("quizzes:attempt-finish", args=[attempt.code])
    last = number == attempt.slot_count
    if attempt.is_exam and htmx:
        assert response.status_code == 200
        if last:
            assert response["HX-Redirect"] == finish
        else:
            assert response["HX-Push-Url"] == following
            assert f"Question {number + 1} of {attempt.slot_count}" in response.content.decode()
    elif attempt.is_exam:
        assert response.status_code == 302 and response["Location"] == (finish if last else following)
    elif htmx:
        assert response.status_code == 200 and "RATIONALE-" in response.content.decode()
    else:
        assert response.status_code == 302 and response["Location"] == item


def stored(attempt: Attempt) -> list[tuple[int, list, object, object]]:
    rows = Response.objects.filter(slot__attempt=attempt).order_by("slot__number")
    return [(r.slot.number, r.answer, r.answered_at, r.changed_at) for r in rows.select_related("slot")]


def test_a_retry_after_an_unread_response_gets_the_same_response(
    learner_client, attempt, number, htmx, clock
):
    option = first_option(attempt, number)
    lost = post_answer(learner_client, attempt, number, option, htmx)
    after_first = stored(attempt)
    clock.tick()
    retry = post_answer(learner_client, attempt, number, option, htmx)

    assert_acknowledges(retry, attempt, number, htmx)
    assert result(retry) == result(lost)
    assert stored(attempt) == after_first  # the retry rewrote nothing, not even a timestamp
    assert [(n, answer, changed) for n, answer, _, changed in after_first] == [(number, [option], None)]


def test_a_retry_after_the_worker_died_past_the_commit_is_acknowledged_once(
    learner_client, attempt, number, htmx, clock, monkeypatch
):
    def commit_then_die(record):
        def died(*args, **kwargs):
            record(*args, **kwargs)
            raise WorkerKilled

        return died

    option = first_option(attempt, number)
    learner_client.raise_request_exception = False
    with monkeypatch.context() as patch:
        # Both ways an answer is recorded: the view's one locked read, and the usual way it falls back to.
        patch.setattr(attempts, "answer_in_one_read", commit_then_die(attempts.answer_in_one_read))
        patch.setattr(attempts, "record_answer", commit_then_die(attempts.record_answer))
        assert post_answer(learner_client, attempt, number, option, htmx).status_code == 500
    after_crash = stored(attempt)
    assert [(n, answer, changed) for n, answer, _, changed in after_crash] == [(number, [option], None)]

    clock.tick()
    retry = post_answer(learner_client, attempt, number, option, htmx)
    assert_acknowledges(retry, attempt, number, htmx)
    assert stored(attempt) == after_crash
    clock.tick()
    assert result(post_answer(learner_client, attempt, number, option, htmx)) == result(retry)


def test_a_retry_after_the_worker_died_before_the_commit_stores_the_answer_once(
    learner_client, attempt, number, htmx, monkeypatch
):
    save_response = attempts._save_response

    def write_then_die(*args, **kwargs):
        save_response(*args, **kwargs)
        raise WorkerKilled  # inside the transaction: the INSERT is rolled back

    option = first_option(attempt, number)
    learner_client.raise_request_exception = False
    with monkeypatch.context() as patch:
        patch.setattr(attempts, "_save_response", write_then_die)
        assert post_answer(learner_client, attempt, number, option, htmx).status_code == 500
    assert stored(attempt) == []

    retry = post_answer(learner_client, attempt, number, option, htmx)
    assert_acknowledges(retry, attempt, number, htmx)
    assert [(n, answer) for n, answer, _, _ in stored(attempt)] == [(number, [option])]


@pytest.mark.parametrize("attempt", ["exam"], indirect=True)
def test_a_retried_exam_change_keeps_the_new_answer_and_when_it_changed(learner_client, attempt, htmx, clock):
    first, second = (o["id"] for o in attempt.slots.get(number=2).version.spec["options"][:2])
    post_answer(learner_client, attempt, 2, first, htmx)
    clock.tick()
    lost = post_answer(learner_client, attempt, 2, second, htmx)
    changed = stored(attempt)
    assert [(n, answer, when) for n, answer, _, when in changed] == [(2, [second], clock.now)]

    clock.tick()
    retry = post_answer(learner_client, attempt, 2, second, htmx)
    assert result(retry) == result(lost)
    assert stored(attempt) == changed
