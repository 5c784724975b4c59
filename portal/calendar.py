"""Working days in France: weekends and French public holidays do not count."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def french_holidays(year):
    return frozenset(holidays.France(years=year).keys())


def is_working_day(day):
    return day.weekday() < 5 and day not in french_holidays(day.year)


def add_working_days(start, days):
    """Return the date `days` working days after `start` (a date); before it when `days` is negative."""
    current = start
    remaining = abs(days)
    step = timedelta(days=1 if days >= 0 else -1)
    while remaining > 0:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start, end):
    """Count the working days after `start` up to and including `end`."""
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))


def add_months(day, months):
    """Return the same day `months` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
