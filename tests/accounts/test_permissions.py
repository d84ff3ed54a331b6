"""Who may author what: every authoring URL for the owner, another educator, a learner and a visitor."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from quizzes.accounts import permissions
from quizzes.models import Question
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def authoring_urls(bank) -> list[tuple[str, str]]:
    """(method, url) for every authoring screen, pointed at objects of `bank`."""
    topic = bank.topics.first()
    question = bank.questions.first()
    quiz = bank.quizzes.first()
    return [
        ("get", reverse("quizzes:bank-detail", args=[bank.slug])),
        ("get", reverse("quizzes:bank-edit", args=[bank.slug])),
        ("post", reverse("quizzes:bank-edit", args=[bank.slug])),
        ("get", reverse("quizzes:topic-create", args=[bank.slug])),
        ("post", reverse("quizzes:topic-create", args=[bank.slug])),
        ("get", reverse("quizzes:topic-edit", args=[topic.pk])),
        ("post", reverse("quizzes:topic-delete", args=[topic.pk])),
        ("get", reverse("quizzes:question-list", args=[bank.slug])),
        ("post", reverse("quizzes:question-move", args=[bank.slug])),
        ("get", reverse("quizzes:question-create", args=[bank.slug, "multiple"])),
        ("post", reverse("quizzes:question-create", args=[bank.slug, "single"])),
        ("post", reverse("quizzes:question-preview", args=[bank.slug, "multiple"])),
        ("get", reverse("quizzes:question-edit", args=[question.pk])),
        ("post", reverse("quizzes:question-edit", args=[question.pk])),
        ("get", reverse("quizzes:question-history", args=[question.pk])),
        ("post", reverse("quizzes:question-restore", args=[question.pk, 1])),
        ("post", reverse("quizzes:question-archive", args=[question.pk])),
        ("post", reverse("quizzes:question-unarchive", args=[question.pk])),
        ("get", reverse("quizzes:question-delete", args=[question.pk])),
        ("post", reverse("quizzes:question-delete", args=[question.pk])),
        ("get", reverse("quizzes:quiz-create", args=[bank.slug])),
        ("post", reverse("quizzes:quiz-create", args=[bank.slug])),
        ("get", reverse("quizzes:quiz-edit", args=[quiz.pk])),
        ("post", reverse("quizzes:quiz-edit", args=[quiz.pk])),
    ]


OBJECTLESS_URLS = [
    ("get", reverse("quizzes:bank-list")),
    ("get", reverse("quizzes:bank-create")),
    ("post", reverse("quizzes:bank-create")),
    ("get", reverse("quizzes:educator-list")),
]


def assert_nothing_changed(bank, questions_before: int) -> None:
    assert Question.objects.filter(bank=bank).count() == questions_before
    assert not Question.objects.filter(status=Question.Status.ARCHIVED).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, educator_bank):
    for method, url in authoring_urls(educator_bank) + OBJECTLESS_URLS:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)


def test_learners_get_403_everywhere_and_change_nothing(learner_client, educator_bank):
    before = educator_bank.questions.count()
    for method, url in authoring_urls(educator_bank) + OBJECTLESS_URLS:
        assert getattr(learner_client, method)(url).status_code == 403, (method, url)
    promote = reverse("quizzes:educator-promote", args=[User.objects.get(username="ada").pk])
    assert learner_client.post(promote).status_code == 403
    assert_nothing_changed(educator_bank, before)
    assert not User.objects.get(username="ada").groups.filter(name="Educator").exists()


def test_another_educator_gets_404_for_every_object_of_the_bank(client, other_educator, educator_bank):
    client.force_login(other_educator)
    before = educator_bank.questions.count()
    for method, url in authoring_urls(educator_bank):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert_nothing_changed(educator_bank, before)
    assert educator_bank.title == "Bank owned"


def test_another_educator_does_not_see_the_bank_in_their_list(client, other_educator, educator_bank):
    client.force_login(other_educator)
    page = client.get(reverse("quizzes:bank-list")).content.decode()
    assert educator_bank.title not in page and "You have no banks yet" in page


def test_the_owner_reaches_every_screen(educator_client, educator_bank):
    for method, url in authoring_urls(educator_bank):
        if method == "get":
            assert educator_client.get(url).status_code == 200, url


def test_a_superuser_may_author_every_bank(client, educator_bank):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    for method, url in authoring_urls(educator_bank):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("bank-list", []),
        ("bank-detail", ["owned"]),
        ("question-list", ["owned"]),
        ("educator-list", []),
    ],
)
def test_read_only_screens_refuse_post(educator_client, educator_bank, name, args):
    assert educator_client.post(reverse(f"quizzes:{name}", args=args)).status_code == 405


@pytest.mark.parametrize(
    ("name", "args"),
    [("question-move", ["owned"]), ("question-preview", ["owned", "single"]), ("question-archive", None)],
)
def test_actions_refuse_get(educator_client, educator_bank, name, args):
    args = [educator_bank.questions.first().pk] if args is None else args
    assert educator_client.get(reverse(f"quizzes:{name}", args=args)).status_code == 405


def test_an_unknown_item_type_is_a_404(educator_client, educator_bank):
    url = reverse("quizzes:question-create", args=[educator_bank.slug, "essay"])
    assert educator_client.get(url).status_code == 404


# -- the rules themselves ---------------------------------------------------------------------------------


def test_is_educator_is_the_group_or_a_superuser(learner, educator):
    assert permissions.is_educator(educator)
    assert not permissions.is_educator(learner)
    assert permissions.is_educator(User.objects.create_superuser("root", password="x"))
    educator.is_active = False
    assert not permissions.is_educator(educator)


def test_is_educator_asks_the_database_once_per_user_object(educator, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert permissions.is_educator(educator) and permissions.is_educator(educator)


def test_get_bank_for_refuses_learners_and_hides_other_educators_banks(
    learner, other_educator, educator_bank
):
    with pytest.raises(PermissionDenied):
        permissions.get_bank_for(learner, educator_bank.slug)
    with pytest.raises(Http404):
        permissions.get_bank_for(other_educator, educator_bank.slug)
    assert permissions.get_bank_for(educator_bank.owner, educator_bank.slug) == educator_bank


def test_a_bank_without_an_owner_belongs_to_no_educator(educator, bank):
    with pytest.raises(Http404):
        permissions.get_bank_for(educator, bank.slug)


# -- promotion --------------------------------------------------------------------------------------------


def test_sign_up_never_makes_an_educator(client):
    client.post(
        reverse("signup"),
        {"username": "newbie", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    user = User.objects.get(username="newbie")
    assert not permissions.is_educator(user)
    assert client.get(reverse("quizzes:bank-list")).status_code == 403


def test_an_educator_promotes_a_learner_who_can_then_author(educator_client, learner, client):
    response = educator_client.post(reverse("quizzes:educator-promote", args=[learner.pk]), {"q": "ad"})
    assert response.status_code == 302 and response.url == reverse("quizzes:educator-list") + "?q=ad"
    learner = User.objects.get(pk=learner.pk)
    assert permissions.is_educator(learner)
    assert learner.groups.filter(name="Learner").exists()  # still takes quizzes too
    client.force_login(learner)
    assert client.get(reverse("quizzes:bank-list")).status_code == 200


def test_a_superuser_may_promote(client, learner):
    client.force_login(User.objects.create_superuser("root", password="x"))
    client.post(reverse("quizzes:educator-promote", args=[learner.pk]))
    assert permissions.is_educator(User.objects.get(pk=learner.pk))


def test_promoting_twice_changes_nothing(educator, learner):
    assert permissions.promote_to_educator(learner, by=educator) is True
    assert permissions.promote_to_educator(User.objects.get(pk=learner.pk), by=educator) is False
    assert learner.groups.filter(name="Educator").count() == 1


def test_a_learner_cannot_promote_anyone(learner, other_learner):
    with pytest.raises(PermissionDenied):
        permissions.promote_to_educator(other_learner, by=learner)


def test_the_promotion_page_finds_users_and_marks_educators(educator_client, learner, other_educator):
    page = educator_client.get(reverse("quizzes:educator-list")).content.decode()
    assert '<th scope="row">ada</th>' in page and '<th scope="row">mary</th>' in page
    assert reverse("quizzes:educator-promote", args=[learner.pk]) in page
    assert reverse("quizzes:educator-promote", args=[other_educator.pk]) not in page  # already one
    page = educator_client.get(reverse("quizzes:educator-list"), {"q": "AD"}).content.decode()
    assert '<th scope="row">ada</th>' in page and '<th scope="row">mary</th>' not in page


def test_the_promotion_page_makes_the_same_queries_for_5_and_105_users(
    educator_client, django_assert_num_queries
):
    url = reverse("quizzes:educator-list")
    for count in (5, 105):
        for n in range(User.objects.count(), count):
            make_user(f"user{n:03d}")
        # educator check, count, one page of users with their role
        with django_assert_num_queries(3):
            educator_client.get(url)


# -- the nav ----------------------------------------------------------------------------------------------


def test_only_educators_see_the_author_link(client, learner, educator):
    author = reverse("quizzes:bank-list")
    client.force_login(learner)
    assert f'href="{author}"' not in client.get(reverse("quizzes:quiz-list")).content.decode()
    client.force_login(educator)
    assert f'href="{author}"' in client.get(reverse("quizzes:quiz-list")).content.decode()


def test_a_promoted_user_gets_the_link_once_they_reach_an_authoring_page(client, educator, learner):
    client.force_login(learner)
    permissions.promote_to_educator(learner, by=educator)
    client.get(reverse("quizzes:bank-list"))
    page = client.get(reverse("quizzes:quiz-list")).content.decode()
    assert f'href="{reverse("quizzes:bank-list")}"' in page
