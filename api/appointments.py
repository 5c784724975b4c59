"""Appointments through the API: motifs, sites, free times, booking and cancelling with the screens' services."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Conflict, reject_unknown_params
from api.serializers import TranslatedField, reject_unknown
from appointments import services as appointments
from appointments.enums import BookedVia
from appointments.models import Appointment, Motif
from appointments.slots import free_slots
from portal.models import Site
from portal.validators import normalize_french_phone


MAX_SEARCH_DAYS = 31


class MotifSerializer(serializers.ModelSerializer):
    name = TranslatedField(read_only=True)
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Motif
        fields = ["id", "name", "service", "duration_minutes", "location_kind", "bookable_by", "is_collective",
                  "min_delay_minutes", "max_delay_days", "cancel_delay_minutes"]  # fmt: skip


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "kind", "address", "postal_code", "city", "phone", "email", "opening_hours"]


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    site = serializers.IntegerField(source="site_id")
    agent = serializers.IntegerField(source="agent_id")


class AppointmentSerializer(serializers.ModelSerializer):
    site = serializers.PrimaryKeyRelatedField(read_only=True)
    agent = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "motif", "site", "agent", "starts_at", "ends_at", "status", "first_name", "last_name",
                  "email", "phone", "booked_via", "created_at", "cancelled_at"]  # fmt: skip


class BookingSerializer(serializers.Serializer):
    motif = serializers.IntegerField()
    site = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=25)

    def validate_phone(self, value):
        try:
            return normalize_french_phone(value) if value else ""
        except Exception as error:  # noqa: BLE001 (the validator's own message is the answer)
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None

    def validate(self, attrs):
        return reject_unknown(self, attrs)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate(self, attrs):
        return reject_unknown(self, attrs)


class MotifList(generics.ListAPIView):
    """The motifs of the token's services."""

    serializer_class = MotifSerializer
    pagination_class = None

    def get_queryset(self):
        return Motif.objects.for_agent(self.request.user).order_by("pk")


class SiteList(generics.ListAPIView):
    """The sites (CDAS, agencies) of the Département."""

    serializer_class = SiteSerializer
    pagination_class = None
    queryset = Site.objects.order_by("name")


@extend_schema(parameters=[
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: today)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description=f"Last day, at most {MAX_SEARCH_DAYS} days after start"),
    OpenApiParameter("site", OpenApiTypes.INT),
], responses=SlotSerializer(many=True))  # fmt: skip
class Availability(APIView):
    """Free times of a motif, as the booking pages compute them."""

    def get(self, request, pk):
        motif = get_object_or_404(Motif.objects.for_agent(request.user), pk=pk)
        start, end, site = _search_range(request.query_params)
        slots = free_slots(motif=motif, start_date=start, end_date=end, sites=[site] if site else None)
        return Response(SlotSerializer(slots, many=True).data)


def _search_range(query):
    class Query(serializers.Serializer):
        start = serializers.DateField(required=False)
        end = serializers.DateField(required=False)
        site = serializers.IntegerField(required=False)

    checked = Query(data=query)
    checked.is_valid(raise_exception=True)
    reject_unknown_params(query, {"start", "end", "site"})
    start = checked.validated_data.get("start") or timezone.localdate()
    end = checked.validated_data.get("end") or start + timedelta(days=6)
    if end < start:
        raise ValidationError({"end": [_("The last day must be on or after the first day.")]})
    if (end - start).days >= MAX_SEARCH_DAYS:
        raise ValidationError({"end": [_("Search %(days)s days at most.") % {"days": MAX_SEARCH_DAYS}]})
    site = None
    if "site" in checked.validated_data:
        site = Site.objects.filter(pk=checked.validated_data["site"]).first()
        if site is None:
            raise ValidationError({"site": [_("Unknown site.")]})
    return start, end, site


@extend_schema(parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="Default: today"),
                           OpenApiParameter("site", OpenApiTypes.INT)])  # fmt: skip
class AppointmentList(generics.ListCreateAPIView):
    """The appointments of a day at the token's services (GET); book a free time for a person (POST)."""

    serializer_class = AppointmentSerializer
    pagination_class = None

    def get_queryset(self):
        class Query(serializers.Serializer):
            day = serializers.DateField(required=False)
            site = serializers.IntegerField(required=False)

        checked = Query(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        day = checked.validated_data.get("day") or timezone.localdate()
        appointments_of_day = Appointment.objects.for_agent(self.request.user).filter(starts_at__date=day)
        if "site" in checked.validated_data:
            appointments_of_day = appointments_of_day.filter(site_id=checked.validated_data["site"])
        return appointments_of_day.select_related("agent").order_by("starts_at", "pk")

    @extend_schema(request=BookingSerializer, responses={201: AppointmentSerializer})
    def post(self, request):
        booking = BookingSerializer(data=request.data)
        booking.is_valid(raise_exception=True)
        wanted = booking.validated_data
        motif = Motif.objects.for_agent(request.user).filter(pk=wanted["motif"], is_collective=False).first()
        if motif is None:
            raise ValidationError({"motif": [_("Unknown motif, or not one of this token's services.")]})
        site = Site.objects.filter(pk=wanted["site"]).first()
        if site is None:
            raise ValidationError({"site": [_("Unknown site.")]})
        person = {key: wanted.get(key, "") for key in ("first_name", "last_name", "email", "phone")}
        try:
            appointment = appointments.book_appointment(motif=motif, site=site, starts_at=wanted["starts_at"],
                                                        person=person, booked_by=request.user,
                                                        booked_via=BookedVia.AGENT, request=request)  # fmt: skip
        except appointments.SlotUnavailable as error:
            alternatives = SlotSerializer(error.alternatives, many=True).data
            raise Conflict(str(error), code="slot_unavailable", extra={"alternatives": alternatives}) from None
        return Response(AppointmentSerializer(appointment).data, status=201)


class AppointmentCancel(APIView):
    """Cancel an appointment on the service's side (the person is told, the time offered again)."""

    @extend_schema(request=CancelSerializer, responses={200: AppointmentSerializer})
    def post(self, request, pk):
        appointment = get_object_or_404(Appointment.objects.for_agent(request.user), pk=pk)
        reason = CancelSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        try:
            appointment = appointments.cancel_appointment(appointment=appointment, by_person=False,
                                                          reason=reason.validated_data.get("reason", ""),
                                                          actor=request.user, request=request)  # fmt: skip
        except appointments.SlotUnavailable as error:
            raise Conflict(str(error), code="not_cancellable") from None
        return Response(AppointmentSerializer(appointment).data)
