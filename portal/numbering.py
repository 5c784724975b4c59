"""Gapless numbers: a counter row is locked and incremented inside the caller's transaction."""

from django.db import IntegrityError, transaction

from portal.models import Counter


def next_value(key):
    """Return the next value of the counter `key`; the caller's transaction keeps it gapless.

    If the caller's transaction rolls back, the increment rolls back with it, so no number is lost.
    """
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(key=key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=0)
            except IntegrityError:
                pass  # another transaction created it first
            counter = Counter.objects.select_for_update().get(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value
