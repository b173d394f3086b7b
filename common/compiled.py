"""Hot look-ups whose SQL is compiled once per process instead of on every request.

Django compiles a queryset to SQL each time it runs it. For the look-ups every signed-in request
makes (the form a page opens, with its round, department, person, position and unit; the same
row locked for a save) that compiling cost more CPU than PostgreSQL spent answering: about
1 ms of a 1.4 ms look-up. `CompiledLookup` builds the queryset once per database with marker
values in place of its parameters, keeps the SQL and the compiler's description of the columns,
and then only runs that SQL with the real values and builds the objects as Django's own
iterator does (the same `from_db`, the same related-object population and value converters).

What it keeps exact: the database is chosen by the routers on every call, as `QuerySet.db`
would (reads may go to the replica, a locking read always to the primary); the query goes
through the connection's cursor, so execute wrappers, query counting and logging see it; a
queryset that cannot be compiled this way (a value the SQL does not carry as a parameter) is
run through the ORM on each call.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

from common import prepared

# Marker values for the parameters, two sets: the query is built with each, and the parameters
# that differ between the two compilations are the slots (a constant of the query that happens
# to equal a marker is then never taken for one). Small positive integers, valid in every
# integer column (Django answers a value out of a column's range without SQL).
_MARKERS = (32_001, 32_002, 32_003, 32_004)
_OTHER_MARKERS = (32_011, 32_012, 32_013, 32_014)


def _matches(param, marker: int) -> bool:
    # A text column's parameter comes as text (an object id kept as a string).
    return param == marker or param == str(marker)


class _Compiled:
    __slots__ = (
        "sql",
        "params",
        "slots",
        "model",
        "init_list",
        "start",
        "end",
        "annotations",
        "converters",
        "populators",
        "locks",
    )

    def __init__(self, qs: QuerySet, other: QuerySet, names: list[str], db: str):
        compiler = qs.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        other_sql, other_params = other.query.get_compiler(using=db).as_sql()
        params, other_params = list(params), list(other_params)
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("the values change the query's text")
        differ = {i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b}
        slots = {}
        for name, marker, other_marker in zip(names, _MARKERS, _OTHER_MARKERS, strict=False):
            where = [i for i, p in enumerate(params) if _matches(p, marker)]
            if not where or any(
                i not in differ or not _matches(other_params[i], other_marker) for i in where
            ):
                raise ValueError(f"parameter {name} is not a parameter of the query")
            slots[name] = where
        if differ != {i for where in slots.values() for i in where}:
            raise ValueError("a value changes more than its own parameters")
        self.sql, self.params, self.slots = sql, params, slots
        self.locks = (
            qs.query.select_for_update and compiler.connection.features.has_select_for_update
        )
        select, klass_info = compiler.select, compiler.klass_info
        self.annotations = list(compiler.annotation_col_map.items())
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self.converters = list(converters.items())
        self.populators = get_related_populators(klass_info, select, db)


class CompiledLookup:
    """`CompiledLookup(build)` where `build(**values)` returns the queryset (no prefetching, no
    values()); calling it with the values returns the list of model objects."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        if len(names) > len(_MARKERS):
            raise ValueError("too many parameters")
        self.build, self.names = build, list(names)
        self._by_db: dict[str, _Compiled | None] = {}
        self._route = None  # (model, for_write), read from the queryset on first use

    def _probe(self, markers=_MARKERS) -> QuerySet:
        return self.build(**dict(zip(self.names, markers, strict=False)))

    def _db(self) -> str | None:
        """The database the queryset would use; None when it cannot be built with markers."""
        if self._route is None:
            try:
                probe = self._probe()
                self._route = (probe.model, probe._for_write)
            except (ValueError, TypeError):
                self._route = False
        if self._route is False:
            return None
        model, for_write = self._route
        if for_write:
            return router.db_for_write(model)
        return router.db_for_read(model)

    def __call__(self, **values) -> list:
        db = self._db()
        if db is None:
            return list(self.build(**values))
        try:
            compiled = self._by_db[db]
        except KeyError:
            try:
                compiled = _Compiled(
                    self._probe().using(db), self._probe(_OTHER_MARKERS).using(db), self.names, db
                )
            except (ValueError, KeyError, IndexError, TypeError, EmptyResultSet, FullResultSet):
                compiled = None
            if compiled is not None:
                prepared.lookup_sql(compiled.sql)
            self._by_db[db] = compiled
        if compiled is None:
            return list(self.build(**values).using(db))
        params = list(compiled.params)
        for name, slots in compiled.slots.items():
            for slot in slots:
                params[slot] = values[name]
        connection = connections[db]
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        converters = compiled.converters
        from_db = compiled.model.from_db
        objects = []
        for row in rows:
            if converters:
                row = list(row)
                for pos, (functions, expression) in converters:
                    value = row[pos]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[pos] = value
            obj = from_db(db, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr, pos in compiled.annotations:
                setattr(obj, attr, row[pos])
            objects.append(obj)
        return objects
