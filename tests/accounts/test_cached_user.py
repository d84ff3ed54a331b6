"""The signed-in user comes from the cache (quizzes.accounts.backends): no query for it on each request, and
whatever changes the user is seen by the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = reverse("quizzes:quiz-list")


def user_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(HOME).status_code == 200
    return sum('FROM "auth_user"' in q["sql"] for q in ctx.captured_queries)


def test_a_signed_in_request_reads_no_user_nor_session_from_the_database(learner_client):
    with CaptureQueriesContext(connection) as ctx:
        learner_client.get(HOME)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert '"auth_user"' not in tables and '"django_session"' not in tables


def test_a_password_changed_elsewhere_ends_the_session_at_once(learner_client, learner):
    learner_client.get(HOME)  # the user is cached
    learner.set_password("a-new-password-2026")
    learner.save()
    response = learner_client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_deactivated_user_is_signed_out_at_once(learner_client, learner):
    learner_client.get(HOME)
    learner.is_active = False
    learner.save()
    assert learner_client.get(HOME).status_code == 302


def test_a_deleted_user_is_signed_out_at_once(learner_client, learner):
    learner_client.get(HOME)
    learner.delete()
    assert learner_client.get(HOME).status_code == 302


def test_a_renamed_user_is_shown_with_the_new_name(learner_client, learner):
    learner_client.get(HOME)
    learner.username = "ada-lovelace"
    learner.save()
    assert "ada-lovelace" in learner_client.get(HOME).content.decode()


def test_without_a_shared_cache_the_user_is_read_each_time(learner_client, settings):
    settings.USER_CACHE_SECONDS = 0  # gunicorn's workers without Redis (see settings.CACHE_IS_SHARED)
    assert [user_queries(learner_client), user_queries(learner_client)] == [1, 1]
