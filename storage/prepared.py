"""Statements of the answer path, compiled once per database and run on the driver's cursor.

`Connection.execute` costs several times the query itself for a point query on SQLite: it looks
the compiled form up, builds the parameters, an execution context and a result object with its
metadata, on every call. A `Prepared` statement does that work once per dialect and keeps the
SQL text, the order of its parameters, and the type conversions SQLAlchemy would apply to each
parameter and each result column (`TypeEngine.dialect_impl(...).bind_processor` and
`result_processor`, the same functions `execute` uses). Running it is then: convert the
parameters, `cursor.execute`, convert the row. Same SQL, same values in and out.

It also fires SQLAlchemy's `before_cursor_execute` and dialect `do_execute` events (benchmarks
count statements with the one, tests fake a full disk with the other), and raises the same
`sqlalchemy.exc` errors (`IntegrityError`, `OperationalError`, …) that `execute` would. Statements that need anything more (expanding IN lists, parameters decided
at run time) do not belong here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    # Per positional parameter: its key in the caller's parameters (None: a constant), the
    # constant's value, and the conversion to the driver's form.
    keys: tuple[str | None, ...]
    constants: tuple[Any, ...]
    binds: tuple[Processor, ...]
    columns: tuple[str, ...]
    # The returned columns' types: their conversions depend on what the driver reports for
    # each column (PostgreSQL's numeric types), so they are made at the first run.
    types: tuple[sa.types.TypeEngine[Any], ...]


def _plan(statement: sa.ClauseElement, dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    order = compiled.positiontup if isinstance(compiled, SQLCompiler) else None
    if order is None or "POSTCOMPILE" in compiled.string:
        raise ValueError(f"{dialect.name}: not a plain positional statement")
    keys: list[str | None] = []
    constants: list[Any] = []
    binds: list[Processor] = []
    for name in order:
        bind = compiled.binds[name]  # type: ignore[attr-defined]  # an SQLCompiler (above)
        keys.append(bind.key if bind.required else None)
        constants.append(None if bind.required else bind.effective_value)
        binds.append(bind.type.dialect_impl(dialect).bind_processor(dialect))
    # What a SELECT selects, or what an INSERT/UPDATE returns (nothing without RETURNING).
    returned: sa.ColumnCollection[Any, Any] | None = getattr(
        statement, "selected_columns", None
    ) or getattr(statement, "exported_columns", None)
    columns = tuple(returned.keys()) if returned is not None else ()
    types = tuple(
        column.type.dialect_impl(dialect) for column in (returned if returned is not None else ())
    )
    return _Plan(compiled.string, tuple(keys), tuple(constants), tuple(binds), columns, types)


class Prepared:
    """One Core statement, compiled the first time it runs on each kind of database."""

    __slots__ = ("_statement", "_plans", "_results")

    def __init__(self, statement: sa.ClauseElement) -> None:
        self._statement = statement
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._results: dict[tuple[str, str], tuple[Processor, ...]] = {}

    def rows(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement; its result rows (converted), or [] for one that returns none."""
        plan = self.plan(conn.dialect)
        values = [
            bind(params[key] if key is not None else constant)
            if bind is not None
            else (params[key] if key is not None else constant)
            for key, constant, bind in zip(plan.keys, plan.constants, plan.binds, strict=True)
        ]
        dbapi = conn.dialect.loaded_dbapi
        cursor = conn.connection.cursor()
        try:
            _execute(conn, cursor, plan.sql, values)
            if not plan.columns:
                return []
            fetched = cursor.fetchall()
            results = self._results.get((conn.dialect.name, conn.dialect.driver))
            if results is None:
                results = self._result_processors(conn.dialect, plan, cursor.description)
        except dbapi.Error as error:
            raise exc.DBAPIError.instance(
                plan.sql, values, error, dbapi.Error, dialect=conn.dialect
            ) from error
        finally:
            cursor.close()
        return [_converted(row, results) for row in fetched]

    def _result_processors(
        self, dialect: Dialect, plan: _Plan, description: Sequence[Sequence[Any]]
    ) -> tuple[Processor, ...]:
        results = tuple(
            kind.result_processor(dialect, column[1])
            for kind, column in zip(plan.types, description, strict=True)
        )
        self._results[(dialect.name, dialect.driver)] = results
        return results

    def mappings(self, conn: sa.Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """`rows`, each as a dict of the statement's column keys."""
        columns = self.plan(conn.dialect).columns
        return [dict(zip(columns, row, strict=True)) for row in self.rows(conn, params)]

    def plan(self, dialect: Dialect) -> _Plan:
        key = (dialect.name, dialect.driver)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _plan(self._statement, dialect)
        return plan


def _execute(conn: sa.Connection, cursor: Any, sql: str, values: list[Any]) -> None:
    """`cursor.execute`, with the events `Connection.execute` would fire around it (there is no
    execution context: listeners get None)."""
    for listener in conn.dispatch.before_cursor_execute:
        listener(conn, cursor, sql, values, None, False)
    dialect = conn.dialect
    # A `do_execute` listener may run the statement itself (returns True), as with execute.
    if not any(handled(cursor, sql, values, None) for handled in dialect.dispatch.do_execute):
        dialect.do_execute(cursor, sql, values, None)


def _converted(row: Sequence[Any], results: tuple[Processor, ...]) -> tuple[Any, ...]:
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(row, results, strict=True)
    )
