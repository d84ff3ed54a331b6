"""The answer path's locked reads, written once as SQL (quizzes.prebuilt), not compiled on every answer.

An htmx answer needs the attempt (locked, so answers and finishing never interleave), its quiz, the slot
answered and the one after it, their versions and responses, and what decides whether the learner may still
answer (the quiz's audience and its bank's owner, whether the attempt is a live session's): read_slot_pair.
Every other answer (practice, a live session's, the usual way's) reads the slot it answers: read_slot.
"""

from dataclasses import dataclass
from uuid import UUID

from ..models import Attempt, Bank, LiveParticipant, QuestionVersion, Quiz, Response, Slot
from ..prebuilt import Read, field_value


@dataclass(frozen=True)
class SlotPair:
    """The attempt (with its quiz) and slot `number` (with its version and response), the slot after it if
    any, the quiz's bank's owner, and whether a live session holds the attempt."""

    attempt: Attempt
    slot: Slot
    following: Slot | None
    bank_owner_id: int
    in_live_session: bool


def _slots_of_attempt(n, where: str) -> str:
    """FROM the slots of an attempt (a) with its quiz (q) and bank (b), each slot's version (v) and
    response (r), and the live seat (lp) holding the attempt, if any; then `where`."""
    return (
        f"FROM {n.table(Slot)} s "
        f"INNER JOIN {n.table(Attempt)} a ON a.{n.pk(Attempt)} = s.{n.column(Slot, 'attempt')} "
        f"INNER JOIN {n.table(Quiz)} q ON q.{n.pk(Quiz)} = a.{n.column(Attempt, 'quiz')} "
        f"INNER JOIN {n.table(Bank)} b ON b.{n.pk(Bank)} = q.{n.column(Quiz, 'bank')} "
        f"INNER JOIN {n.table(QuestionVersion)} v "
        f"ON v.{n.pk(QuestionVersion)} = s.{n.column(Slot, 'version')} "
        f"LEFT OUTER JOIN {n.table(Response)} r ON r.{n.column(Response, 'slot')} = s.{n.pk(Slot)} "
        f"LEFT OUTER JOIN {n.table(LiveParticipant)} lp "
        f"ON lp.{n.column(LiveParticipant, 'attempt')} = a.{n.pk(Attempt)} "
        f"{where}"
    )


_MODELS = (("s", Slot), ("a", Attempt), ("q", Quiz), ("v", QuestionVersion), ("r", Response))

# The user's attempt with this code: slot `number` and the one after it.
_PAIR = Read(
    _MODELS,
    lambda n: _slots_of_attempt(
        n,
        f"WHERE a.{n.column(Attempt, 'code')} = %s AND a.{n.column(Attempt, 'user')} = %s "
        f"AND s.{n.column(Slot, 'number')} IN (%s, %s) ORDER BY s.{n.column(Slot, 'number')}",
    ),
    extras=lambda n: (f"b.{n.column(Bank, 'owner')}", f"lp.{n.pk(LiveParticipant)}"),
    lock="a",
)

# Slot `number` of the attempt with this id.
_SLOT = Read(
    _MODELS[:2] + _MODELS[3:],
    lambda n: (
        f"FROM {n.table(Slot)} s "
        f"INNER JOIN {n.table(Attempt)} a ON a.{n.pk(Attempt)} = s.{n.column(Slot, 'attempt')} "
        f"INNER JOIN {n.table(QuestionVersion)} v "
        f"ON v.{n.pk(QuestionVersion)} = s.{n.column(Slot, 'version')} "
        f"LEFT OUTER JOIN {n.table(Response)} r ON r.{n.column(Response, 'slot')} = s.{n.pk(Slot)} "
        f"WHERE s.{n.column(Slot, 'attempt')} = %s AND s.{n.column(Slot, 'number')} = %s"
    ),
    lock="a",
)


def read_slot_pair(user_id: int, code: UUID | str, number: int) -> SlotPair | None:
    """Lock the user's attempt with this code and read it with slot `number` and the next (see SlotPair);
    None when the user has no such attempt or it has no such slot. Call inside a transaction."""
    try:
        code = field_value(Attempt, "code", code)
    except ValueError:  # not a UUID: no such attempt (URLs only route UUIDs)
        return None
    rows = _PAIR.fetch([code, user_id, number, number + 1])
    if not rows:
        return None
    (slot, attempt, quiz, version, response), (bank_owner_id, seat_id) = rows[0]
    if slot.number != number:
        return None
    attempt.quiz = quiz
    _join(slot, attempt, version, response)
    following = None
    if len(rows) > 1:
        following, _, _, next_version, next_response = rows[1][0]
        _join(following, attempt, next_version, next_response)
    return SlotPair(attempt, slot, following, bank_owner_id, in_live_session=seat_id is not None)


def read_slot(attempt_id: int, number: int) -> Slot | None:
    """Lock the attempt and read its slot `number` with the attempt, version and response (None when it has
    no such slot). Call inside a transaction."""
    rows = _SLOT.fetch([attempt_id, number])
    if not rows:
        return None
    slot, attempt, version, response = rows[0][0]
    _join(slot, attempt, version, response)
    return slot


_RESPONSE = Slot._meta.get_field("response")  # the reverse one-to-one: its cache says "no answer" too
_RESPONSE_SLOT = Response._meta.get_field("slot")


def _join(slot: Slot, attempt: Attempt, version: QuestionVersion, response: Response | None) -> None:
    """Relate the instances as select_related would: no query when one reaches another."""
    slot.attempt, slot.version = attempt, version
    _RESPONSE.set_cached_value(slot, response)  # None: not answered yet
    if response is not None:
        _RESPONSE_SLOT.set_cached_value(response, slot)
