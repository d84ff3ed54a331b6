"""Many requests at once on PostgreSQL: one response per slot, correct totals, no 500.

SQLite serialises writers on its own, so these run where the production database runs.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Response, ResponseChange
from quizzes.taking import attempts
from tests.conftest import chosen

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]

THREADS = 12


@pytest.fixture(autouse=True)
def _groups():
    # Transactional tests flush every table after each test, the groups from the data migration too.
    from django.contrib.auth.models import Group

    for name in ("Learner", "Educator"):
        Group.objects.get_or_create(name=name)


def fire(count: int, request) -> list[int]:
    """Run `request(i)` from `count` threads released together; return the status codes."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            return request(i)
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ids(attempt, number, correct=True):
    version = attempt.slots.select_related("version").get(number=number).version
    return [o["id"] for o in version.spec["options"] if o["correct"] == correct][: 1 if not correct else None]


def test_many_answers_to_the_same_slot_record_exactly_one(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    key = ids(attempt, 1)
    clients = [logged_in(learner) for _ in range(THREADS)]
    url = reverse("quizzes:attempt-answer", args=[attempt.code])
    codes = fire(THREADS, lambda i: clients[i].post(url, {"slot": 1, "option": key}).status_code)
    assert codes == [302] * THREADS
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_exam_answers_changed_from_many_tabs_at_once_stay_one_response(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    right, wrong = ids(attempt, 1), ids(attempt, 1, correct=False)
    clients = [logged_in(learner) for _ in range(THREADS)]
    url = reverse("quizzes:attempt-answer", args=[attempt.code])
    codes = fire(
        THREADS, lambda i: clients[i].post(url, {"slot": 1, "option": right if i % 2 else wrong}).status_code
    )
    assert set(codes) == {302}
    response = Response.objects.get(slot__attempt=attempt)
    assert response.answer in (sorted(right), sorted(wrong))
    # The history is one unbroken chain: each replaced answer differs from the next and was replaced
    # when the next was given, ending with the response that counts.
    history = list(ResponseChange.objects.filter(slot__attempt=attempt).order_by("replaced_at", "pk"))
    given = [(c.answer, c.answered_at, c.replaced_at) for c in history]
    given.append((response.answer, response.changed_at or response.answered_at, None))
    for (answer, _, replaced_at), (following, answered_at, _) in zip(given, given[1:], strict=False):
        assert answer != following and replaced_at == answered_at


def test_options_struck_from_many_tabs_at_once_are_all_kept(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    slot = next(s for s in attempt.slots.select_related("version") if len(s.version.spec["options"]) > 2)
    options = [o["id"] for o in slot.version.spec["options"]]
    clients = [logged_in(learner) for _ in options]
    url = reverse("quizzes:attempt-answer", args=[attempt.code])
    codes = fire(
        len(options), lambda i: clients[i].post(url, {"slot": slot.number, "strike": options[i]}).status_code
    )
    assert codes == [200] * len(options)
    slot.refresh_from_db()
    assert sorted(slot.struck) == sorted(options)  # the slot's row lock lost none


def test_two_tabs_answering_different_slots_both_land(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    clients = [logged_in(learner) for _ in range(attempt.slot_count)]
    url = reverse("quizzes:attempt-answer", args=[attempt.code])
    keys = {n: ids(attempt, n) for n in range(1, attempt.slot_count + 1)}
    codes = fire(
        attempt.slot_count, lambda i: clients[i].post(url, {"slot": i + 1, "option": keys[i + 1]}).status_code
    )
    assert codes == [302] * attempt.slot_count
    assert Response.objects.filter(slot__attempt=attempt).count() == attempt.slot_count


def test_finishing_the_same_attempt_many_times_at_once_scores_it_once(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    for number in range(1, 6):
        attempts.record_answer(attempt, number, chosen(ids(attempt, number)))
    clients = [logged_in(learner) for _ in range(THREADS)]
    url = reverse("quizzes:attempt-finish", args=[attempt.code])
    # Half the items are unanswered, so each submit confirms it.
    codes = fire(THREADS, lambda i: clients[i].post(url, {"confirm": "yes"}).status_code)
    assert codes == [302] * THREADS
    attempt = Attempt.objects.get(pk=attempt.pk)
    expected = sum(r.points for r in Response.objects.filter(slot__attempt=attempt))
    assert attempt.is_finished and attempt.points == expected


def test_answers_racing_the_finish_are_either_counted_or_refused(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    keys = {n: ids(attempt, n) for n in range(1, attempt.slot_count + 1)}
    clients = [logged_in(learner) for _ in range(attempt.slot_count + 1)]
    answer_url = reverse("quizzes:attempt-answer", args=[attempt.code])
    finish_url = reverse("quizzes:attempt-finish", args=[attempt.code])

    def request(i):
        if i == attempt.slot_count:
            return clients[i].post(finish_url, {"confirm": "yes"}).status_code
        return clients[i].post(answer_url, {"slot": i + 1, "option": keys[i + 1]}).status_code

    codes = fire(attempt.slot_count + 1, request)
    assert 500 not in codes
    attempt = Attempt.objects.get(pk=attempt.pk)
    # The score is exactly the responses that made it in before the finish: none lost, none added after.
    assert attempt.points == sum(r.points for r in Response.objects.filter(slot__attempt=attempt))
