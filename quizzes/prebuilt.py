"""Reads on the hot paths, written once as SQL instead of compiled by the ORM on every request.

An answer reads a few joined rows; built by the ORM that is one query, but compiling it costs more than
running it (issue 23: about 40 % of an answer's time went to SQL compilation). A Read is composed once per
process from the models' own metadata (tables, columns, and the converters the ORM would apply), so a new
field or column is picked up, and its rows come back as model instances, as `from_db` makes them.

    seat = Read(
        (("p", LiveParticipant), ("ls", LiveSession)),
        lambda t: f"FROM {t.table(LiveParticipant)} p INNER JOIN ... WHERE ...",
    )
    for (participant, session), extras in seat.fetch([...]):
        ...

The FROM ... WHERE text is given as a function of a Names helper (quoted table and column names), called
once, on first use, when the database connection is known.
"""

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Model


class Names:
    """Quoted names for the FROM ... WHERE text: tables, columns by field name, primary keys."""

    def __init__(self) -> None:
        self.quote = connection.ops.quote_name

    def table(self, model: type[Model]) -> str:
        return self.quote(model._meta.db_table)

    def column(self, model: type[Model], field: str) -> str:
        return self.quote(model._meta.get_field(field).column)

    def pk(self, model: type[Model]) -> str:
        return self.quote(model._meta.pk.column)


class Read:
    """SELECT every concrete column of `models` (each under its alias), then the `extras` expressions,
    `rest(names)` (FROM ... WHERE ... ORDER BY), and, where the database has row locks, FOR UPDATE OF
    `lock` (an alias). Composed on first use; one statement per process."""

    def __init__(
        self,
        models: Sequence[tuple[str, type[Model]]],
        rest: Callable[[Names], str],
        *,
        extras: Callable[[Names], Sequence[str]] = lambda names: (),
        lock: str | None = None,
    ) -> None:
        self.models = tuple(models)
        self._rest, self._extras, self._lock = rest, extras, lock

    @cached_property
    def _compiled(self) -> tuple[str, tuple[tuple[list[str], list[list], list], ...]]:
        names = Names()
        selected, readers = [], []
        for alias, model in self.models:
            fields = model._meta.concrete_fields
            selected += [f"{alias}.{names.quote(f.column)}" for f in fields]
            cols = [f.get_col(alias) for f in fields]
            converters = [connection.ops.get_db_converters(c) + c.get_db_converters(connection) for c in cols]
            readers.append(([f.attname for f in fields], converters, cols))
        sql = f"SELECT {', '.join([*selected, *self._extras(names)])} {self._rest(names)}"
        if self._lock and connection.features.has_select_for_update_of:
            # SQLite has no row locks: its one writer at a time and the transaction do the work.
            sql += f" FOR UPDATE OF {self._lock}"
        return sql, tuple(readers)

    def fetch(self, params: Sequence[Any]) -> list[tuple[list[Model | None], tuple]]:
        """Each row as (the models' instances, None where a LEFT JOIN found nothing; the extras)."""
        sql, readers = self._compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [self._build(readers, row) for row in rows]

    def _build(self, readers, row: tuple) -> tuple[list[Model | None], tuple]:
        built, position = [], 0
        for (_, model), (attnames, converters, cols) in zip(self.models, readers, strict=True):
            values = list(row[position : position + len(attnames)])
            position += len(attnames)
            if values[0] is None:  # a LEFT JOIN that found nothing
                built.append(None)
                continue
            for i, functions in enumerate(converters):
                for function in functions:
                    values[i] = function(values[i], cols[i], connection)
            built.append(model.from_db(connection.alias, attnames, values))
        return built, row[position:]


def field_value(model: type[Model], field: str, value: Any) -> Any:
    """`value` as a parameter for `field` (e.g. a UUID from a URL); ValueError when it is not one."""
    f = model._meta.get_field(field)
    try:
        return f.get_db_prep_value(f.to_python(value), connection)
    except Exception as exc:  # noqa: BLE001 - to_python raises ValidationError, or worse, for junk
        raise ValueError(f"not a {field}: {value!r}") from exc
