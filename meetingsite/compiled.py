"""Queries compiled once, run many times with other values.

The desk's search, its present count and each user's permissions run at every request,
and building and compiling them took the ORM longer than the database took to run them.
Their shape never changes, only a few values do: each is compiled once per database
connection with stand-ins for those values, which ``Compiled.rows`` replaces.
"""

from typing import NamedTuple


class Compiled(NamedTuple):
    sql: str
    params: tuple
    slots: tuple  # for each parameter, the name of the value it stands for, or None
    compiler: object
    names: tuple  # the columns' names, as values() names them

    def rows(self, values):
        """The rows of the query with ``values`` (a name → value mapping) for its
        stand-ins, each converted as the ORM converts it (SQLite's text to datetimes)."""
        params = [
            param if slot is None else values[slot]
            for param, slot in zip(self.params, self.slots, strict=True)
        ]
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        return self.compiler.results_iter([rows])

    def dicts(self, values):
        """``rows`` as dicts of the columns' names, as values() gives them."""
        return [dict(zip(self.names, row, strict=True)) for row in self.rows(values)]


def compile_once(queryset, connection, stand_ins):
    """``queryset`` compiled for ``connection``, where ``stand_ins`` maps each stand-in
    value in it to the name of the value it stands for. None when a stand-in does not
    reach the parameters as itself (a text stand-in changed on the way, wrapped in ``%``
    say): then that query cannot be compiled once."""
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()

    def slot(param):
        # Only numbers and text stand in; True == 1, so booleans never do.
        if isinstance(param, bool) or not isinstance(param, int | str):
            return None
        return stand_ins.get(param)

    slots = tuple(slot(param) for param in params)
    texts = [stand_in for stand_in in stand_ins if isinstance(stand_in, str)]
    changed = any(
        isinstance(param, str) and slot is None and any(text in param for text in texts)
        for param, slot in zip(params, slots, strict=True)
    )
    if changed or not set(stand_ins.values()) <= set(slots):
        return None
    # The columns in the order the compiler selects them, as ValuesIterable reads them.
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return Compiled(sql, tuple(params), slots, compiler, names)
