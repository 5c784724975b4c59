"""One error format for the whole API: {"error": {"status", "code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler


class Conflict(APIException):
    """409: the object's state does not allow it; `extra` goes into the error (free alternatives, duplicates)."""

    status_code = 409
    default_code = "conflict"

    def __init__(self, message, *, code, extra=None):
        super().__init__(message, code)
        self.extra = extra or {}


def reject_unknown_params(query, known):
    """A 400 naming each query parameter the endpoint does not take (a typo must not be silently ignored)."""
    unknown = set(query) - set(known)
    if unknown:
        raise exceptions.ValidationError({name: [_("Unknown parameter.")] for name in sorted(unknown)})


def checked_form(form, rename=str):
    """The form's cleaned data, or a 400 with its messages under the API's field names."""
    if not form.is_valid():
        raise exceptions.ValidationError({rename(name): list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


def _codes(detail):
    if isinstance(detail, dict):
        return {key: _codes(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return (
            [str(item) for item in detail]
            if all(not isinstance(i, dict | list) for i in detail)
            else [_codes(item) for item in detail]
        )
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not within this token's services."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", "error")
    error = {"status": response.status_code, "code": code}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        error["message"] = _("Some values are not valid: see the fields.")
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        error["fields"] = _codes(detail)
    else:
        error["message"] = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    error.update(getattr(exc, "extra", {}))
    response.data = {"error": error}
    return response
