"""A learner who forgot their password gets back in: the link on the log-in page, the e-mail (captured by
the test mail backend), a new password, and logging in with it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from tests.browser.conftest import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "violet-heron-2027"


def test_a_learner_resets_a_forgotten_password(page: Page, live_server):
    for name in (LEARNERS, EDUCATORS):
        Group.objects.get_or_create(name=name)
    ada = make_user("ada")
    ada.email = "ada@example.org"
    ada.save()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1, name="Forgotten your password?")).to_be_visible()
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1, name="Check your e-mail")).to_be_visible()

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1, name="Your new password is set")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    sign_in(page, live_server.url, "ada", NEW_PASSWORD)
