from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teleprocedures.models import Attachment, Dossier, Message, Procedure


class TranslatedField(serializers.JSONField):
    """A text in French with its translations: {"fr": …, "en": …, "ar": …}."""


class ProcedureSerializer(serializers.ModelSerializer):
    title = TranslatedField(read_only=True)
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    version = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["slug", "title", "service", "audience", "version", "is_open", "opens_on", "closes_on"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_version(self, procedure):
        version = procedure.published_version()
        return version.number if version else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_open(self, procedure):
        return procedure.is_open()


class ProcedureDetailSerializer(ProcedureSerializer):
    definition = serializers.SerializerMethodField()

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "definition"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, procedure):
        version = procedure.published_version()
        return version.definition if version else None


class PersonSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="insee_code", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="email", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["number", "url", "procedure", "state", "submitted_at", "due_on", "decided_at", "updated_at",
                  "is_late_filing", "commune", "assignee"]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, dossier):
        return self.context["request"].build_absolute_uri(reverse("api:dossier", args=[dossier.number]))


class FileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "field_id", "kind", "name", "content_type", "size", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment):
        return self.context["request"].build_absolute_uri(
            reverse("api:dossier_file", args=[attachment.dossier.number, attachment.pk])
        )


class DossierDetailSerializer(DossierSerializer):
    applicant = PersonSerializer(read_only=True)
    answers = serializers.JSONField(source="data", read_only=True)
    files = FileSerializer(source="attachments", many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "applicant", "answers", "files"]


class TransitionSerializer(serializers.Serializer):
    """A change of state asked through the API; the rules are the agent screens' (their forms, then services)."""

    TRANSITIONS = ["start_review", "request_info", "accept", "reject", "close"]

    transition = serializers.ChoiceField(choices=TRANSITIONS)
    revision = serializers.IntegerField(
        required=False, min_value=0, help_text="The revision read; refused with 409 if the request changed since."
    )
    reasons = serializers.CharField(required=False, max_length=10000, help_text="For accept, reject and close.")
    decision = serializers.DictField(required=False, help_text="The fields of the procedure's decision (accept).")
    items = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=50,
                                  help_text="For request_info: the missing items.")  # fmt: skip
    respond_by = serializers.DateField(required=False, help_text="For request_info.")

    def validate(self, attrs):
        return reject_unknown(self, attrs)


def reject_unknown(serializer, attrs):
    """Refuse a body with fields the endpoint does not take (a typo or a read-only field must not pass silently)."""
    data = serializer.initial_data
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    unknown = set(data) - writable if isinstance(data, dict) else set()
    if unknown:
        raise serializers.ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    return attrs


class MessageSerializer(serializers.ModelSerializer):
    """A message between the service and the applicant on a request (answers to the applicant by email)."""

    files = FileSerializer(source="attachments", many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "from_applicant", "body", "created_at", "files"]
        read_only_fields = ["id", "from_applicant", "created_at", "files"]
        extra_kwargs = {"body": {"max_length": 10000}}

    def validate(self, attrs):
        return reject_unknown(self, attrs)
