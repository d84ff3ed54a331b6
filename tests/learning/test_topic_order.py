"""Educators reorder a bank's topics; learners' mastery follows that order."""

import pytest
from django.urls import reverse

from quizzes.learning import stats

pytestmark = pytest.mark.django_db


def order(bank) -> list[str]:
    return list(bank.topics.order_by("position", "id").values_list("slug", flat=True))


def move(client, topic, direction):
    return client.post(reverse("quizzes:topic-move", args=[topic.pk]), {"direction": direction})


def test_moving_a_topic_down_and_back_up(educator_client, educator_bank, learner):
    alpha = educator_bank.topics.get(slug="alpha")
    response = move(educator_client, alpha, "down")
    assert response.status_code == 302 and response.url == reverse(
        "quizzes:bank-detail", args=[educator_bank.slug]
    )
    assert order(educator_bank) == ["beta", "alpha"]
    assert [m.topic.slug for m in stats.mastery(learner, [educator_bank])[educator_bank]] == ["beta", "alpha"]
    move(educator_client, alpha, "up")
    assert order(educator_bank) == ["alpha", "beta"]


def test_moving_past_either_end_changes_nothing(educator_client, educator_bank):
    move(educator_client, educator_bank.topics.get(slug="alpha"), "up")
    move(educator_client, educator_bank.topics.get(slug="beta"), "down")
    assert order(educator_bank) == ["alpha", "beta"]


def test_positions_with_ties_are_renumbered(educator_client, educator_bank):
    educator_bank.topics.update(position=0)
    educator_bank.topics.create(slug="gamma", title="Gamma", position=0)
    move(educator_client, educator_bank.topics.get(slug="gamma"), "up")
    assert order(educator_bank) == ["alpha", "gamma", "beta"]
    assert list(educator_bank.topics.order_by("position").values_list("position", flat=True)) == [0, 1, 2]


def test_a_bad_direction_is_a_400_and_changes_nothing(educator_client, educator_bank):
    assert move(educator_client, educator_bank.topics.get(slug="alpha"), "sideways").status_code == 400
    assert order(educator_bank) == ["alpha", "beta"]


def test_the_bank_page_offers_move_buttons(educator_client, educator_bank):
    html = educator_client.get(reverse("quizzes:bank-detail", args=[educator_bank.slug])).content.decode()
    assert html.count('name="direction" value="down"') == 1 and html.count('name="direction" value="up"') == 1


def test_only_the_banks_educator_can_move_its_topics(client, other_educator, learner, educator_bank):
    alpha = educator_bank.topics.get(slug="alpha")
    client.force_login(other_educator)
    assert move(client, alpha, "down").status_code == 404
    client.force_login(learner)
    assert move(client, alpha, "down").status_code == 403
    assert order(educator_bank) == ["alpha", "beta"]
