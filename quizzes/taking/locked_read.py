"""The answer path's one read: written once as SQL, not compiled by the ORM on every answer.

An htmx answer needs the attempt (locked, so answers and finishing never interleave), its quiz, the slot
answered and the one after it, their versions and responses, and what decides whether the learner may still
answer (the quiz's audience and its bank's owner, whether the attempt is a live session's). Built by the ORM
that is one query, but compiling it costs more than running it (issue 23: about 40 % of an answer's time went
to SQL compilation). The statement below is built once per process from the models' own metadata (tables,
columns and the database's converters, as the ORM would use them), so a new field or column is picked up.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection

from ..models import Attempt, Bank, LiveParticipant, QuestionVersion, Quiz, Response, Slot

# Each row holds these models' columns in this order, then the bank's owner and the live seat's id.
_MODELS = (("s", Slot), ("a", Attempt), ("q", Quiz), ("v", QuestionVersion), ("r", Response))


@dataclass(frozen=True)
class SlotPair:
    """The attempt (with its quiz) and slot `number` (with its version and response), the slot after it if
    any, the quiz's bank's owner, and whether a live session holds the attempt."""

    attempt: Attempt
    slot: Slot
    following: Slot | None
    bank_owner_id: int
    in_live_session: bool


@dataclass(frozen=True)
class _Statement:
    sql: str
    # per model: (attnames, one list of converters per column)
    readers: tuple[tuple[list[str], list[list]], ...]
    expressions: tuple[list, ...]


@cache
def _statement(vendor: str, for_update_of: bool) -> _Statement:
    qn = connection.ops.quote_name

    def table(model) -> str:
        return qn(model._meta.db_table)

    def column(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    selected, readers, expressions = [], [], []
    for alias, model in _MODELS:
        fields = model._meta.concrete_fields
        selected += [f"{alias}.{qn(f.column)}" for f in fields]
        cols = [f.get_col(alias) for f in fields]
        converters = [connection.ops.get_db_converters(c) + c.get_db_converters(connection) for c in cols]
        readers.append(([f.attname for f in fields], converters))
        expressions.append(cols)
    pk = qn(Slot._meta.pk.column)
    sql = (
        f"SELECT {', '.join(selected)}, b.{column(Bank, 'owner')}, lp.{qn(LiveParticipant._meta.pk.column)} "
        f"FROM {table(Slot)} s "
        f"INNER JOIN {table(Attempt)} a ON a.{qn(Attempt._meta.pk.column)} = s.{column(Slot, 'attempt')} "
        f"INNER JOIN {table(Quiz)} q ON q.{qn(Quiz._meta.pk.column)} = a.{column(Attempt, 'quiz')} "
        f"INNER JOIN {table(Bank)} b ON b.{qn(Bank._meta.pk.column)} = q.{column(Quiz, 'bank')} "
        f"INNER JOIN {table(QuestionVersion)} v "
        f"ON v.{qn(QuestionVersion._meta.pk.column)} = s.{column(Slot, 'version')} "
        f"LEFT OUTER JOIN {table(Response)} r ON r.{column(Response, 'slot')} = s.{pk} "
        f"LEFT OUTER JOIN {table(LiveParticipant)} lp "
        f"ON lp.{column(LiveParticipant, 'attempt')} = a.{qn(Attempt._meta.pk.column)} "
        f"WHERE a.{column(Attempt, 'code')} = %s AND a.{column(Attempt, 'user')} = %s "
        f"AND s.{column(Slot, 'number')} IN (%s, %s) "
        f"ORDER BY s.{column(Slot, 'number')}"
    )
    if for_update_of:  # SQLite has no row locks: its one writer at a time and the transaction do the work
        sql += " FOR UPDATE OF a"
    return _Statement(sql, tuple(readers), tuple(expressions))


def read_slot_pair(user_id: int, code: UUID | str, number: int) -> SlotPair | None:
    """Lock the user's attempt with this code and read it with slot `number` and the next (see SlotPair);
    None when the user has no such attempt or it has no such slot. Call inside a transaction."""
    features = connection.features
    statement = _statement(connection.vendor, features.has_select_for_update_of)
    code_field = Attempt._meta.get_field("code")
    try:
        code = code_field.to_python(code)
    except Exception:  # noqa: BLE001 - not a UUID: no such attempt (URLs only route UUIDs)
        return None
    params = [code_field.get_db_prep_value(code, connection), user_id, number, number + 1]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if not rows or rows[0][0] is None:
        return None
    built = [_build(statement, row) for row in rows]
    slot, attempt, quiz, version, response = built[0][:5]
    if slot.number != number:
        return None
    attempt.quiz = quiz
    _join(slot, attempt, version, response)
    following = None
    if len(built) > 1:
        following, _, _, next_version, next_response = built[1][:5]
        _join(following, attempt, next_version, next_response)
    return SlotPair(
        attempt, slot, following, bank_owner_id=rows[0][-2], in_live_session=rows[0][-1] is not None
    )


_RESPONSE = Slot._meta.get_field("response")  # the reverse one-to-one: its cache says "no answer" too
_RESPONSE_SLOT = Response._meta.get_field("slot")


def _join(slot: Slot, attempt: Attempt, version: QuestionVersion, response: Response | None) -> None:
    """Relate the instances as select_related would: no query when one reaches another."""
    slot.attempt, slot.version = attempt, version
    _RESPONSE.set_cached_value(slot, response)  # None: not answered yet
    if response is not None:
        _RESPONSE_SLOT.set_cached_value(response, slot)


def _build(statement: _Statement, row: tuple) -> list[Any]:
    """The row's model instances (None for a response not given yet), as the ORM's from_db makes them."""
    built, position = [], 0
    for (_, model), (attnames, converters), cols in zip(
        _MODELS, statement.readers, statement.expressions, strict=True
    ):
        values = list(row[position : position + len(attnames)])
        position += len(attnames)
        if values[0] is None:  # a LEFT JOIN that found nothing
            built.append(None)
            continue
        for i, functions in enumerate(converters):
            for function in functions:
                values[i] = function(values[i], cols[i], connection)
        built.append(model.from_db(connection.alias, attnames, values))
    return built
