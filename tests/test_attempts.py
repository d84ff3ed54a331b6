"""The rules of taking a quiz: fixed questions, one response per slot, deadlines, scoring."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import attempts
from quizzes.items import EmptyAnswer, InvalidAnswer
from quizzes.models import Attempt, Response
from tests.conftest import chosen, make_bank

pytestmark = pytest.mark.django_db


def key_of(slot) -> list[str]:
    return [o["id"] for o in slot.version.spec["options"] if o["correct"]]


def wrong_of(slot) -> list[str]:
    return [next(o["id"] for o in slot.version.spec["options"] if not o["correct"])]


def slots(attempt):
    return list(attempt.slots.select_related("version__question").order_by("number"))


def test_start_fixes_the_questions_and_their_order(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz, seed=1234)
    chosen = [s.version_id for s in slots(attempt)]
    assert len(chosen) == attempt.slot_count == 10
    assert len(set(chosen)) == 10
    assert [s.version_id for s in slots(Attempt.objects.get(pk=attempt.pk))] == chosen


def test_starting_again_resumes_the_unfinished_attempt(learner, practice_quiz):
    first = attempts.start_attempt(learner, practice_quiz)
    assert attempts.start_attempt(learner, practice_quiz) == first
    attempts.finish_attempt(first)
    assert attempts.start_attempt(learner, practice_quiz) != first


def test_a_quiz_draws_only_from_its_topics(learner, bank):
    quiz = bank.quizzes.get(slug="practice")
    quiz.topics.set([bank.topics.get(slug="beta")])
    attempt = attempts.start_attempt(learner, quiz)
    assert {s.version.question.topic.slug for s in slots(attempt)} == {"beta"}
    assert attempt.slot_count == 6  # beta holds the six even-numbered questions


def test_a_quiz_without_questions_cannot_start(learner, bank):
    quiz = bank.quizzes.get(slug="practice")
    bank.questions.update(status="archived")
    with pytest.raises(attempts.QuizUnavailable):
        attempts.start_attempt(learner, quiz)


def test_exam_gets_a_deadline_and_practice_does_not(learner, practice_quiz, exam_quiz):
    now = timezone.now()
    exam = attempts.start_attempt(learner, exam_quiz, now=now)
    assert exam.deadline == now + timedelta(minutes=30)
    assert attempts.start_attempt(learner, practice_quiz).deadline is None


def test_practice_keeps_the_first_answer(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    slot = slots(attempt)[0]
    first = attempts.record_answer(attempt, slot.number, chosen(wrong_of(slot))).response
    again = attempts.record_answer(attempt, slot.number, chosen(key_of(slot))).response
    assert again.pk == first.pk and again.answer == sorted(wrong_of(slot))
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_exam_answer_can_be_changed_and_stays_one_response(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    slot = slots(attempt)[0]
    attempts.record_answer(attempt, slot.number, chosen(wrong_of(slot)))
    changed = attempts.record_answer(attempt, slot.number, chosen(key_of(slot))).response
    assert changed.answer == sorted(key_of(slot)) and changed.points == changed.max_points
    assert changed.changed_at is not None
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_invalid_answers_record_nothing(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    slot = slots(attempt)[0]
    with pytest.raises(InvalidAnswer):
        attempts.record_answer(attempt, slot.number, chosen(["not-an-option"]))
    with pytest.raises(EmptyAnswer):
        attempts.record_answer(attempt, slot.number, chosen([]))
    assert not Response.objects.exists()


def test_answer_after_the_deadline_is_refused_and_the_exam_is_closed_and_scored(learner, exam_quiz):
    start = timezone.now() - timedelta(minutes=40)
    attempt = attempts.start_attempt(learner, exam_quiz, now=start)
    first, second = slots(attempt)[:2]
    attempts.record_answer(attempt, first.number, chosen(key_of(first)), now=start + timedelta(minutes=1))
    with pytest.raises(attempts.DeadlinePassed):
        attempts.record_answer(attempt, second.number, chosen(key_of(second)))
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.finished_at == attempt.deadline
    assert attempt.points == first.version.max_points
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_an_answer_within_the_grace_seconds_still_counts(learner, exam_quiz):
    start = timezone.now()
    attempt = attempts.start_attempt(learner, exam_quiz, now=start)
    slot = slots(attempt)[0]
    late = attempt.deadline + attempts.DEADLINE_GRACE - timedelta(seconds=1)
    attempts.record_answer(attempt, slot.number, chosen(key_of(slot)), now=late)
    assert Response.objects.filter(slot=slot).exists()


def test_nothing_is_recorded_once_the_attempt_is_finished(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    attempts.finish_attempt(attempt)
    slot = slots(attempt)[0]
    with pytest.raises(attempts.AttemptClosed):
        attempts.record_answer(attempt, slot.number, chosen(key_of(slot)))


def test_finish_scores_points_over_maxima_and_twice_changes_nothing(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    all_slots = slots(attempt)
    for slot in all_slots[:3]:
        attempts.record_answer(attempt, slot.number, chosen(key_of(slot)))
    attempts.record_answer(attempt, all_slots[3].number, chosen(wrong_of(all_slots[3])))
    attempts.finish_attempt(attempt)
    expected = sum(s.version.max_points for s in all_slots[:3])
    attempt.refresh_from_db()
    assert attempt.points == expected
    assert attempt.max_points == sum(s.version.max_points for s in all_slots)
    finished_at = attempt.finished_at
    attempts.finish_attempt(attempt)
    attempt.refresh_from_db()
    assert attempt.finished_at == finished_at


def test_results_review_every_item_and_break_down_by_topic(learner, practice_quiz):
    attempt = attempts.start_attempt(learner, practice_quiz)
    all_slots = slots(attempt)
    attempts.record_answer(attempt, all_slots[0].number, chosen(key_of(all_slots[0])))
    attempts.finish_attempt(attempt)
    results = attempts.results(attempt)
    items, topics = results.items, results.topics
    assert [i.slot.number for i in items] == list(range(1, 11))
    assert items[0].answered and items[0].grade.is_correct
    assert not items[1].answered and items[1].grade.points == 0
    assert {t.topic for t in topics} == {"Alpha", "Beta"}
    assert sum(t.points for t in topics) == attempt.points
    assert sum(t.max_points for t in topics) == attempt.max_points


def test_sata_partial_credit_reaches_the_attempt_total(learner):
    bank = make_bank(3, slug="sata", practice_count=3)
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    sata = next(s for s in slots(attempt) if s.version.item_type == "multiple")
    one_key = chosen(key_of(sata)[:1])
    response = attempts.record_answer(attempt, sata.number, one_key).response
    assert (response.points, response.max_points) == (1, 2)


def test_an_expired_exam_is_closed_the_next_time_it_is_touched(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz, now=timezone.now() - timedelta(hours=1))
    assert attempts.close_if_expired(attempt)
    assert Attempt.objects.get(pk=attempt.pk).is_finished


def test_next_slot_is_the_first_unanswered():
    def states(*answered):
        return [attempts.SlotState(n, n in answered, False) for n in range(1, 5)]

    assert attempts.next_slot_number(states(1, 2, 4)) == 3
    assert attempts.next_slot_number(states(1, 2, 3, 4)) is None
