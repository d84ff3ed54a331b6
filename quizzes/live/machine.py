"""The rules of a live session as a state machine, in plain Python: no models, no request.

A session starts in the lobby; "Next" opens question 1; "Reveal" closes it and shows the key; "Next" opens
the following question, or after the last one ends the session. The owner may pause and resume (a paused
session takes no answers and its countdown stands still), and end it at any time. A session left idle
longer than its idle time ends by itself. Learners answer only the question that is open, while it is
open and not paused, and before its countdown (if any) runs out.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

# An answer sent just as the countdown ends may arrive a moment later: it still counts within this.
COUNTDOWN_GRACE = timedelta(seconds=2)


class Phase(StrEnum):
    LOBBY = "lobby"
    OPEN = "open"
    REVEALED = "revealed"
    ENDED = "ended"


class IllegalMove(Exception):
    """The session cannot make that move from where it stands (the message says why, for the educator)."""


class NotAnswerable(Exception):
    """A learner's answer to a question that is not open now (the message says why, for the learner)."""


@dataclass(frozen=True)
class Stage:
    """Where a session stands: the phase, the question number (0 in the lobby), how many questions there
    are, whether it is paused, and the open question's countdown: when it runs out (`closes_at`), or while
    paused how much of it was left (`remaining`)."""

    phase: Phase
    number: int
    count: int
    paused: bool = False
    closes_at: datetime | None = None
    remaining: timedelta | None = None

    @property
    def is_last(self) -> bool:
        return self.number >= self.count


def _live(stage: Stage, move: str) -> None:
    if stage.phase == Phase.ENDED:
        raise IllegalMove(f"The session has ended: it cannot {move}.")
    if stage.paused:
        raise IllegalMove(f"The session is paused: resume it before you {move}.")


def advance(stage: Stage, now: datetime, countdown: timedelta | None = None) -> Stage:
    """ "Next": from the lobby open question 1; after a reveal open the next question, or end after the
    last. An open question must be revealed first, so that nobody's answer is cut off unseen."""
    _live(stage, "move on")
    if stage.phase == Phase.OPEN:
        raise IllegalMove("Reveal this question before moving on.")
    if stage.phase == Phase.REVEALED and stage.is_last:
        return end(stage)
    if stage.count < 1:
        raise IllegalMove("The session has no questions.")
    closes_at = now + countdown if countdown else None
    return Stage(Phase.OPEN, stage.number + 1, stage.count, closes_at=closes_at)


def reveal(stage: Stage) -> Stage:
    """ "Reveal": close the open question to answers and show its key and the distribution of answers."""
    _live(stage, "reveal")
    if stage.phase != Phase.OPEN:
        raise IllegalMove("There is no open question to reveal.")
    return replace(stage, phase=Phase.REVEALED, closes_at=None, remaining=None)


def pause(stage: Stage, now: datetime) -> Stage:
    """Hold the session: no answers, and the countdown keeps what was left of it."""
    _live(stage, "pause")
    remaining = max(stage.closes_at - now, timedelta(0)) if stage.closes_at else None
    return replace(stage, paused=True, closes_at=None, remaining=remaining)


def resume(stage: Stage, now: datetime) -> Stage:
    if stage.phase == Phase.ENDED:
        raise IllegalMove("The session has ended: it cannot resume.")
    if not stage.paused:
        raise IllegalMove("The session is not paused.")
    closes_at = now + stage.remaining if stage.remaining is not None else None
    return replace(stage, paused=False, closes_at=closes_at, remaining=None)


def end(stage: Stage) -> Stage:
    """End the session, from any phase (ending twice changes nothing)."""
    return Stage(Phase.ENDED, stage.number, stage.count)


def check_answerable(stage: Stage, number: int, now: datetime) -> None:
    """Refuse (NotAnswerable) an answer to question `number` unless it is the open one, the session is not
    paused, and its countdown has not run out (with COUNTDOWN_GRACE for an answer in flight)."""
    if stage.phase == Phase.ENDED:
        raise NotAnswerable("This live session has ended.")
    if stage.phase == Phase.LOBBY:
        raise NotAnswerable("The session has not started: wait for the first question.")
    if number != stage.number:
        raise NotAnswerable("That question is not the one open now.")
    if stage.phase == Phase.REVEALED:
        raise NotAnswerable("The answers to this question have been revealed: it takes no more answers.")
    if stage.paused:
        raise NotAnswerable("The session is paused: wait for your educator to resume it.")
    if stage.closes_at is not None and now > stage.closes_at + COUNTDOWN_GRACE:
        raise NotAnswerable("Time is up for this question.")


def may_change(stage: Stage, allow_change: bool) -> bool:
    """Whether a learner who has answered the open question may still change that answer."""
    return allow_change and stage.phase == Phase.OPEN and not stage.paused


def is_idle(stage: Stage, last_activity: datetime, now: datetime, idle: timedelta) -> bool:
    """Whether a session not yet ended has been left alone longer than `idle` (and so ends by itself)."""
    return stage.phase != Phase.ENDED and now - last_activity > idle
