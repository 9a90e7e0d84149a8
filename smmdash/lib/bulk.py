"""Inserting many rows in a few statements, without a model instance per row.

`bulk_create` builds an instance for every row and prepares every value field by field: for
the 10,000 services of a first catalog sync that Python work took longer than the database's
own. `insert_rows` writes plain tuples, many rows per statement, preparing only the values
the database driver cannot take as they are (dates, decimals), and each distinct one once.
`insert_selected` copies what a query selects into another table in one INSERT ... SELECT,
without reading it into Python at all. `update_rows` writes new values of some columns into
many rows by primary key, one UPDATE ... FROM (VALUES ...) per batch: `bulk_update` builds a
CASE expression per row and column, and resolving those took most of a re-sync's time.

Neither runs save(), signals or field defaults: callers give every column that needs a value.
"""

from collections.abc import Iterable, Sequence
from itertools import chain, islice

from django.db import connections, router
from django.db.models import Model, QuerySet

_MOST_ROWS = 1000  # per statement, where the database sets no lower limit

# Internal types whose Python values every backend's driver takes unchanged.
_AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT `rows` (tuples of values in the order of `columns`, field names) into `model`'s
    table; returns how many rows were written.

    `rows` may be a generator: they are written as they come, so work that produces them
    overlaps with PostgreSQL storing the ones before. On PostgreSQL the transaction's deferred
    foreign keys are checked while the rows arrive (so call it where the transaction's rows
    are consistent), and deferred again after.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    preparers = [_preparer(field, connection) for field in fields]
    preparing = [(index, prepare) for index, prepare in enumerate(preparers) if prepare]
    prepared = (_prepared(row, preparing) for row in rows) if preparing else iter(rows)
    first = next(prepared, None)
    if first is None:
        return 0
    prepared = chain([first], prepared)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows: an INSERT with thousands of parameters spent most of its
            # time in the driver, splitting the statement at each placeholder. The foreign keys
            # are checked as rows arrive, while this process makes the next ones, rather than
            # all at once when the transaction commits.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
                    written += 1
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # Quoted names and placeholders only; the values are parameters.
            statement = f"INSERT INTO {table} ({names}) VALUES {{values}}"  # noqa: S608
            written = _in_batches(connection, cursor, statement, prepared, len(fields))
    return written


def _prepared(row, preparing):
    row = list(row)
    for index, prepare in preparing:
        row[index] = prepare(row[index])
    return row


def _in_batches(connection, cursor, statement: str, rows: Iterable, columns: int) -> int:
    """Execute `statement` with its {values} as many rows of `columns` values as the database
    takes parameters for, until `rows` run out; returns how many rows were written. Rows are
    taken a statement's worth at a time, so a generator's are made as they are written."""
    most = min(connection.features.max_query_params or _MOST_ROWS, _MOST_ROWS * columns)
    one_row = "(" + ", ".join(["%s"] * columns) + ")"
    rows, written = iter(rows), 0
    while rows_now := list(islice(rows, most // columns)):
        cursor.execute(
            statement.format(values=", ".join([one_row] * len(rows_now))),
            [value for row in rows_now for value in row],
        )
        written += len(rows_now)
    return written


def update_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set `columns` (field names) of `model`'s rows to new values: each row is a tuple of the
    primary key and then the values, in the order of `columns`. Returns how many were given."""
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    preparers = [_preparer(field, connection) for field in fields]
    prepared = [
        (
            pk,
            *(
                prepare(value) if prepare else value
                for prepare, value in zip(preparers, values, strict=True)
            ),
        )
        for pk, *values in rows
    ]
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key = quote(model._meta.pk.column)
    # SQLite names a VALUES list's columns column1, column2...; PostgreSQL takes names, and
    # casts, as a parameter's type is not known from a VALUES list (a NULL would be text).
    aliases = [f"column{n}" for n in range(1, len(fields) + 2)]
    if connection.vendor == "postgresql":
        values_as = "v ({})".format(", ".join(aliases))
        sources = [
            f"CAST(v.{alias} AS {field.db_type(connection)})"
            for alias, field in zip(aliases[1:], fields, strict=True)
        ]
    else:
        values_as = "v"
        sources = [f"v.{alias}" for alias in aliases[1:]]
    assignments = ", ".join(
        f"{quote(field.column)} = {source}" for field, source in zip(fields, sources, strict=True)
    )
    # Only quoted names and placeholders go into the statement; the values are parameters.
    statement = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {{values}}) AS {values_as} "  # noqa: S608
        f"WHERE {table}.{key} = v.{aliases[0]}"
    )
    with connection.cursor() as cursor:
        _in_batches(connection, cursor, statement, prepared, len(fields) + 1)
    return len(prepared)


def insert_selected(model: type[Model], columns: Sequence[str], selected: QuerySet) -> int:
    """INSERT INTO `model` (`columns`) the rows `selected` reads, a values_list() queryset
    whose values are in the order of `columns`; returns how many rows were written."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    select_sql, params = selected.order_by().query.get_compiler(connection=connection).as_sql()
    sql = "INSERT INTO {} ({}) {}".format(
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(name).column) for name in columns),
        select_sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _preparer(field, connection):
    internal_type = field.get_internal_type()
    if field.is_relation:
        internal_type = field.target_field.get_internal_type()
    if internal_type in _AS_THEY_ARE:
        return None
    memo = {}

    def prepare(value):
        # Dates and decimals repeat (a sync's one timestamp), so each is prepared once.
        try:
            return memo[value]
        except KeyError:
            memo[value] = result = field.get_db_prep_save(value, connection)
            return result

    return prepare
