"""The rules of taking a quiz: fixed questions, one response per slot, deadlines, scoring."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.items import EmptyAnswer, InvalidAnswer
from quizzes.models import Attempt, Quiz, Response, ResponseChange
from quizzes.taking import attempts
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


# -- the close time and late answers (issue 15, findings 3 and 10) ------------------------------------------


def close_quiz(quiz, closes_at) -> None:
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=closes_at)
    quiz.refresh_from_db()


def test_an_exam_closing_before_its_time_limit_ends_at_the_close(learner, exam_quiz):
    now = timezone.now()
    close_quiz(exam_quiz, now + timedelta(minutes=2))
    attempt = attempts.start_attempt(learner, exam_quiz, now=now)
    assert attempt.deadline == exam_quiz.closes_at
    assert attempts.deadline_is_the_close(attempt)


def test_an_exam_closing_after_its_time_limit_keeps_the_time_limit(learner, exam_quiz):
    now = timezone.now()
    close_quiz(exam_quiz, now + timedelta(hours=2))
    attempt = attempts.start_attempt(learner, exam_quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=30)
    assert not attempts.deadline_is_the_close(attempt)


def test_a_practice_quiz_with_a_close_time_ends_at_the_close(learner, practice_quiz):
    now = timezone.now()
    close_quiz(practice_quiz, now + timedelta(minutes=10))
    attempt = attempts.start_attempt(learner, practice_quiz, now=now)
    assert attempt.deadline == practice_quiz.closes_at and attempts.deadline_is_the_close(attempt)


def test_an_answer_after_the_close_is_refused_and_the_attempt_is_graded_as_at_the_close(
    learner, practice_quiz
):
    start = timezone.now() - timedelta(minutes=20)
    close_quiz(practice_quiz, start + timedelta(minutes=10))
    attempt = attempts.start_attempt(learner, practice_quiz, now=start)
    first, second = slots(attempt)[:2]
    attempts.record_answer(attempt, first.number, chosen(key_of(first)), now=start + timedelta(minutes=1))
    with pytest.raises(attempts.DeadlinePassed, match="the quiz closed"):
        attempts.record_answer(attempt, second.number, chosen(key_of(second)))
    attempt.refresh_from_db()
    assert attempt.finished_at == practice_quiz.closes_at
    assert attempt.points == first.version.max_points
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_moving_the_close_time_leaves_the_deadline_of_an_attempt_under_way(learner, practice_quiz):
    """The deadline is fixed when the attempt starts, like the pass mark and the option order."""
    now = timezone.now()
    close_quiz(practice_quiz, now + timedelta(minutes=10))
    attempt = attempts.start_attempt(learner, practice_quiz, now=now)
    for moved in (now + timedelta(minutes=5), now + timedelta(hours=1), None):
        close_quiz(practice_quiz, moved)
        assert Attempt.objects.get(pk=attempt.pk).deadline == now + timedelta(minutes=10)


def test_an_answer_sent_after_the_deadline_is_refused_even_within_the_grace(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz, now=timezone.now() - timedelta(minutes=30))
    first, second = slots(attempt)[:2]
    late, in_grace = attempt.deadline + timedelta(seconds=1), attempt.deadline + timedelta(seconds=2)
    with pytest.raises(attempts.DeadlinePassed):
        attempts.record_answer(attempt, first.number, chosen(key_of(first)), now=late)
    assert not Response.objects.exists()
    # Still open within the grace, so an answer sent in time that waited for the lock is not lost.
    attempts.record_answer(
        attempt, second.number, chosen(key_of(second)), sent=attempt.deadline, now=in_grace
    )
    assert attempts.close_if_expired(
        attempt, now=attempt.deadline + attempts.DEADLINE_GRACE + timedelta(seconds=1)
    )
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline and attempt.points == second.version.max_points


def test_an_answer_sent_before_the_deadline_and_saved_in_the_grace_counts_as_at_the_deadline(
    learner, exam_quiz
):
    attempt = attempts.start_attempt(learner, exam_quiz, now=timezone.now() - timedelta(minutes=30))
    first, second = slots(attempt)[:2]
    before = attempt.deadline - timedelta(seconds=1)
    attempts.record_answer(attempt, first.number, chosen(wrong_of(first)), now=before - timedelta(minutes=1))
    in_grace = attempt.deadline + attempts.DEADLINE_GRACE - timedelta(seconds=1)
    attempts.record_answer(attempt, first.number, chosen(key_of(first)), sent=before, now=in_grace)
    attempts.record_answer(attempt, second.number, chosen(key_of(second)), sent=before, now=in_grace)
    attempts.finish_attempt(attempt, now=in_grace)
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline
    assert attempt.points == first.version.max_points + second.version.max_points
    times = [
        t
        for r in Response.objects.filter(slot__attempt=attempt)
        for t in (r.answered_at, r.changed_at)
        if t is not None
    ] + [t for c in ResponseChange.objects.all() for t in (c.answered_at, c.replaced_at)]
    assert len(times) == 5 and max(times) == attempt.finished_at


# -- a change decided on a response read before another request changed it ------------------------------
# PostgreSQL's locked read (answer_in_one_read, record_answer) does not read the joined response again after
# waiting for the attempt's lock: what it holds may be an answer another tab has since replaced.


def stale_slot(attempt, number: int):
    return attempt.slots.select_related("attempt", "version", "response").get(number=number)


def test_a_change_made_on_a_stale_read_keeps_the_history_unbroken(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    slot = next(s for s in slots(attempt) if len(s.version.spec.get("options", [])) >= 3)  # not a true/false
    first, second, third = ([o["id"]] for o in slot.version.spec["options"][:3])
    attempts.record_answer(attempt, slot.number, chosen(first))
    stale = stale_slot(attempt, slot.number)  # holds the first answer
    attempts.record_answer(
        attempt, slot.number, chosen(second)
    )  # another tab, while this one waits for the lock

    assert attempts._answer_locked(stale.attempt, stale, chosen(third), timezone.now(), timezone.now(), 0)
    history = [c.answer for c in ResponseChange.objects.filter(slot=slot).order_by("replaced_at", "pk")]
    assert history == [first, second]  # the second answer is kept as replaced, not the first twice
    assert Response.objects.get(slot=slot).answer == third


def test_going_back_to_the_answer_a_stale_read_holds_is_still_a_change(learner, exam_quiz):
    attempt = attempts.start_attempt(learner, exam_quiz)
    slot = slots(attempt)[0]
    first, second = ([o["id"]] for o in slot.version.spec["options"][:2])
    attempts.record_answer(attempt, 1, chosen(first))
    stale = stale_slot(attempt, 1)
    attempts.record_answer(attempt, 1, chosen(second))

    # The stale read says "the same answer again": the fresh one says otherwise, and the change is saved.
    assert attempts._answer_locked(stale.attempt, stale, chosen(first), timezone.now(), timezone.now(), 0)
    assert Response.objects.get(slot=slot).answer == first
    history = [c.answer for c in ResponseChange.objects.filter(slot=slot).order_by("replaced_at", "pk")]
    assert history == [first, second]
