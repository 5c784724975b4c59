"""Small statistics shared by the indicators: percentiles of durations in SQL, rates, changes."""

from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func, Q


DAY = 86400.0


class _Epoch(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the two nearest values)."""

    function = "PERCENTILE_CONT"
    name = "percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


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


def _percentiles_of(row, prefix, fractions):
    """Read the columns `<prefix>p50`, `<prefix>p90`… of an aggregate row, converted from seconds to days."""
    values = {f: row[f"{prefix}p{int(f * 100)}"] for f in fractions}
    return {f: None if value is None else value / DAY for f, value in values.items()}


def day_percentiles(queryset, expression, fractions=(0.5, 0.9), group=None):
    """Percentiles of a duration expression, in days, per value of `group` (or for all rows under the key None).

    On PostgreSQL one query computes them; elsewhere (the embedded SQLite mode) the durations are read and sorted.
    Returns {group value: {"count": n, 0.5: days, 0.9: days}}.
    """
    groups = [group] if group else []
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        epoch = _Epoch(expression)
        aggregates = {f"p{int(f * 100)}": Percentile(epoch, f) for f in fractions}
        rows = queryset.values(*groups).annotate(count=Count("pk"), **aggregates) if group else [
            queryset.aggregate(count=Count("pk"), **aggregates)
        ]  # fmt: skip
        return {
            row[group] if group else None: {"count": row["count"], **_percentiles_of(row, "", fractions)}
            for row in rows
        }
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


def period_percentiles(queryset, expression, periods, fractions=(0.5, 0.9)):
    """Percentiles (days) of a duration over several periods at once: {name: {"count": n, 0.5: days, …}}.

    `periods` maps a name to the Q of its rows; PostgreSQL reads the rows once (one FILTER per period).
    """
    if connection.vendor != "postgresql":
        return {name: day_percentiles(queryset.filter(q), expression, fractions)[None] for name, q in periods.items()}
    epoch = _Epoch(expression)
    aggregates = {}
    for name, q in periods.items():
        aggregates[f"{name}__count"] = Count("pk", filter=q)
        aggregates.update({f"{name}__p{int(f * 100)}": Percentile(epoch, f, filter=q) for f in fractions})
    either = Q()
    for q in periods.values():
        either |= q
    row = queryset.order_by().filter(either).aggregate(**aggregates)
    return {name: {"count": row[f"{name}__count"], **_percentiles_of(row, f"{name}__", fractions)} for name in periods}


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
