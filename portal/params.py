"""Read ids and dates from query strings and forms: a malformed value is None, never a 500."""

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


def int_param(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def date_param(value):
    try:
        return parse_date((value or "").strip())
    except ValueError:  # well formed but impossible, like 2026-02-31
        return None


def aware_datetime_param(value):
    try:
        moment = parse_datetime((value or "").strip())
    except ValueError:
        return None
    return moment if moment is not None and not timezone.is_naive(moment) else None
