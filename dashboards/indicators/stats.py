"""Small statistics shared by the indicators: percentiles of durations in SQL, rates, changes."""

import re
from collections import defaultdict

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func


DAY = 86400.0


class _Epoch(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class Percentiles(Aggregate):
    """Several of PostgreSQL's continuous percentiles from one sort: a list in the order of `fractions`."""

    function = "PERCENTILE_CONT"
    name = "percentiles"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = ArrayField(FloatField())

    def __init__(self, expression, fractions, **extra):
        super().__init__(expression, fractions=", ".join(f"{float(f)!r}::float8" for f in fractions), **extra)


def percentiles_in_sql(alias):
    """PostgreSQL computes percentiles (PERCENTILE_CONT); SQLite, the embedded mode's database, does not."""
    return connections[alias].vendor == "postgresql"


def duration(end, start, minus=None):
    """The SQL expression end − start (− minus), a duration."""
    expression = F(end) - F(start)
    if minus:
        expression = expression - F(minus)
    return ExpressionWrapper(expression, output_field=DurationField())


def percentile_cont(values, fraction):
    """The same percentile as PostgreSQL's percentile_cont, on a sorted list of numbers (None when empty)."""
    if not values:
        return None
    rank = fraction * (len(values) - 1)
    lower = int(rank)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (rank - lower)


def days(value):
    """A duration (timedelta, as both PostgreSQL and SQLite return them) in days; None stays None."""
    return None if value is None else value.total_seconds() / DAY


def _timing(count, spans, fractions):
    """{"count": n, fraction: days, …} from PostgreSQL's percentiles in seconds (NULL when there were no rows)."""
    spans = spans or [None] * len(fractions)
    return {
        "count": count,
        **{f: None if span is None else span / DAY for f, span in zip(fractions, spans, strict=True)},
    }


def day_percentiles(queryset, expression, fractions=(0.5, 0.9), group=None):
    """Percentiles of a duration expression, in days, per value of `group` (or for all rows under the key None).

    On PostgreSQL one query computes them; elsewhere (the embedded SQLite mode) the durations are read and sorted.
    Returns {group value: {"count": n, 0.5: days, 0.9: days}}.
    """
    groups = [group] if group else []
    queryset = queryset.order_by()
    if percentiles_in_sql(queryset.db):
        aggregates = {"count": Count("pk"), "times": Percentiles(_Epoch(expression), fractions)}
        rows = queryset.values(*groups).annotate(**aggregates) if group else [queryset.aggregate(**aggregates)]
        return {row[group] if group else None: _timing(row["count"], row["times"], fractions) for row in rows}
    values = defaultdict(list)
    for row in queryset.annotate(_span=expression).values_list(*groups, "_span"):
        if row[-1] is not None:
            values[row[0] if group else None].append(days(row[-1]))
    if not group and not values:
        values[None] = []
    result = {}
    for key, spans in values.items():
        spans.sort()
        result[key] = {"count": len(spans), **{f: percentile_cont(spans, f) for f in fractions}}
    return result


def counts_and_percentiles(queryset, group, counts, expression, periods, fractions=(0.5, 0.9)):
    """Per value of `group` (or for all rows under the key None when `group` is None): the `counts` (name → aggregate)
    and, per period (name → Q of its rows), how many rows and the percentiles in days of the duration `expression`;
    the same per period over all the groups.

    Returns (rows, totals): rows {group value: {count name: n, …, period name: {"count": n, 0.5: days, …}}}, totals
    {period name: {"count": n, 0.5: days, …}}. PostgreSQL reads the rows once: GROUPING SETS give the groups and the
    total side by side (percentiles over all groups cannot be made from the groups'). Elsewhere (the embedded SQLite
    mode) the counts are one query and the durations of each period are read and sorted.
    """
    queryset = queryset.order_by()
    if not percentiles_in_sql(queryset.db):
        if group is None:
            rows = {None: queryset.aggregate(**counts)}
        else:
            rows = {row.pop(group): row for row in queryset.values(group).annotate(**counts)}
        totals = {}
        for name, q in periods.items():
            times = day_percentiles(queryset.filter(q), expression, fractions, group=group)
            totals[name] = day_percentiles(queryset.filter(q), expression, fractions)[None] if group else times[None]
            for key, row in rows.items():
                row[name] = times.get(key, _timing(0, None, fractions))
        return rows, totals
    epoch = _Epoch(expression)
    aggregates = dict(counts)
    for name, q in periods.items():
        aggregates[f"{name}__count"] = Count("pk", filter=q)
        aggregates[f"{name}__times"] = Percentiles(epoch, fractions, filter=q)
    if group is None:
        results = [(True, queryset.aggregate(**aggregates))]
    else:
        results = _with_total(queryset.values(group).annotate(**aggregates), group)
    rows, totals = {}, {}
    for total, row in results:
        key = row.pop(group) if group else None
        for name in periods:
            row[name] = _timing(row.pop(f"{name}__count"), row.pop(f"{name}__times"), fractions)
        if total:
            totals = {name: row[name] for name in periods}
        if not total or group is None:
            rows[key] = row
    return rows, totals or {name: _timing(0, None, fractions) for name in periods}


def _with_total(grouped, group):
    """Run a PostgreSQL query grouped by one column with a total row: yield (is the total row, {column: value})."""
    connection = connections[grouped.db]
    quote = connection.ops.quote_name
    model = grouped.model
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(group).column)}"
    sql, params = grouped.query.sql_with_params()
    group_by = re.compile(rf" GROUP BY (1|{re.escape(column)})$")
    if not sql.startswith("SELECT ") or not group_by.search(sql):
        raise ValueError(f"Cannot add a total to this query: {sql[:80]}…")
    sql = "SELECT GROUPING({column}) = 1, {rest}".format(column=column, rest=sql[len("SELECT ") :])
    sql = group_by.sub(lambda _match: f" GROUP BY GROUPING SETS (({column}), ())", sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [description.name for description in cursor.description[1:]]
        for total, *values in cursor.fetchall():
            yield total, dict(zip(names, values, strict=True))


def rate(part, whole):
    """part / whole as a percentage rounded to one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def change(current, previous):
    """The change from the previous period, as a percentage (None when the previous value is missing or zero)."""
    if current is None or not previous:
        return None
    return round(100 * (current - previous) / previous, 1)


def rounded(value, digits=1):
    return None if value is None else round(value, digits)
