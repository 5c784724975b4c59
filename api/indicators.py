"""The dashboards' indicators as JSON, for the token's services (or the services an agent manages)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import checked_form, reject_unknown_params
from api.models import ApiToken
from dashboards.enums import Period
from dashboards.indicators import dashboard
from dashboards.scope import ScopeForm, managed
from portal.models import Service


def plain(value):
    """A figure as JSON: dates in ISO 8601, translated labels as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def _watched(request):
    if isinstance(request.auth, ApiToken):
        return Service.objects.for_agent(request.user), None
    watched = managed(request.user)
    if watched is None:
        raise PermissionDenied(_("The indicators are open to managers and to API tokens."))
    return watched


@extend_schema(
    parameters=[
        OpenApiParameter("period", str, enum=Period.values, description="Default: month"),
        OpenApiParameter("start", OpenApiTypes.DATE, description="With period=custom"),
        OpenApiParameter("end", OpenApiTypes.DATE, description="With period=custom, included"),
        OpenApiParameter("service", OpenApiTypes.INT, description="One service (default: all of the token's)"),
        OpenApiParameter("site", OpenApiTypes.INT),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class Indicators(APIView):
    """Requests, appointments, mail and satisfaction figures of a period against the previous one, with tables."""

    def get(self, request):
        services, sites = _watched(request)
        reject_unknown_params(request.query_params, {"period", "start", "end", "service", "site"})
        form = ScopeForm(request.query_params or {"period": Period.MONTH}, services=services, sites=sites)
        if not form.is_valid() and form.out_of_scope():
            raise NotFound()
        checked_form(form)
        scope = form.scope(services=services, sites=sites, today=timezone.localdate())
        sections = dashboard(scope)
        return Response({
            "period": {"start": scope.current.start, "end": scope.current.end},
            "previous_period": {"start": scope.previous.start, "end": scope.previous.end},
            "sections": {
                name: {
                    "figures": [{"label": str(figure.label), "value": figure.value, "previous": figure.previous,
                                 "unit": figure.unit, "change": figure.change, "trend": figure.trend}
                                for figure in section["figures"]],
                    "tables": [{"key": table.key, "title": str(table.title), "columns": table.header,
                                "rows": [[plain(value) for value in row] for row in table.rows]}
                               for table in section["tables"]],
                }
                for name, section in sections.items()
            },
        })  # fmt: skip
