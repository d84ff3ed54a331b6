"""Sign-up, log-in, log-out and password change."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_makes_a_learner_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "mary", "password1": "a-long-study-pass-22", "password2": "a-long-study-pass-22"},
    )
    assert response.status_code == 302 and response.url == reverse("quizzes:home")
    user = User.objects.get(username="mary")
    assert list(user.groups.values_list("name", flat=True)) == ["Learner"]
    assert client.get(reverse("quizzes:quiz-list")).status_code == 200


def test_sign_up_errors_appear_next_to_the_fields(client):
    response = client.post(reverse("signup"), {"username": "mary", "password1": "abc", "password2": "abd"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "didn’t match" in page or "didn't match" in page
    assert not User.objects.filter(username="mary").exists()


def test_log_in_page_has_labelled_fields(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page


def test_log_in_and_log_out(client, learner):
    response = client.post(reverse("login"), {"username": learner.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("quizzes:home")
    assert client.get(reverse("logout")).status_code == 405  # log-out is a POST, so a link cannot do it
    client.post(reverse("logout"))
    assert client.get(reverse("quizzes:quiz-list")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, learner):
    response = client.post(reverse("login"), {"username": learner.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change(learner_client, learner):
    response = learner_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-and-long-2026",
            "new_password2": "fresh-and-long-2026",
        },
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    learner.refresh_from_db()
    assert learner.check_password("fresh-and-long-2026")


def test_password_change_needs_log_in(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_repeated_failed_log_ins_are_throttled_with_a_clear_message(client, learner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": learner.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": learner.username, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # Even the right password is refused while the lockout lasts.
    response = client.post(reverse("login"), {"username": learner.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_username_is_not_locked_out_by_someone_elses_failures(
    client, learner, other_learner, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": learner.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": other_learner.username, "password": PASSWORD})
    assert response.status_code == 302
