"""The live session's state machine: lobby, question open, revealed, ended; pause; countdown; idle."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.live import machine
from quizzes.live.machine import IllegalMove, NotAnswerable, Phase, Stage

T0 = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
LOBBY = Stage(Phase.LOBBY, 0, 3)


def test_next_from_the_lobby_opens_question_1():
    stage = machine.advance(LOBBY, T0)
    assert (stage.phase, stage.number, stage.closes_at) == (Phase.OPEN, 1, None)


def test_a_countdown_sets_when_the_question_closes():
    stage = machine.advance(LOBBY, T0, timedelta(seconds=30))
    assert stage.closes_at == T0 + timedelta(seconds=30)


def test_an_open_question_must_be_revealed_before_next():
    with pytest.raises(IllegalMove, match="Reveal"):
        machine.advance(machine.advance(LOBBY, T0), T0)


def test_reveal_then_next_opens_the_following_question():
    revealed = machine.reveal(machine.advance(LOBBY, T0))
    assert revealed.phase == Phase.REVEALED and revealed.number == 1
    following = machine.advance(revealed, T0)
    assert (following.phase, following.number) == (Phase.OPEN, 2)


def test_next_after_the_last_reveal_ends_the_session():
    stage = Stage(Phase.REVEALED, 3, 3)
    assert machine.advance(stage, T0).phase == Phase.ENDED


def test_reveal_needs_an_open_question():
    for stage in (LOBBY, Stage(Phase.REVEALED, 1, 3)):
        with pytest.raises(IllegalMove, match="no open question"):
            machine.reveal(stage)


def test_nothing_moves_an_ended_session():
    ended = machine.end(LOBBY)
    for move in (lambda s: machine.advance(s, T0), machine.reveal, lambda s: machine.pause(s, T0)):
        with pytest.raises(IllegalMove, match="ended"):
            move(ended)
    with pytest.raises(IllegalMove, match="ended"):
        machine.resume(ended, T0)
    assert machine.end(ended) == ended


def test_end_works_from_every_phase():
    for stage in (LOBBY, Stage(Phase.OPEN, 2, 3), Stage(Phase.REVEALED, 2, 3), Stage(Phase.OPEN, 1, 3, True)):
        assert machine.end(stage).phase == Phase.ENDED


def test_a_session_without_questions_cannot_start():
    with pytest.raises(IllegalMove, match="no questions"):
        machine.advance(Stage(Phase.LOBBY, 0, 0), T0)


def test_a_paused_session_refuses_next_and_reveal_until_resumed():
    paused = machine.pause(machine.advance(LOBBY, T0), T0)
    with pytest.raises(IllegalMove, match="paused"):
        machine.reveal(paused)
    with pytest.raises(IllegalMove, match="paused"):
        machine.advance(paused, T0)
    resumed = machine.resume(paused, T0)
    assert not resumed.paused and machine.reveal(resumed).phase == Phase.REVEALED


def test_resume_needs_a_pause():
    with pytest.raises(IllegalMove, match="not paused"):
        machine.resume(LOBBY, T0)


def test_pausing_keeps_what_was_left_of_the_countdown():
    opened = machine.advance(LOBBY, T0, timedelta(seconds=30))
    paused = machine.pause(opened, T0 + timedelta(seconds=10))
    assert paused.remaining == timedelta(seconds=20) and paused.closes_at is None
    resumed = machine.resume(paused, T0 + timedelta(minutes=5))
    assert resumed.closes_at == T0 + timedelta(minutes=5, seconds=20) and resumed.remaining is None


def test_only_the_open_question_takes_answers():
    opened = machine.advance(LOBBY, T0)
    machine.check_answerable(opened, 1, T0)
    with pytest.raises(NotAnswerable, match="not the one open"):
        machine.check_answerable(opened, 2, T0)
    with pytest.raises(NotAnswerable, match="not started"):
        machine.check_answerable(LOBBY, 1, T0)
    with pytest.raises(NotAnswerable, match="revealed"):
        machine.check_answerable(machine.reveal(opened), 1, T0)
    with pytest.raises(NotAnswerable, match="paused"):
        machine.check_answerable(machine.pause(opened, T0), 1, T0)
    with pytest.raises(NotAnswerable, match="ended"):
        machine.check_answerable(machine.end(opened), 1, T0)


def test_the_countdown_refuses_late_answers_after_a_grace():
    opened = machine.advance(LOBBY, T0, timedelta(seconds=30))
    machine.check_answerable(opened, 1, T0 + timedelta(seconds=30) + machine.COUNTDOWN_GRACE)
    with pytest.raises(NotAnswerable, match="Time is up"):
        machine.check_answerable(opened, 1, T0 + timedelta(seconds=33))


def test_answers_may_change_only_while_open_and_allowed():
    opened = machine.advance(LOBBY, T0)
    assert machine.may_change(opened, True)
    assert not machine.may_change(opened, False)
    assert not machine.may_change(machine.reveal(opened), True)
    assert not machine.may_change(machine.pause(opened, T0), True)


def test_a_session_is_idle_after_the_idle_time_unless_ended():
    idle = timedelta(minutes=60)
    assert not machine.is_idle(LOBBY, T0, T0 + idle, idle)
    assert machine.is_idle(LOBBY, T0, T0 + idle + timedelta(seconds=1), idle)
    assert not machine.is_idle(machine.end(LOBBY), T0, T0 + 2 * idle, idle)
