"""Business rules of appointments: booking without double booking, cancelling, moving, signed links."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments import ics
from appointments.enums import AppointmentStatus, BookedVia
from appointments.models import ACTIVE_STATUSES, Appointment, CollectiveSession
from appointments.slots import busy_times, free_slots
from portal import webhooks
from portal.enums import WebhookEvent
from portal.models import User
from portal.notifications import queue_email, queue_sms
from portal.services import log_event


LINK_SALT = "appointments.manage"


class SlotUnavailable(Exception):
    """The slot is no longer free (taken meanwhile, outside the motif's delays); `alternatives` are free ones."""

    def __init__(self, message, alternatives=()):
        super().__init__(message)
        self.alternatives = list(alternatives)


def manage_token(appointment):
    return signing.dumps(appointment.pk, salt=LINK_SALT)


def appointment_from_token(token):
    """Return the appointment of a signed link, or None if the link was tampered with or its appointment is gone."""
    try:
        pk = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    return Appointment.objects.select_related("motif__service", "site", "agent").filter(pk=pk).first()


def _alternatives(motif, starts_at, site):
    day = timezone.localdate(starts_at)
    return free_slots(motif=motif, start_date=day, end_date=day + timedelta(days=14), sites=[site] if site else None)[
        :5
    ]


@transaction.atomic
def book_appointment(*, motif, site, starts_at, person, booked_by=None, booked_via=BookedVia.ONLINE, agent=None,
                     request=None, invitation=None, check_follow_up=True):  # fmt: skip
    """Book the slot for the person with a free agent; raise SlotUnavailable with other slots if it is gone."""
    if check_follow_up:
        _check_follow_up(motif, person, booked_via)
    day = timezone.localdate(starts_at)
    candidates = [
        slot
        for slot in free_slots(motif=motif, start_date=day, end_date=day, sites=[site] if site else None)
        if slot.starts_at == starts_at and (agent is None or slot.agent_id == agent.pk)
    ]
    if not candidates:
        raise SlotUnavailable(_("This time is no longer available."), _alternatives(motif, starts_at, site))
    # Lock the agent's row: two bookings for the same agent wait for each other (SQLite has no exclusion constraint;
    # on PostgreSQL the constraint is the last guard against a double booking).
    slot = candidates[0]
    User.objects.select_for_update().filter(pk=slot.agent_id).first()
    clash = Appointment.objects.active().filter(
        agent_id=slot.agent_id, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    )
    if clash.exists():
        raise SlotUnavailable(_("This time is no longer available."), _alternatives(motif, starts_at, site))
    try:
        with transaction.atomic():
            appointment = _create(
                person, motif=motif, site=site, agent_id=slot.agent_id, starts_at=slot.starts_at,
                ends_at=slot.ends_at, booked_by=booked_by, booked_via=booked_via,
            )  # fmt: skip
    except IntegrityError as error:
        raise SlotUnavailable(_("This time is no longer available."), _alternatives(motif, starts_at, site)) from error
    _claim_invitation(invitation, appointment)
    log_event(actor=booked_by, action="appointment.book", obj=appointment, request=request, via=booked_via)
    _notify(appointment, "appointment_booked", with_ics=True)
    webhooks.emit(WebhookEvent.APPOINTMENT_BOOKED, service=motif.service, data=webhook_data(appointment))
    return appointment


def webhook_data(appointment):
    """What a webhook tells of an appointment (the receiver reads the rest through the API with its token)."""
    return {"id": appointment.pk, "motif": appointment.motif_id, "site": appointment.site_id,
            "starts_at": appointment.starts_at, "status": appointment.status}  # fmt: skip


def _create(person, **fields):
    return Appointment.objects.create(
        user=person.get("user"),
        relative=person.get("relative"),
        first_name=person["first_name"],
        last_name=person["last_name"],
        email=person.get("email", ""),
        phone=person.get("phone", ""),
        **fields,
    )


def _claim_invitation(invitation, appointment):
    if invitation is not None:
        # One booking per invitation: the row lock makes a second use of the same link fail cleanly.
        from appointments.models import Invitation

        claimed = Invitation.objects.filter(pk=invitation.pk, appointment__isnull=True).update(appointment=appointment)
        if not claimed:
            raise SlotUnavailable(_("This invitation has already been used to book an appointment."))


def _same_person(appointments, person, *, by_account=False):
    """The appointments of this person: the same relative, or the same names with the same email or phone
    (or, with `by_account`, made from the same account for the holder themselves)."""
    if person.get("relative") is not None:
        return appointments.filter(relative=person["relative"])
    same_name = Q(first_name__iexact=person["first_name"].strip(), last_name__iexact=person["last_name"].strip())
    contact = Q(pk__in=[])
    if by_account and person.get("user") is not None:
        contact |= Q(user=person["user"], relative__isnull=True)
    if person.get("email"):
        contact |= Q(email__iexact=person["email"])
    if person.get("phone"):
        contact |= Q(phone=person["phone"])
    return appointments.filter(same_name & contact)


def was_seen(service, person):
    """Tell whether the service has already seen the person (for follow-up only motifs)."""
    seen = Appointment.objects.filter(motif__service=service, status=AppointmentStatus.SEEN)
    return _same_person(seen, person, by_account=True).exists()


def _check_follow_up(motif, person, booked_via):
    """Online, a follow-up only motif is for people the service has already seen; agents may book it for anyone."""
    if motif.follow_up_only and booked_via != BookedVia.AGENT and not was_seen(motif.service, person):
        raise SlotUnavailable(
            _("This appointment is for people the service already follows. Call the centre to book a first one.")
        )


def open_sessions(*, motif, sites=None, start=None, end=None, now=None, with_seats_left=False):
    """Return the motif's sessions still open to booking, each with `free_seats` (one query)."""
    now = now or timezone.now()
    sessions = (
        CollectiveSession.objects.open()
        .filter(motif=motif, starts_at__gte=now + timedelta(minutes=motif.min_delay_minutes),
                starts_at__lte=now + timedelta(days=motif.max_delay_days))
        .with_taken()
        .select_related("site", "agent")
    )  # fmt: skip
    if sites is not None:
        sessions = sessions.filter(site__in=sites)
    if start is not None:
        sessions = sessions.filter(starts_at__date__gte=start)
    if end is not None:
        sessions = sessions.filter(starts_at__date__lte=end)
    if with_seats_left:
        sessions = sessions.filter(taken__lt=F("seats"))
    result = []
    for session in sessions:
        session.free_seats = max(session.seats - session.taken, 0)
        result.append(session)
    return result


@transaction.atomic
def book_seat(*, session, person, booked_by=None, booked_via=BookedVia.ONLINE, request=None, invitation=None,
              check_follow_up=True):  # fmt: skip
    """Book a seat in a collective session; the session's row lock keeps the seat count exact."""
    session = CollectiveSession.objects.select_for_update().select_related("motif").get(pk=session.pk)
    motif = session.motif
    if check_follow_up:
        _check_follow_up(motif, person, booked_via)

    def others():
        return [s for s in open_sessions(motif=motif, sites=[session.site_id], with_seats_left=True) if s != session]

    now = timezone.now()
    too_late = session.starts_at < now + timedelta(minutes=motif.min_delay_minutes)
    if session.cancelled_at or too_late or session.starts_at > now + timedelta(days=motif.max_delay_days):
        raise SlotUnavailable(_("This session is no longer open to booking."), others())
    participants = session.participants.filter(status__in=ACTIVE_STATUSES)
    if participants.count() >= session.seats:
        raise SlotUnavailable(_("This session is full."), others())
    if _same_person(participants, person).exists():
        raise SlotUnavailable(_("This person already has a seat in this session."))
    appointment = _create(
        person, motif=motif, site=session.site, agent_id=session.agent_id, starts_at=session.starts_at,
        ends_at=session.ends_at, session=session, booked_by=booked_by, booked_via=booked_via,
    )  # fmt: skip
    _claim_invitation(invitation, appointment)
    log_event(actor=booked_by, action="appointment.book", obj=appointment, request=request, via=booked_via,
              session=session.pk)  # fmt: skip
    _notify(appointment, "appointment_booked", with_ics=True)
    return appointment


AGENT_BUSY = gettext_lazy("The agent is not free at that time (appointment, session or absence).")


def agent_is_free(agent, starts_at, ends_at):
    busy = busy_times({agent.pk}, starts_at, ends_at).get(agent.pk, [])
    return not any(start < ends_at.timestamp() and end > starts_at.timestamp() for start, end in busy)


@transaction.atomic
def create_session(*, motif, site, agent, starts_at, seats=None, actor=None, request=None):
    """Open a collective session in an agent's time; refuse it if the agent is busy then."""
    ends_at = starts_at + timedelta(minutes=motif.duration_minutes)
    User.objects.select_for_update().filter(pk=agent.pk).first()
    if not agent_is_free(agent, starts_at, ends_at):
        raise SlotUnavailable(str(AGENT_BUSY))
    try:
        with transaction.atomic():
            session = CollectiveSession.objects.create(
                motif=motif, site=site, agent=agent, starts_at=starts_at, ends_at=ends_at,
                seats=seats or motif.seats,
            )  # fmt: skip
    except IntegrityError as error:
        raise SlotUnavailable(str(AGENT_BUSY)) from error
    log_event(actor=actor, action="appointment.session.create", obj=session, request=request)
    return session


@transaction.atomic
def cancel_session(*, session, reason, actor, request=None):
    """Cancel a session: every participant is cancelled by the service and told why."""
    session = CollectiveSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at:
        raise SlotUnavailable(_("This session is already cancelled."))
    session.cancelled_at = timezone.now()
    session.cancel_reason = reason
    session.save(update_fields=["cancelled_at", "cancel_reason"])
    for appointment in session.participants.filter(status=AppointmentStatus.BOOKED):
        cancel_appointment(appointment=appointment, by_person=False, reason=reason, actor=actor, request=request)
    log_event(actor=actor, action="appointment.session.cancel", obj=session, request=request)
    return session


def can_cancel(appointment, now=None):
    now = now or timezone.now()
    return appointment.status == AppointmentStatus.BOOKED and appointment.starts_at - now >= timedelta(
        minutes=appointment.motif.cancel_delay_minutes
    )


@transaction.atomic
def cancel_appointment(*, appointment, by_person, reason="", actor=None, request=None):
    """Cancel: 'excused' when the person cancels (within the motif's delay), 'cancelled' when the service does."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if by_person and not can_cancel(appointment):
        raise SlotUnavailable(_("This appointment can no longer be cancelled online: please call the centre."))
    if appointment.status not in ACTIVE_STATUSES:
        raise SlotUnavailable(_("This appointment is already cancelled."))
    appointment.status = AppointmentStatus.EXCUSED if by_person else AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    log_event(actor=actor, action="appointment.cancel", obj=appointment, request=request, by_person=by_person)
    _notify(appointment, "appointment_cancelled")
    webhooks.emit(WebhookEvent.APPOINTMENT_CANCELLED, service=appointment.motif.service,
                  data=webhook_data(appointment))  # fmt: skip
    leave_waitlist(appointment=appointment)
    transaction.on_commit(lambda: _offer_safely(appointment))
    if by_person:
        queue_email(
            to=appointment.agent.email,
            template="appointments/email/agent_cancelled",
            context={"appointment": appointment},
            user=appointment.agent,
        )
    return appointment


@transaction.atomic
def move_appointment(*, appointment, starts_at=None, site=None, session=None, actor=None, request=None):
    """Book the new time (or session) first, then free the old one: the person never ends up with no appointment."""
    if not can_cancel(appointment):
        raise SlotUnavailable(_("This appointment can no longer be moved online: please call the centre."))
    person = {
        "user": appointment.user,
        "relative": appointment.relative,
        "first_name": appointment.first_name,
        "last_name": appointment.last_name,
        "email": appointment.email,
        "phone": appointment.phone,
    }
    # Moving is not a new first appointment: the follow-up rule was checked when it was booked.
    kept = {"person": person, "booked_by": actor, "booked_via": appointment.booked_via, "request": request,
            "check_follow_up": False}  # fmt: skip
    if session is not None:
        if session.pk == appointment.session_id or session.motif_id != appointment.motif_id:
            raise SlotUnavailable(_("Choose another session of the same kind."))
        new = book_seat(session=session, **kept)
    else:
        new = book_appointment(motif=appointment.motif, site=site, starts_at=starts_at, **kept)
    Appointment.objects.filter(pk=appointment.pk).update(
        status=AppointmentStatus.EXCUSED, cancelled_at=timezone.now(), cancel_reason=_("Moved by the person")
    )
    leave_waitlist(appointment=appointment)
    transaction.on_commit(lambda: _offer_safely(appointment))
    log_event(actor=actor, action="appointment.move", obj=new, request=request, previous=appointment.pk)
    return new


SMS_EVENTS = {"appointment_booked", "appointment_cancelled", "appointment_reminder"}


def _notify(appointment, event, *, with_ics=False):
    """Tell the person by email (with the event attached) and, for the main events, by text message."""
    context = {"appointment": appointment, "token": manage_token(appointment)}
    if appointment.email:
        attachments = [("rendez-vous.ics", ics.calendar(appointment).encode(), "text/calendar")] if with_ics else None
        queue_email(to=appointment.email, template=f"appointments/email/{event}", context=context,
                    user=appointment.user, attachments=attachments)  # fmt: skip
    if appointment.phone and event in SMS_EVENTS:
        queue_sms(to=appointment.phone, template=f"appointments/sms/{event}", context=context, user=appointment.user)


def send_reminders(*, now=None):
    """Remind people 48 hours before their appointment, once (email and/or SMS through the outbox)."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=48),
    ).select_related("motif__service", "site", "user")
    count = 0
    for appointment in due:
        with transaction.atomic():
            # Claim the row first: a second run (or a parallel one) finds it already reminded.
            claimed = Appointment.objects.filter(pk=appointment.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            _notify(appointment, "appointment_reminder")
            count += 1
    return count


def set_status(*, appointment, status, actor, request=None):
    """Record what happened at the centre: arrived, seen, did not come (or back to booked by mistake)."""
    allowed = {
        AppointmentStatus.BOOKED: {AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW},
        AppointmentStatus.ARRIVED: {AppointmentStatus.SEEN, AppointmentStatus.BOOKED},
        AppointmentStatus.NO_SHOW: {AppointmentStatus.BOOKED},
        AppointmentStatus.SEEN: {AppointmentStatus.ARRIVED},
    }
    if status not in allowed.get(appointment.status, set()):
        raise SlotUnavailable(_("This change of status is not possible."))
    previous = appointment.status
    appointment.status = status
    appointment.save(update_fields=["status"])
    log_event(
        actor=actor, action="appointment.status", obj=appointment, request=request, **{"from": previous, "to": status}
    )
    if status == AppointmentStatus.SEEN and appointment.email:
        _notify(appointment, "appointment_seen")  # with the link to the one-question survey
    return appointment


def personal_data(user):
    """Return the person's appointments for the personal data export."""
    return [
        {
            "motif": str(a.motif),
            "starts_at": a.starts_at.isoformat(),
            "site": a.site.name if a.site else None,
            "status": a.status,
            "first_name": a.first_name,
            "last_name": a.last_name,
            "email": a.email,
            "phone": a.phone,
        }
        for a in Appointment.objects.filter(user=user).select_related("motif", "site")
    ]


def anonymise_past_retention(*, now=None):
    """Remove who came to appointments (and who was invited) older than APPOINTMENT_RETENTION_MONTHS; the
    appointments stay, anonymous, for the indicators. Returns the counts."""
    from appointments.models import Invitation

    limit = (now or timezone.now()) - timedelta(days=30 * settings.APPOINTMENT_RETENTION_MONTHS)
    identity = {"first_name": "", "last_name": "", "email": "", "phone": "", "user": None, "relative": None,
                "cancel_reason": ""}  # fmt: skip
    appointments = Appointment.objects.filter(ends_at__lt=limit).exclude(first_name="", last_name="", email="",
                                                                         phone="", user=None)  # fmt: skip
    invitations = Invitation.objects.filter(expires_at__lt=limit).exclude(first_name="", last_name="")
    with transaction.atomic():
        counts = {
            "appointments": appointments.update(**identity),
            "invitations": invitations.update(
                first_name="", last_name="", email="", phone="", address_line="", reference="", commune=None
            ),  # fmt: skip
        }
    return counts


def invitations_data(user):
    """The invitations sent to the person: those they booked from, and those sent to their email address."""
    from appointments.models import Invitation

    invitations = Invitation.objects.filter(Q(appointment__user=user) | Q(email__iexact=user.email)).select_related(
        "motif", "commune"
    )
    return [
        {
            "motif": str(i.motif),
            "reference": i.reference,
            "first_name": i.first_name,
            "last_name": i.last_name,
            "email": i.email,
            "phone": i.phone,
            "address_line": i.address_line,
            "commune": i.commune.name if i.commune else None,
            "invited_at": i.created_at.isoformat(),
            "valid_until": i.expires_at.isoformat(),
            "reminded_at": i.reminded_at.isoformat() if i.reminded_at else None,
            "booked": i.appointment_id is not None,
        }
        for i in invitations.order_by("created_at")
    ]


def overlapping_schedules(*, agent, weekdays, start_time, end_time, valid_from, valid_to, exclude_pk=None):
    """Return the agent's other schedules that share a weekday and hours within the same dates."""
    from appointments.models import OpeningSchedule

    others = OpeningSchedule.objects.filter(agent=agent, start_time__lt=end_time, end_time__gt=start_time).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to:
        others = others.filter(valid_from__lte=valid_to)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return [other for other in others.select_related("site") if set(other.weekdays) & set(weekdays)]


MAX_WAITLIST_OFFERS = 3


def join_waitlist(*, appointment):
    """Ask to be told when an earlier time frees up at the same place for the same motif."""
    from appointments.models import WaitlistEntry

    if appointment.status != AppointmentStatus.BOOKED or not appointment.email:
        raise SlotUnavailable(_("Only a booked appointment with an email address can wait for an earlier time."))
    entry, _created = WaitlistEntry.objects.get_or_create(appointment=appointment)
    return entry


def leave_waitlist(*, appointment):
    from appointments.models import WaitlistEntry

    WaitlistEntry.objects.filter(appointment=appointment).delete()


def _offer_safely(freed):
    """Offering a freed time is a courtesy: a failure there must never undo or break the cancellation."""
    import logging

    try:
        with transaction.atomic():
            offer_freed_time(freed=freed)
    except Exception:  # noqa: BLE001
        logging.getLogger("appointments").exception("Could not offer the time freed by appointment %s", freed.pk)


def offer_freed_time(*, freed):
    """Offer the time a cancellation freed to the first person waiting for an earlier one (by email link).

    Nothing is reserved: the first person to confirm through the link gets the time.
    """
    from appointments.models import WaitlistEntry

    entry = (
        WaitlistEntry.objects.select_related("appointment__motif__service", "appointment__site")
        .filter(
            appointment__status=AppointmentStatus.BOOKED,
            appointment__motif=freed.motif,
            appointment__site=freed.site,
            appointment__starts_at__gt=freed.starts_at + timedelta(hours=24),
            offers__lt=MAX_WAITLIST_OFFERS,
        )
        .order_by("created_at")
        .first()
    )
    if entry is None or freed.starts_at <= timezone.now() + timedelta(minutes=freed.motif.min_delay_minutes):
        return None
    WaitlistEntry.objects.filter(pk=entry.pk).update(offers=entry.offers + 1, last_offered_at=timezone.now())
    appointment = entry.appointment
    queue_email(
        to=appointment.email,
        template="appointments/email/earlier_time",
        context={"appointment": appointment, "freed": freed, "token": manage_token(appointment)},
        user=appointment.user,
    )
    return entry


def find_people(*, agent, query, limit=10):
    """Find people an agent may book for: those the agent's services have met (by name, email or phone), and
    citizens' accounts (by exact email or phone only, so that no one can browse the accounts by name).
    """
    from django.core.exceptions import ValidationError

    from portal.validators import normalize_french_phone

    query = query.strip()
    if len(query) < 2:
        return []
    try:
        phone = normalize_french_phone(query)
    except ValidationError:
        phone = None
    contact = Q(email__iexact=query) | (Q(phone=phone) if phone else Q(pk__in=[]))
    by_name = Q()
    for word in query.split()[:4]:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    people, seen = [], set()

    def add(key, source, first_name, last_name, email, phone):
        identity = (first_name.lower(), last_name.lower(), email.lower(), phone)
        if identity not in seen and len(people) < limit:
            seen.add(identity)
            people.append({"key": key, "source": source, "first_name": first_name, "last_name": last_name,
                           "email": email, "phone": phone})  # fmt: skip

    for user in User.objects.filter(contact, is_active=True, memberships__isnull=True)[:limit]:
        add(f"u{user.pk}", "account", user.first_name, user.last_name, user.email, user.phone)
    met = Appointment.objects.for_agent(agent).filter(by_name | contact).order_by("-starts_at")
    for appointment in met[: limit * 5]:
        add(f"a{appointment.pk}", "appointment", appointment.first_name, appointment.last_name, appointment.email,
            appointment.phone)  # fmt: skip
    return people
