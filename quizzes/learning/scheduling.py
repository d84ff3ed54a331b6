"""Spaced review of a learner's mistakes with FSRS, the scheduler Anki uses.

Plain functions over the FSRS card state (a dict), with the clock passed in, so schedules are
deterministic in tests. Fuzzing is off for the same reason.
"""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

from ..items import Grade

_scheduler = Scheduler(enable_fuzzing=False)


def rating_for(grade: Grade) -> Rating:
    """Wrong -> Again, partly right -> Hard, right -> Good."""
    if grade.is_correct:
        return Rating.Good
    return Rating.Hard if grade.is_partial else Rating.Again


def needs_review(grade: Grade) -> bool:
    """Only mistakes (and partial answers) enter the queue; right answers reschedule items already in it."""
    return not grade.is_correct


def new_state(now: datetime) -> dict:
    # FSRS ids a card by the wall clock; ours are ReviewCard rows, and a constant keeps states reproducible.
    return Card(card_id=0, due=now).to_dict()


def schedule(state: dict, rating: Rating, now: datetime) -> tuple[dict, datetime]:
    """Rate the card at `now`; returns its new state and when it is next due."""
    card, _log = _scheduler.review_card(Card.from_dict(state), rating, review_datetime=now)
    return card.to_dict(), card.due
