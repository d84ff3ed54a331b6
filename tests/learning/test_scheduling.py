"""Spaced review: ratings from correctness, FSRS schedules with an injected clock, what enters the queue."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from quizzes.items import EmptyAnswer, Grade
from quizzes.learning import review_queue, scheduling
from quizzes.models import Review, ReviewCard
from tests.conftest import chosen

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("grade", "rating"),
    [
        (Grade(0, 1), Rating.Again),
        (Grade(1, 3), Rating.Hard),
        (Grade(1, 1), Rating.Good),
        (Grade(3, 3), Rating.Good),
    ],
)
def test_rating_follows_correctness(grade, rating):
    assert scheduling.rating_for(grade) == rating


def test_schedules_are_deterministic_for_the_same_clock():
    first = scheduling.schedule(scheduling.new_state(NOW), Rating.Again, NOW)
    again = scheduling.schedule(scheduling.new_state(NOW), Rating.Again, NOW)
    assert first == again
    assert first[1] == NOW + timedelta(minutes=1)  # FSRS's first learning step


def test_good_answers_push_the_next_review_further_out():
    state, due = scheduling.schedule(scheduling.new_state(NOW), Rating.Again, NOW)
    intervals = []
    for _ in range(4):
        state, next_due = scheduling.schedule(state, Rating.Good, due)
        intervals.append(next_due - due)
        due = next_due
    assert intervals == sorted(intervals) and intervals[-1] >= timedelta(days=1)


pytestmark = pytest.mark.django_db


def versions(bank):
    return [q.current_version for q in bank.questions.select_related("current_version").order_by("key")]


def key(version):
    return [o["id"] for o in version.spec["options"] if o["correct"]]


def test_only_mistakes_enter_the_queue(learner, bank):
    wrong, right, partial = versions(bank)[:3]
    review_queue.note_answers(
        learner.pk,
        [(wrong, [], Grade(0, 1)), (right, key(right), Grade(1, 1)), (partial, [], Grade(1, 2))],
        now=NOW,
    )
    cards = {c.question_id: c for c in ReviewCard.objects.all()}
    assert set(cards) == {wrong.question_id, partial.question_id}
    assert cards[wrong.question_id].due == NOW + timedelta(minutes=1)
    assert [r.rating for r in Review.objects.order_by("card__question__key")] == [1, 2]


def test_a_right_answer_reschedules_a_card_already_in_the_queue(learner, bank):
    version = versions(bank)[0]
    review_queue.note_answers(learner.pk, [(version, [], Grade(0, 1))], now=NOW)
    later = NOW + timedelta(hours=1)
    review_queue.note_answers(learner.pk, [(version, key(version), Grade(1, 1))], now=later)
    card = ReviewCard.objects.get()
    assert card.review_count == 2 and card.due > later
    assert Review.objects.count() == 2


def test_next_due_is_the_most_overdue_active_card_of_this_learner(learner, other_learner, bank):
    first, second = versions(bank)[:2]
    review_queue.note_answers(learner.pk, [(first, [], Grade(0, 1))], now=NOW)
    review_queue.note_answers(learner.pk, [(second, [], Grade(0, 1))], now=NOW - timedelta(hours=1))
    review_queue.note_answers(other_learner.pk, [(first, [], Grade(0, 1))], now=NOW - timedelta(days=1))
    assert review_queue.next_due(learner, NOW).question_id == second.question_id
    assert review_queue.next_due(learner, NOW - timedelta(hours=2)) is None
    second.question.status = "archived"
    second.question.save()
    assert review_queue.next_due(learner, NOW + timedelta(hours=1)).question_id == first.question_id


def test_a_review_reschedules_the_card_and_a_stale_round_is_refused(learner, bank):
    version = versions(bank)[0]
    review_queue.note_answers(learner.pk, [(version, [], Grade(0, 1))], now=NOW)
    card = review_queue.next_due(learner, NOW + timedelta(minutes=5))
    outcome = review_queue.review_answer(
        card, chosen(key(version)), card.review_count, now=NOW + timedelta(minutes=5)
    )
    assert outcome.review.grade.is_correct
    assert outcome.card.due == NOW + timedelta(minutes=15)  # Good in learning: the 10-minute step
    with pytest.raises(review_queue.AlreadyReviewed):
        review_queue.review_answer(
            card, chosen(key(version)), card.review_count, now=NOW + timedelta(minutes=6)
        )
    with pytest.raises(EmptyAnswer):
        review_queue.review_answer(outcome.card, chosen([]), outcome.card.review_count)
    assert Review.objects.filter(source="review").count() == 1
