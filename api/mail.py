"""Mail through the API: register, list, read and move items with the mail office's forms and services."""

from django import forms
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Conflict, checked_form, reject_unknown_params
from api.serializers import reject_unknown
from api.views import FilingOrder
from mailroom import services as mailroom
from mailroom.enums import Channel, MailStatus
from mailroom.forms import RegisterForm
from mailroom.models import Contact, MailItem
from mailroom.workflow import TransitionNotAllowed


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "kind", "first_name", "last_name", "organisation_name", "email", "phone", "address_line",
                  "postal_code", "city"]  # fmt: skip


class MailItemSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = MailItem
        fields = ["number", "url", "channel", "received_on", "subject", "category", "priority", "service",
                  "assignee", "status", "due_date", "contact", "created_at", "acknowledged_at", "answered_at",
                  "closed_at"]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item):
        return self.context["request"].build_absolute_uri(reverse("api:mail_item", args=[item.number]))


class MailItemDetailSerializer(MailItemSerializer):
    contact = ContactSerializer(read_only=True)
    copies = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta(MailItemSerializer.Meta):
        fields = [*MailItemSerializer.Meta.fields, "body", "copies", "close_reason"]


class RegistrationSerializer(serializers.Serializer):
    """The registration screen's fields: a known sender by `contact` id, or a new one by names."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    contact = serializers.IntegerField(required=False)
    kind = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False, allow_blank=True)
    last_name = serializers.CharField(required=False, allow_blank=True)
    organisation_name = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    address_line = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField()
    subject = serializers.CharField()
    priority = serializers.CharField(required=False)
    service = serializers.IntegerField(required=False)
    copies = serializers.ListField(child=serializers.IntegerField(), required=False)
    body = serializers.CharField(required=False, allow_blank=True)
    confirm_duplicate = serializers.BooleanField(required=False)

    def validate(self, attrs):
        return reject_unknown(self, attrs)


class StatusSerializer(serializers.Serializer):
    ACTIONS = ["start", "wait", "resume", "close", "reject", "forward_out"]

    transition = serializers.ChoiceField(choices=ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                   help_text="Required to reject, forward out, or close without a reply.")  # fmt: skip

    def validate(self, attrs):
        attrs = reject_unknown(self, attrs)
        if attrs["transition"] in {"reject", "forward_out"} and not attrs.get("reason", "").strip():
            raise ValidationError({"reason": [_("Give the reason.")]})
        return attrs


@extend_schema(parameters=[
    OpenApiParameter("status", str, enum=MailStatus.values), OpenApiParameter("channel", str, enum=Channel.values),
    OpenApiParameter("service", str, description="Slug of the service in charge"),
    OpenApiParameter("received_after", OpenApiTypes.DATE), OpenApiParameter("received_before", OpenApiTypes.DATE),
])  # fmt: skip
class MailItemList(generics.ListCreateAPIView):
    """Mail of the token's services (GET, newest first by cursor pages); register an item (POST)."""

    serializer_class = MailItemSerializer
    pagination_class = FilingOrder

    def get_queryset(self):
        class Query(forms.Form):
            status = forms.ChoiceField(required=False, choices=[("", ""), *MailStatus.choices])
            channel = forms.ChoiceField(required=False, choices=[("", ""), *Channel.choices])
            service = forms.SlugField(required=False)
            received_after = forms.DateField(required=False)
            received_before = forms.DateField(required=False)

        known = {"status", "channel", "service", "received_after", "received_before", "cursor", "page_size"}
        reject_unknown_params(self.request.query_params, known)
        data = checked_form(Query(self.request.query_params))
        items = MailItem.objects.for_agent(self.request.user).select_related("service", "assignee")
        for name, lookup in (
            ("status", "status"),
            ("channel", "channel"),
            ("service", "service__slug"),
            ("received_after", "received_on__gte"),
            ("received_before", "received_on__lte"),
        ):
            if data[name]:
                items = items.filter(**{lookup: data[name]})
        return items  # fmt: skip

    @extend_schema(request=RegistrationSerializer, responses={201: MailItemDetailSerializer})
    def post(self, request):
        body = RegistrationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {key: value for key, value in body.validated_data.items() if key != "copies"}
        values = {key: str(value) if not isinstance(value, bool) else value for key, value in values.items()}
        values.setdefault("priority", "normal")
        data = MultiValueDict({key: [value] for key, value in values.items()})
        data.setlist("copies", [str(pk) for pk in body.validated_data.get("copies", [])])
        form = RegisterForm(data, user=request.user)
        checked_form(form, rename=lambda name: "contact" if name == "sender" else name)
        try:
            item = mailroom.register_checked(form=form, actor=request.user, request=request)
        except mailroom.PossibleDuplicate as found:
            raise Conflict(
                _("Mail from this sender with this subject was registered in the last 7 days: send "
                  "confirm_duplicate if it is another one."),
                code="possible_duplicate", extra={"duplicates": [item.number for item in found.duplicates]},
            ) from None  # fmt: skip
        return Response(MailItemDetailSerializer(item, context={"request": request}).data, status=201)


class MailItemDetail(generics.RetrieveAPIView):
    serializer_class = MailItemDetailSerializer
    lookup_field = "number"

    def get_queryset(self):
        return MailItem.objects.for_agent(self.request.user).select_related("contact", "service", "assignee")


class MailItemStatus(APIView):
    """Move an item as the item page does: start, wait for the sender, resume, close, reject, forward out."""

    @extend_schema(request=StatusSerializer, responses={200: MailItemDetailSerializer})
    def post(self, request, number):
        item = get_object_or_404(MailItem.objects.for_agent(request.user), number=number)
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transition, reason = body.validated_data["transition"], body.validated_data.get("reason", "")
        try:
            if transition == "wait":
                mailroom.pause(item=item, actor=request.user, text=reason, request=request)
            elif transition == "resume":
                mailroom.resume(item=item, actor=request.user, request=request)
            elif transition == "close":
                mailroom.close(item=item, actor=request.user, reason=reason, request=request)
            else:
                mailroom.change_status(item=item, transition=transition, actor=request.user, text=reason,
                                       request=request)  # fmt: skip
        except TransitionNotAllowed as error:
            raise Conflict(str(error), code="transition_not_allowed") from None
        except ValueError as error:
            raise ValidationError({"reason": [str(error)]}) from None
        item.refresh_from_db()
        return Response(MailItemDetailSerializer(item, context={"request": request}).data)


@extend_schema(parameters=[OpenApiParameter("q", str, description="Name, organisation, email or phone")])
class ContactList(generics.ListAPIView):
    """Senders of the token's mail, found by name, organisation, email or phone."""

    serializer_class = ContactSerializer
    pagination_class = FilingOrder

    def get_queryset(self):
        contacts = Contact.objects.filter(items__in=MailItem.objects.for_agent(self.request.user)).distinct()
        query = self.request.query_params.get("q", "").strip()[:100]
        if query:
            contacts = contacts.filter(Q(last_name__icontains=query) | Q(organisation_name__icontains=query)
                                       | Q(email__iexact=query) | Q(phone__endswith=query[-9:]))  # fmt: skip
        return contacts
