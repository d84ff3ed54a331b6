"""Live sessions in the database: starting, the owner's moves, joining, answering, ending, results."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.live import results, sessions
from quizzes.live.sessions import Phase
from quizzes.models import Attempt, LiveParticipant, QuestionVersion, Response, ReviewCard
from quizzes.taking import attempts
from tests.conftest import chosen
from tests.live.conftest import key_of, wrong_of

pytestmark = pytest.mark.django_db


def version(session, number):
    return QuestionVersion.objects.get(pk=session.version_ids[number - 1])


def test_a_session_fixes_its_questions_and_starts_in_the_lobby(live, live_quiz):
    assert live.phase == Phase.LOBBY and live.number == 0
    assert live.question_count == live_quiz.question_count == 10
    assert len(set(live.version_ids)) == 10 and len(live.join_code) == 6


def test_picked_questions_are_asked_in_the_order_picked(educator, live_quiz):
    picked = list(QuestionVersion.objects.order_by("-pk").values_list("pk", flat=True)[:3])
    session = sessions.start_session(educator, live_quiz, version_ids=picked)
    assert session.version_ids == picked


def test_only_the_owner_drives_the_session(live, other_educator, learner):
    for user in (other_educator, learner):
        with pytest.raises(sessions.NotTheOwner):
            sessions.move(live, user, "next")
    live.refresh_from_db()
    assert live.phase == Phase.LOBBY and live.seq == 0


def test_each_move_is_stored_and_numbered(live, educator):
    live = sessions.move(live, educator, "next")
    assert (live.phase, live.number, live.seq) == (Phase.OPEN, 1, 1)
    live = sessions.move(live, educator, "reveal")
    assert (live.phase, live.seq) == (Phase.REVEALED, 2)
    with pytest.raises(sessions.IllegalMove):
        sessions.move(live, educator, "reveal")
    with pytest.raises(sessions.IllegalMove):
        sessions.move(live, educator, "jump")


def test_class_members_are_recognised_and_join_once(live, learner):
    assert sessions.is_class_member(live, learner)
    seat = sessions.join(live, learner, nickname="Ada L")
    assert sessions.join(live, learner) == seat
    assert seat.attempt.slot_count == 10 and seat.attempt.seed == live.seed
    assert list(seat.attempt.slots.values_list("version_id", flat=True)) == live.version_ids


def test_a_live_attempt_is_not_resumed_as_a_quiz_attempt(live, learner, live_quiz):
    seat = sessions.join(live, learner)
    assert not Attempt.objects.for_user(learner).unfinished().exists()
    own = attempts.start_attempt(learner, live_quiz)
    assert own.pk != seat.attempt_id


def test_guests_join_only_when_allowed_and_with_a_nickname(live, educator, live_quiz):
    with pytest.raises(sessions.CannotJoin, match="signed-in"):
        sessions.join_as_guest(live, "Guest")
    open_door = sessions.start_session(educator, live_quiz, allow_guests=True)
    with pytest.raises(sessions.CannotJoin, match="nickname"):
        sessions.join_as_guest(open_door, "  ")
    seat = sessions.join_as_guest(open_door, "Night owl")
    assert seat.is_guest and not seat.user.is_active and seat.nickname == "Night owl"


def test_nobody_joins_an_ended_session(live, educator, learner):
    sessions.move(live, educator, "end")
    live.refresh_from_db()
    with pytest.raises(sessions.CannotJoin, match="ended"):
        sessions.join(live, learner)
    assert sessions.find_session(live.join_code) is None


def test_a_code_is_found_as_typed(live):
    assert sessions.find_session(live.join_code.lower()[:3] + "-" + live.join_code[3:]) == live
    assert sessions.find_session("nope") is None


def test_answers_only_to_the_open_question(live, educator, learner):
    seat = sessions.join(live, learner)
    with pytest.raises(sessions.NotAnswerable, match="not started"):
        sessions.answer(live, seat, 1, chosen(key_of(version(live, 1))))
    sessions.move(live, educator, "next")
    with pytest.raises(sessions.NotAnswerable, match="not the one open"):
        sessions.answer(live, seat, 2, chosen(key_of(version(live, 2))))
    sessions.answer(live, seat, 1, chosen(key_of(version(live, 1))))
    sessions.move(live, educator, "reveal")
    with pytest.raises(sessions.NotAnswerable, match="revealed"):
        sessions.answer(live, seat, 1, chosen(wrong_of(version(live, 1))))
    assert Response.objects.get(slot__attempt=seat.attempt).points == 1.0


def test_a_retried_answer_is_not_counted_twice_and_the_first_stands(live, educator, learner):
    seat = sessions.join(live, learner)
    sessions.move(live, educator, "next")
    first = chosen(key_of(version(live, 1)))
    sessions.answer(live, seat, 1, first)
    sessions.answer(live, seat, 1, first)
    sessions.answer(live, seat, 1, chosen(wrong_of(version(live, 1))))
    assert sessions.answered_count(live, 1) == 1
    assert Response.objects.get(slot__attempt=seat.attempt).points == 1.0


def test_with_changes_allowed_the_last_answer_before_the_reveal_counts(educator, live_quiz, learner):
    session = sessions.start_session(educator, live_quiz, allow_change=True)
    seat = sessions.join(session, learner)
    sessions.move(session, educator, "next")
    sessions.answer(session, seat, 1, chosen(wrong_of(version(session, 1))))
    sessions.answer(session, seat, 1, chosen(key_of(version(session, 1))))
    response = Response.objects.get(slot__attempt=seat.attempt)
    assert response.points == response.max_points and response.slot.changes.count() == 1
    assert sessions.answered_count(session, 1) == 1


def test_a_paused_session_takes_no_answers(live, educator, learner):
    seat = sessions.join(live, learner)
    sessions.move(live, educator, "next")
    sessions.move(live, educator, "pause")
    with pytest.raises(sessions.NotAnswerable, match="paused"):
        sessions.answer(live, seat, 1, chosen(key_of(version(live, 1))))


def test_ending_finishes_every_attempt_into_history_and_review(live, educator, learner, other_learner):
    ada, grace = sessions.join(live, learner), sessions.join(live, other_learner)
    sessions.move(live, educator, "next")
    sessions.answer(live, ada, 1, chosen(key_of(version(live, 1))))
    sessions.answer(live, grace, 1, chosen(wrong_of(version(live, 1))))
    sessions.move(live, educator, "reveal")
    live = sessions.move(live, educator, "end")
    assert live.phase == Phase.ENDED and live.ended_at is not None
    ada.attempt.refresh_from_db()
    grace.attempt.refresh_from_db()
    assert ada.attempt.is_finished and ada.attempt.points == 1.0
    assert grace.attempt.points == 0.0
    # The mistake enters grace's spaced review like any other.
    assert ReviewCard.objects.filter(user=other_learner).count() == 1


def test_a_session_left_idle_ends_by_itself(live, educator, learner, settings):
    settings.LIVE_IDLE_MINUTES = 30
    seat = sessions.join(live, learner)
    assert not sessions.end_if_idle(live, now=timezone.now() + timedelta(minutes=29))
    assert sessions.end_if_idle(live, now=timezone.now() + timedelta(minutes=31))
    assert live.phase == Phase.ENDED
    seat.attempt.refresh_from_db()
    assert seat.attempt.is_finished


def test_the_distribution_counts_each_option_in_the_order_shown(live, educator, learner, other_learner):
    ada, grace = sessions.join(live, learner), sessions.join(live, other_learner)
    sessions.move(live, educator, "next")
    v = version(live, 1)
    sessions.answer(live, ada, 1, chosen(key_of(v)))
    sessions.answer(live, grace, 1, chosen(wrong_of(v)))
    question = results.question_summary(live, 1)
    assert (question.answered, question.correct, question.percent_correct) == (2, 1, 50)
    shown = [o.id for o in attempts.public_item(ada.attempt, ada.attempt.slots.get(number=1)).options]
    texts = {o["id"]: o["text"] for o in v.spec["options"]}
    assert [b.label for b in question.bars] == [texts[i] for i in shown]
    assert sum(b.count for b in question.bars) == len(key_of(v)) + 1
    assert {b.label for b in question.bars if b.key} == {texts[i] for i in key_of(v)}


def test_the_summary_has_every_question_in_two_queries(live, django_assert_num_queries):
    assert live.quiz.shuffle_options  # the quiz is loaded with the session in the views
    with django_assert_num_queries(2):  # the versions; every answer
        summary = results.summary(live)
    assert [q.number for q in summary] == list(range(1, 11))


def test_the_csv_defuses_formulas(educator, live_quiz):
    v = QuestionVersion.objects.filter(question__bank=live_quiz.bank).first()
    QuestionVersion.objects.filter(pk=v.pk).update(stem="=HYPERLINK(1)")
    session = sessions.start_session(educator, live_quiz, version_ids=[v.pk])
    rows = results.csv_rows(session, results.summary(session))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_the_leaderboard_names_nicknames_only(live, educator, learner, other_learner):
    sessions.join(live, learner, nickname="Star")
    sessions.join(live, other_learner)
    assert [s.nickname for s in results.leaderboard(live)] == ["Star"]
    assert LiveParticipant.objects.count() == 2
