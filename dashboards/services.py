"""Rules of the satisfaction survey: one answer per event, comments cleaned of personal data and moderated."""

import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.enums import CommentStatus
from dashboards.models import SlotDelay, SurveyResponse
from dashboards.survey import describe, event_key
from portal.services import log_event


class AlreadyAnswered(Exception):
    pass


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?:(?:\+|00)\d{2,3}[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}")
LONG_NUMBER = re.compile(r"\b(?:[A-Z]{2}\d{2}[\s]?)?\d(?:[\s.-]?\d){5,}\b")  # IBAN, social security, file numbers
MASK = "[…]"


def scrub(text):
    """Mask what identifies someone in a free comment: email addresses, phone numbers, long numbers."""
    for pattern in (EMAIL, PHONE, LONG_NUMBER):
        text = pattern.sub(MASK, text)
    return text.strip()


def record_answer(*, journey, obj, score, comment=""):
    """Store the answer to the survey after an event; a second answer for the same event is refused."""
    comment = scrub(comment or "")
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                event=event_key(journey, obj),
                journey=journey,
                score=score,
                comment=comment,
                comment_status=CommentStatus.PENDING if comment else CommentStatus.NONE,
                **describe(journey, obj),
            )
    except IntegrityError as error:
        raise AlreadyAnswered(_("An answer was already given for this; thank you.")) from error


def has_answered(journey, obj):
    return SurveyResponse.objects.filter(event=event_key(journey, obj)).exists()


def moderate_comment(*, response, publish, actor, request=None):
    """Show a comment on the dashboards, or hide it; the score always counts."""
    response.comment_status = CommentStatus.PUBLISHED if publish else CommentStatus.HIDDEN
    response.save(update_fields=["comment_status"])
    log_event(actor=actor, action="survey.moderate", obj=response, request=request, publish=publish)
    return response


def slot_delay_pairs(schedules):
    """{motif id: {site id: site name}} of the schedules given."""
    pairs = {}
    for motif_id, site_id, site_name in schedules.values_list("motifs", "site_id", "site__name").distinct():
        if motif_id is not None:
            pairs.setdefault(motif_id, {})[site_id] = site_name
    return pairs


def record_slot_delays(*, now=None, motif_ids=None):
    """Measure, per motif open to booking and per site receiving it, the delay to the next free slot (today's row)."""
    from appointments.models import Motif, OpeningSchedule
    from appointments.slots import first_free_by_site

    now = now or timezone.now()
    today = timezone.localdate(now)
    schedules = OpeningSchedule.objects.all()
    if motif_ids is not None:
        schedules = schedules.filter(motifs__in=motif_ids)
    pairs = slot_delay_pairs(schedules)
    measured = 0
    for motif in Motif.objects.filter(pk__in=pairs, is_active=True, is_collective=False):
        horizon = today + timedelta(days=motif.max_delay_days)
        first = first_free_by_site(motif=motif, start_date=today, end_date=horizon, sites=list(pairs[motif.pk]),
                                   now=now)  # fmt: skip
        for site_id in pairs[motif.pk]:
            starts_at = first.get(site_id)
            SlotDelay.objects.update_or_create(
                motif=motif, site_id=site_id, measured_on=today,
                defaults={"measured_at": now, "first_free_at": starts_at,
                          "days": (timezone.localdate(starts_at) - today).days if starts_at else None},
            )  # fmt: skip
            measured += 1
    return measured
