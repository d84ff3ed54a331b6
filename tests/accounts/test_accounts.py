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


# -- log-in throttling behind a load balancer (issue 15, finding 6) ------------------------------------------

BALANCER = "10.0.0.2"  # every request reaches the app from the load balancer


def log_in_from(client, address: str, username: str, password: str, **headers):
    """A log-in that reached the app through the load balancer, which appended the client's address."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=headers.pop("forwarded", address),
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXIES = 1


def lock(client, username: str, address: str, settings, **headers) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in_from(client, address, username, "wrong", **headers)


def test_a_300_character_username_at_log_in_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()


def test_a_username_with_a_nul_at_log_in_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "ada\x00", "password": "whatever"})
    assert response.status_code == 200
    assert "control character U+0000" in response.content.decode()


def test_behind_the_balancer_a_locked_username_still_logs_in_from_its_owners_address(
    client, learner, settings, behind_one_proxy
):
    lock(client, learner.username, "203.0.113.5", settings)
    assert log_in_from(client, "203.0.113.5", learner.username, PASSWORD).status_code == 429
    response = log_in_from(client, "198.51.100.7", learner.username, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(learner.pk)


def test_a_forged_address_left_of_the_balancers_entry_does_not_dodge_the_lock(
    client, learner, settings, behind_one_proxy
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in_from(client, "", learner.username, "wrong", forwarded=f"192.0.2.{n}, 203.0.113.5")
    response = log_in_from(client, "", learner.username, PASSWORD, forwarded="192.0.2.99, 203.0.113.5")
    assert response.status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, learner, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in_from(client, f"192.0.2.{n}", learner.username, "wrong")
    assert log_in_from(client, "192.0.2.99", learner.username, PASSWORD).status_code == 429


def test_one_address_is_locked_after_failures_across_usernames(client, learner, settings, behind_one_proxy):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):  # one failure each: no username comes near its own limit
        assert log_in_from(client, "203.0.113.5", f"guess-{n}", "wrong").status_code == 200
    response = log_in_from(client, "203.0.113.5", learner.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert log_in_from(client, "198.51.100.7", learner.username, PASSWORD).status_code == 302


def test_a_lock_ends_after_the_cool_off_and_failures_while_locked_do_not_extend_it(
    client, learner, settings, behind_one_proxy
):
    from axes.models import AccessAttempt

    lock(client, learner.username, "203.0.113.5", settings)
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        assert log_in_from(client, "203.0.113.5", learner.username, "wrong").status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at
    AccessAttempt.objects.update(attempt_time=locked_at - settings.AXES_COOLOFF_TIME)
    assert log_in_from(client, "203.0.113.5", learner.username, PASSWORD).status_code == 302


# -- sign-up: throttled per address, no blank or one-character passwords (issue 15, finding 11) -------------


def sign_up_from(client, address: str, username: str, password: str = "a-long-study-pass-22"):
    return client.post(
        reverse("signup"),
        {"username": username, "password1": password, "password2": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaaa", " " * 12, "\u200b" * 12, "\U0001f600" * 8],
    ids=["one letter", "spaces", "zero-width spaces", "one emoji"],
)
def test_sign_up_refuses_blank_and_one_character_passwords(client, password):
    response = client.post(
        reverse("signup"), {"username": "mary", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "no visible characters" in page or "one character repeated" in page
    assert not User.objects.filter(username="mary").exists()


def test_sign_ups_are_throttled_per_client_address(client, settings, behind_one_proxy):
    settings.SIGNUPS_PER_HOUR = 3
    assert sign_up_from(client, "203.0.113.5", "taken").status_code == 302
    client.logout()
    assert sign_up_from(client, "203.0.113.5", "taken").status_code == 200  # taken: it counts all the same
    assert sign_up_from(client, "203.0.113.5", "second").status_code == 302
    client.logout()
    response = sign_up_from(client, "203.0.113.5", "third")
    assert response.status_code == 429
    assert "Too many sign-ups from your network" in response.content.decode()
    assert not User.objects.filter(username="third").exists()
    # The refusal says nothing about whether a username exists.
    assert "already exists" not in sign_up_from(client, "203.0.113.5", "taken").content.decode()
    assert sign_up_from(client, "198.51.100.7", "third").status_code == 302
