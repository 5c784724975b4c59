"""The one-question survey's links: signed, one per event (a filed request, a decision, an appointment, a reply)."""

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboards.enums import Journey, SurveyChannel


SALT = "dashboards.survey"
MAX_AGE = 120 * 86400  # four months to answer


class SurveyLinkError(Exception):
    """The link was altered, has expired, or points to something that cannot be rated (yet)."""


def event_key(journey, obj):
    return f"{journey}:{obj.pk}"


def survey_token(journey, obj):
    return signing.dumps([str(journey), obj.pk], salt=SALT, compress=True)


def survey_path(journey, obj):
    return reverse("dashboards:survey", args=[survey_token(journey, obj)])


def _event_object(journey, pk):
    """Return the object rated, only once the event happened (submitted, decided, seen, answered)."""
    from appointments.enums import AppointmentStatus
    from appointments.models import Appointment
    from mailroom.models import MailItem
    from teleprocedures.models import Dossier
    from teleprocedures.workflow import DECIDED_STATES

    if journey == Journey.SUBMITTED:
        queryset = Dossier.objects.filter(submitted_at__isnull=False)
    elif journey == Journey.DECIDED:
        queryset = Dossier.objects.filter(state__in=DECIDED_STATES)
    elif journey == Journey.APPOINTMENT:
        queryset = Appointment.objects.filter(status=AppointmentStatus.SEEN)
    else:
        queryset = MailItem.objects.filter(answered_at__isnull=False, service__isnull=False)
    return queryset.filter(pk=pk).first()


def read_token(token):
    """Return (journey, object) for a survey link, or raise SurveyLinkError with a message for the person."""
    try:
        journey, pk = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise SurveyLinkError(_("This link has expired: surveys stay open four months.")) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise SurveyLinkError(
            _("This link is not valid. Check that you copied it whole from the message you received.")
        ) from error
    if journey not in Journey.values or not isinstance(pk, int):
        raise SurveyLinkError(
            _("This link is not valid. Check that you copied it whole from the message you received.")
        )
    obj = _event_object(journey, pk)
    if obj is None:
        raise SurveyLinkError(_("There is nothing to rate with this link yet."))
    return journey, obj


MAIL_CHANNELS = {"paper": SurveyChannel.POST, "email": SurveyChannel.EMAIL, "web": SurveyChannel.ONLINE,
                 "phone": SurveyChannel.PHONE, "counter": SurveyChannel.IN_PERSON}  # fmt: skip
APPOINTMENT_CHANNELS = {"site": SurveyChannel.IN_PERSON, "phone": SurveyChannel.PHONE, "home": SurveyChannel.HOME}


def describe(journey, obj):
    """What the answer is about: service, site, procedure, channel (only ids and codes, never who answered)."""
    if journey in (Journey.SUBMITTED, Journey.DECIDED):
        return {
            "service_id": obj.procedure.service_id,
            "procedure_id": obj.procedure_id,
            "site_id": obj.commune.site_id if obj.commune_id else None,
            "channel": SurveyChannel.ASSISTED if obj.filed_by_id else SurveyChannel.ONLINE,
        }
    if journey == Journey.APPOINTMENT:
        return {
            "service_id": obj.motif.service_id,
            "site_id": obj.site_id,
            "channel": APPOINTMENT_CHANNELS.get(obj.motif.location_kind, SurveyChannel.IN_PERSON),
        }
    return {"service_id": obj.service_id, "channel": MAIL_CHANNELS.get(obj.channel, SurveyChannel.POST)}


def subject_of(journey, obj):
    """A short description of what is rated, for the survey page (shown only to the holder of the link)."""
    from teleprocedures.definitions import translate

    if journey in (Journey.SUBMITTED, Journey.DECIDED):
        return translate(obj.procedure.title)
    if journey == Journey.APPOINTMENT:
        return str(obj.motif)
    return obj.service.name
