"""Accounts (issue 19): password reset by e-mail, e-mail at sign-up, the profile, times in the user's zone."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from quizzes.models import Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://[^/]+(/accounts/password/reset/[^\s]+/)", message.body).group(1)


def test_a_learner_resets_a_forgotten_password_by_e_mail(client, learner):
    learner.email = "ada@example.org"
    learner.save()
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page
    response = client.post(reverse("password_reset"), {"email": "ADA@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox[0].to == ["ada@example.org"] and "MMN Quiz" in mail.outbox[0].subject
    link = reset_link()
    form_page = client.get(link, follow=True)  # Django moves the token into the session first
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "violet-heron-2027", "new_password2": "violet-heron-2027"},
    )
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    learner.refresh_from_db()
    assert learner.check_password("violet-heron-2027")
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again  # used once


def test_an_unknown_address_sends_nothing_and_says_the_same(client, learner):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["not-an-address", "a\x00@example.org", "x" * 300 + "@example.org", ""])
def test_a_bad_address_is_a_form_error(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert mail.outbox == []


def test_sign_up_takes_an_optional_e_mail(client):
    data = {"username": "newbie", "password1": "violet-heron-2027", "password2": "violet-heron-2027"}
    assert client.post(reverse("signup"), data | {"email": "newbie@example.org"}).status_code == 302
    from django.contrib.auth.models import User

    assert User.objects.get(username="newbie").email == "newbie@example.org"
    other = Client()
    assert other.post(reverse("signup"), data | {"username": "quiet"}).status_code == 302
    assert User.objects.get(username="quiet").email == ""
    bad = Client().post(reverse("signup"), data | {"username": "bad", "email": "nope"})
    assert bad.status_code == 200 and not User.objects.filter(username="bad").exists()


def test_the_profile_saves_name_e_mail_and_time_zone(learner_client, learner):
    page = learner_client.get(reverse("profile")).content.decode()
    assert "Your browser&#x27;s time zone" in page or "Your browser's time zone" in page
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "time_zone": "Asia/Tokyo",
    }
    response = learner_client.post(reverse("profile"), data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.first_name, learner.last_name, learner.email) == ("Ada", "Lovelace", "ada@example.org")
    assert Profile.objects.get(user=learner).time_zone == "Asia/Tokyo"


@pytest.mark.parametrize(
    "data",
    [{"time_zone": "Mars/Olympus"}, {"first_name": "A\x00"}, {"email": "nope"}, {"last_name": "x" * 151}],
)
def test_bad_profiles_are_form_errors(learner_client, learner, data):
    response = learner_client.post(reverse("profile"), data)
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Profile.objects.exists()


def test_an_educator_must_give_an_e_mail(client, educator):
    client.force_login(educator)
    response = client.post(reverse("profile"), {"first_name": "Florence"})
    assert response.status_code == 200 and "Required for educators" in response.content.decode()
    assert client.post(reverse("profile"), {"email": "f@example.org"}).status_code == 302


def test_times_show_in_the_profiles_zone_and_forms_read_them_there(client, educator, educator_bank):
    Profile.objects.create(user=educator, time_zone="Asia/Tokyo")  # UTC+9, no daylight saving
    client.post(reverse("login"), {"username": educator.username, "password": PASSWORD})
    quiz = educator_bank.quizzes.get(slug="exam")
    page = client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).content.decode()
    assert "Time zone Asia/Tokyo" in page
    from tests.authoring.test_authoring_quizzes import quiz_post

    data = quiz_post(title="Exam quiz", mode="exam", time_limit_minutes="30", closes_at="2030-01-01T09:00")
    assert client.post(reverse("quizzes:quiz-edit", args=[quiz.pk]), data).status_code == 302
    quiz.refresh_from_db()
    assert quiz.closes_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)  # stored in UTC


def test_without_a_profile_zone_the_browsers_cookie_is_used(client, educator, educator_bank):
    client.force_login(educator)
    client.cookies["tz"] = "America%2FNew_York"
    quiz = educator_bank.quizzes.get(slug="exam")
    assert (
        "Time zone America/New_York"
        in client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).content.decode()
    )
    client.cookies["tz"] = "Not/A_Zone"
    assert "Time zone UTC" in client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).content.decode()


def test_email_url_names_the_mailer():
    from django.core.exceptions import ImproperlyConfigured

    from mmnquiz.settings import mailer

    assert mailer("console://")["BACKEND"].endswith("console.EmailBackend")
    smtp = mailer("smtp://quiz%40school.example:p%40ss@mail.school.example")
    assert smtp["OPTIONS"] | {} == {
        "host": "mail.school.example",
        "port": 587,
        "username": "quiz@school.example",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }
    assert mailer("smtps://u:p@mail.example:2465")["OPTIONS"]["port"] == 2465
    assert mailer("smtps://u:p@mail.example")["OPTIONS"]["use_ssl"] is True
    for bad in ("smtp://", "smtp://host:port", "mailto:x@example.org", "ftp://host"):
        with pytest.raises(ImproperlyConfigured):
            mailer(bad)
