from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.views import APIView

from api.filters import DossierFilters
from api.serializers import DossierDetailSerializer, DossierSerializer, ProcedureDetailSerializer, ProcedureSerializer
from portal.files import serve_stored_file
from teleprocedures.enums import DossierState
from teleprocedures.models import Attachment, Dossier, Procedure


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


class DossierFile(APIView):
    """Download one file of a request (logged in the audit trail)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, number, pk):
        dossier = get_object_or_404(Dossier.objects.for_agent(request.user), number=number)
        attachment = get_object_or_404(Attachment.objects.filter(dossier=dossier), pk=pk)
        return serve_stored_file(request, attachment, action="api.dossier.file", obj=dossier)
