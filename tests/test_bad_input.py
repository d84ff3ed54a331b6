"""A corpus of bad input: every request gets a clear 4xx and changes nothing."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes import attempts
from quizzes.models import Attempt, Response, ReviewCard

pytestmark = pytest.mark.django_db

HUGE = "x" * 1_000_000


def state() -> tuple:
    return (
        User.objects.count(),
        Attempt.objects.count(),
        Attempt.objects.filter(finished_at__isnull=False).count(),
        list(Response.objects.values_list("slot_id", "answer", "points")),
        ReviewCard.objects.count(),
    )


@pytest.fixture
def attempt(learner, practice_quiz):
    return attempts.start_attempt(learner, practice_quiz)


def answer_url(attempt):
    return reverse("quizzes:attempt-answer", args=[attempt.code])


BAD_ANSWERS = {
    "forged option id": {"slot": "1", "option": "deadbeef"},
    "huge option id": {"slot": "1", "option": HUGE},
    "huge slot": {"slot": "9" * 5000, "option": "x"},
    "negative slot": {"slot": "-3", "option": "x"},
    "control characters": {"slot": "1\x00", "option": "\x1b[31m"},
    "unicode digits": {"slot": "١", "option": "x"},
    "no slot": {"option": "x"},
}


@pytest.mark.parametrize("data", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_bad_answers_are_refused_and_change_nothing(learner_client, attempt, data):
    before = state()
    response = learner_client.post(answer_url(attempt), data)
    assert response.status_code == 400
    assert state() == before


def test_invalid_utf8_in_the_body_is_refused(learner_client, attempt):
    before = state()
    response = learner_client.generic(
        "POST",
        answer_url(attempt),
        b"slot=1&option=%ff%fe\xff",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_methods_get_405(learner_client, attempt, method):
    before = state()
    for url in (answer_url(attempt), reverse("quizzes:attempt-finish", args=[attempt.code])):
        assert getattr(learner_client, method)(url).status_code == 405
    assert state() == before


@pytest.mark.parametrize(
    "code", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "1", "%00", "' OR 1=1 --"]
)
def test_unknown_or_malformed_attempt_codes_are_404(learner_client, code):
    assert learner_client.get(f"/attempts/{code}/").status_code == 404
    assert learner_client.post(f"/attempts/{code}/answer/", {"slot": 1}).status_code == 404


def test_another_learners_uuid_is_404_and_changes_nothing(client, other_learner, attempt):
    client.force_login(other_learner)
    before = state()
    assert client.post(answer_url(attempt), {"slot": 1, "option": "x"}).status_code == 404
    assert client.post(reverse("quizzes:attempt-finish", args=[attempt.code])).status_code == 404
    assert state() == before


def test_missing_csrf_token_is_403_with_an_explanation(learner, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    before = state()
    response = client.post(answer_url(attempt), {"slot": 1, "option": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert client.post(reverse("quizzes:attempt-finish", args=[attempt.code])).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "yes please"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "<script>", "HTTP_HX_TRIGGER": "\x00"},
        {"HTTP_HX_REQUEST": "\u202e"},
    ],
)
def test_malformed_htmx_headers_do_not_break_anything(learner_client, attempt, headers):
    item = learner_client.get(reverse("quizzes:attempt-item", args=[attempt.code, 1]), **headers)
    assert item.status_code == 200
    before = state()
    assert (
        learner_client.post(answer_url(attempt), {"slot": 1, "option": "forged"}, **headers).status_code
        == 400
    )
    assert state() == before


@pytest.mark.parametrize(
    "username",
    ["", "x" * 200, "bad\x00name", "<script>alert(1)</script>", "tab\tname"],
)
def test_bad_sign_ups_get_form_errors(client, username):
    before = state()
    response = client.post(
        reverse("signup"),
        {"username": username, "password1": "long-enough-pass-9", "password2": "long-enough-pass-9"},
    )
    assert response.status_code in (200, 400)
    assert 'class="error"' in response.content.decode() or response.status_code == 400
    assert state() == before


def test_huge_history_filter_values_are_handled(learner_client):
    response = learner_client.get(
        reverse("quizzes:attempt-list"), {"quiz": HUGE[:10000], "mode": HUGE[:10000]}
    )
    assert response.status_code == 200
    assert "That filter is not available" in response.content.decode()


def test_page_numbers_out_of_range_fall_back(learner_client):
    for page in ("0", "-1", "99999", "abc", "1e309"):
        assert learner_client.get(reverse("quizzes:attempt-list"), {"page": page}).status_code == 200
