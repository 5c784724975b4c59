"""Finding mail: by number, by sender, by the words of its subject, content and notes.

On PostgreSQL the words are matched by full-text search (French stemming) on an indexed expression, and senders by
trigram indexes (migration 0002), so that a search stays fast with hundreds of thousands of items. On SQLite (the
embedded demo) the same questions are answered with plain substring matching.
"""

import re

from django.db import connection
from django.db.models import Q
from django.utils import timezone


NUMBER = re.compile(r"^(\d{4})-(\d{1,6})$")
MAX_CONTACTS = 500
SEARCH_CONFIG = "french"


def search_text_of(item, notes=()):
    """The text the search looks into: subject, the start of the content, and the notes."""
    return "\n".join([item.subject, (item.body or "")[:5000], *notes])[:20000]


def number_filter(text):
    """The numbers meant by what was typed: `2026-123` or `2026-000123`, or `123` in the last five years."""
    match = NUMBER.match(text)
    if match:
        return Q(number=f"{match[1]}-{int(match[2]):06d}")
    if text.isdigit() and len(text) <= 6:
        year = timezone.localdate().year
        return Q(number__in=[f"{y}-{int(text):06d}" for y in range(year - 5, year + 1)])
    return None


def matching_items(items, text):
    from mailroom.models import Contact, MailItem

    text = " ".join(text.split())[:200]
    if not text:
        return items
    by_number = number_filter(text)
    if by_number is not None:
        return items.filter(by_number)
    contact_ids = list(Contact.objects.search(text).values_list("pk", flat=True)[:MAX_CONTACTS])
    by_sender = Q(contact_id__in=contact_ids) if contact_ids else Q(pk__in=[])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # The matches are found first through the indexes (sender, full text), then ordered and paged: asked in
        # one query, PostgreSQL would walk the queue in date order computing each item's words on the way.
        matches = MailItem.objects.annotate(_document=SearchVector("search_text", config=SEARCH_CONFIG)).filter(
            by_sender | Q(_document=SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch"))
        )
        return items.filter(pk__in=matches.values("pk"))
    words = Q()
    for word in text.split()[:5]:
        words &= Q(search_text__icontains=word)
    return items.filter(by_sender | words)
