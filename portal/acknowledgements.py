"""Acknowledgements written after the transaction that numbers what they acknowledge.

A request or a mail item is numbered under a lock on the year's counter; rendering its acknowledgement's PDF
inside that transaction would make every other submission wait. So the numbering transaction only sets the
row's `acknowledgement_pending` flag; the acknowledgement follows in a transaction of its own, under the row's
lock, and clears the flag. If the process stops in between, the periodic job finds the flag and does it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone


def send_if_due(obj, write, *, related=()):
    """Run `write(row)` if the row of `obj` still waits for its acknowledgement, then clear its flag; return the
    row as written, or None (nothing due, already done, or being done by another process right now)."""
    if not obj.acknowledgement_pending:  # registered without a receipt to send (outgoing mail): no query
        return None
    model = type(obj)
    with transaction.atomic():
        due = (
            model.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*related)
            .filter(pk=obj.pk, acknowledgement_pending=True)
            .first()
        )
        if due is None:
            return None
        write(due)
        model.objects.filter(pk=due.pk).update(acknowledgement_pending=False)
        obj.acknowledgement_pending = False
        return due


def send_left_over(queryset, send, *, since_field, older_than=timedelta(minutes=2), limit=200):
    """Send the acknowledgements whose own request stopped after its commit (older than `older_than`, so that a
    request still at work is left alone); return how many."""
    rows = list(
        queryset.filter(acknowledgement_pending=True, **{f"{since_field}__lte": timezone.now() - older_than}).order_by(
            since_field
        )[:limit]
    )
    for row in rows:
        send(row)
    return len(rows)
