from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Conflict, checked_form
from api.filters import DossierFilters
from api.serializers import (
    DossierDetailSerializer,
    DossierSerializer,
    MessageSerializer,
    ProcedureDetailSerializer,
    ProcedureSerializer,
    TransitionSerializer,
)
from portal.files import serve_stored_file
from teleprocedures import services as teleprocedures
from teleprocedures.enums import DossierState
from teleprocedures.forms import DecisionForm, InformationRequestForm
from teleprocedures.models import Attachment, Dossier, Procedure
from teleprocedures.services import StaleDossier
from teleprocedures.workflow import TransitionNotAllowed, target_state


class FilingOrder(CursorPagination):
    """Stable pages whatever is filed meanwhile: newest first, 50 a page (page_size up to 200)."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ProcedureList(generics.ListAPIView):
    """The procedures of the token's (or agent's) services."""

    serializer_class = ProcedureSerializer
    pagination_class = None

    def get_queryset(self):
        return Procedure.objects.for_agent(self.request.user).select_related("service").order_by("slug")


class ProcedureDetail(generics.RetrieveAPIView):
    """A procedure with the definition of its published version (pages, fields, conditions)."""

    serializer_class = ProcedureDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Procedure.objects.for_agent(self.request.user).select_related("service")


@extend_schema(parameters=[
    OpenApiParameter("procedure", str, description="Slug of a procedure"),
    OpenApiParameter("state", str, enum=[value for value, _label in DossierState.choices if value != "draft"]),
    OpenApiParameter("submitted_after", OpenApiTypes.DATETIME),
    OpenApiParameter("submitted_before", OpenApiTypes.DATETIME),
    OpenApiParameter("updated_after", OpenApiTypes.DATETIME, description="Changed since (for synchronisation)"),
])  # fmt: skip
class DossierList(generics.ListAPIView):
    """Filed requests of the token's services (never drafts), newest first, by cursor pages."""

    serializer_class = DossierSerializer
    pagination_class = FilingOrder

    def get_queryset(self):
        dossiers = Dossier.objects.for_agent(self.request.user).select_related("procedure", "commune", "assignee")
        return DossierFilters(self.request.query_params).apply(dossiers)


class DossierDetail(generics.RetrieveAPIView):
    """A request with the applicant, the answers and links to its files."""

    serializer_class = DossierDetailSerializer
    lookup_field = "number"

    def get_queryset(self):
        return (
            Dossier.objects.for_agent(self.request.user)
            .select_related("procedure", "commune", "assignee", "applicant")
            .prefetch_related("attachments")
        )


class DossierTransition(APIView):
    """Change a request's state with the agent screens' rules: start the review, ask for missing items, decide.

    The decision is written, its PDF made and the applicant told, as when an agent decides; 409 when the request
    is not in a state that allows it or changed since `revision`.
    """

    @extend_schema(request=TransitionSerializer, responses={200: DossierDetailSerializer})
    def post(self, request, number):
        dossier = get_object_or_404(Dossier.objects.for_agent(request.user), number=number)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data
        revision = wanted.get("revision")
        try:
            target_state(dossier, wanted["transition"])  # a state that does not allow it: 409 before any check
            if wanted["transition"] == "start_review":
                teleprocedures.start_review(dossier=dossier, actor=request.user, expected_revision=revision,
                                            request=request)  # fmt: skip
            elif wanted["transition"] == "request_info":
                form = InformationRequestForm({"items": "\n".join(wanted.get("items", [])),
                                               "respond_by": wanted.get("respond_by") or ""})  # fmt: skip
                cleaned = checked_form(form)
                teleprocedures.request_information(dossier=dossier, items=cleaned["items"],
                                                   respond_by=cleaned["respond_by"], actor=request.user,
                                                   expected_revision=revision, request=request)  # fmt: skip
            else:
                data = {"reasons": wanted.get("reasons", "")}
                data.update({f"decision_{name}": value for name, value in wanted.get("decision", {}).items()})
                form = DecisionForm(data, dossier=dossier, transition=wanted["transition"])
                cleaned = checked_form(form, rename=lambda name: name.replace("decision_", "decision.", 1))
                teleprocedures.decide(dossier=dossier, transition=wanted["transition"], reasons=cleaned["reasons"],
                                      data=form.data_values, actor=request.user, expected_revision=revision,
                                      request=request)  # fmt: skip
        except TransitionNotAllowed as error:
            raise Conflict(str(error), code="transition_not_allowed") from None
        except StaleDossier:
            raise Conflict(
                _("The request changed since this revision: read it again."), code="stale_revision"
            ) from None
        dossier.refresh_from_db()
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class DossierMessages(generics.ListCreateAPIView):
    """The messages of a request (GET); write to the applicant, who is told by email (POST, like the agent page)."""

    serializer_class = MessageSerializer
    pagination_class = None

    def dossier(self):
        return get_object_or_404(Dossier.objects.for_agent(self.request.user), number=self.kwargs["number"])

    def get_queryset(self):
        return self.dossier().messages.prefetch_related("attachments__dossier").order_by("created_at", "pk")

    def perform_create(self, serializer):
        serializer.instance = teleprocedures.post_message(
            dossier=self.dossier(), author=self.request.user, body=serializer.validated_data["body"],
            from_applicant=False, request=self.request,
        )  # fmt: skip


class DossierFile(APIView):
    """Download one file of a request (logged in the audit trail)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, number, pk):
        dossier = get_object_or_404(Dossier.objects.for_agent(request.user), number=number)
        attachment = get_object_or_404(Attachment.objects.filter(dossier=dossier), pk=pk)
        return serve_stored_file(request, attachment, action="api.dossier.file", obj=dossier)
