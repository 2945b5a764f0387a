"""The conventions that make every router one API (see ../shared/api.md).

Errors are JSON `{"detail": "<one sentence a person can act on>"}`; validation errors add
`"errors": [{"field": ..., "message": ...}]` and answer 422. Feature routers raise the
ordinary exceptions (HttpError, Http404, Django's ValidationError and PermissionDenied) and
the handlers installed here shape them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class TermOut(Schema):
    """A stage, persona, industry or skill tag as other objects refer to it."""

    id: int
    slug: str
    name: str


class PersonRefOut(Schema):
    """A person as other objects refer to them (their profile page is `url`)."""

    id: int
    username: str
    display_name: str
    url: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj["display_name"] if isinstance(obj, dict) else obj.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj["url"] if isinstance(obj, dict) else obj.get_absolute_url()


# The error responses every operation may give; routers spread these into `response=`.
# 400: the body is not JSON (or not UTF-8); 422: it is, but a value is invalid.
COMMON_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


class Conflict(HttpError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


def _field_name(loc: list | tuple) -> str:
    # ninja locations look like ("body", "payload", "title") or ("query", "page"): the source,
    # then (for schemas) the parameter's name, then the field's path.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie", "file"):
        parts = parts[1:]
    if len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def field_errors_from_django(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message} for field, messages in exc.message_dict.items() for message in messages
        ]
    return [{"field": "__all__", "message": message} for message in exc.messages]


def validation_detail(errors: list[dict[str, str]]) -> str:
    fields = sorted({e["field"] for e in errors if e["field"] != "__all__"})
    if fields:
        return f"Some fields are invalid: {', '.join(fields)}. Correct them and try again."
    if errors:
        return errors[0]["message"]
    return "The request is invalid."


def install_exception_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid value"))} for e in exc.errors
        ]
        if any(e["field"] == "__all__" and "JSON" in e["message"] for e in errors):
            return respond(request, 400, {"detail": "The request body is not valid JSON."})
        return respond(request, 422, {"detail": validation_detail(errors), "errors": errors})

    @api.exception_handler(DjangoValidationError)
    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = field_errors_from_django(exc)
        return respond(request, 422, {"detail": validation_detail(errors), "errors": errors})

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            str(exc)
            if str(exc) and str(exc) != "Unauthorized"
            else (
                "Authentication required: sign in, or send 'Authorization: Bearer <token>' "
                "(create one with `python manage.py create_api_token USERNAME`)."
            )
        )
        return respond(request, 401, {"detail": message})

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, {"detail": str(exc) or "You are not allowed to do this."})

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        text = str(exc)
        if not text or "matches the given query" in text:
            text = "Not found."
        return respond(request, 404, {"detail": text})

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404, {"detail": "Not found."})

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = getattr(exc, "wait", None)
        detail = "Too many requests; slow down."
        if wait:
            detail = f"Too many requests; try again in {int(wait) + 1} seconds."
        response = respond(request, 429, {"detail": detail})
        if wait:
            response["Retry-After"] = str(int(wait) + 1)
        return response

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # An id or number larger than the database can hold (SQLite raises OverflowError).
        return respond(
            request, 422, {"detail": OUT_OF_RANGE, "errors": [{"field": "__all__", "message": OUT_OF_RANGE}]}
        )

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # PostgreSQL's "value out of range" (and friends): the input, not the server, is at fault.
        return respond(
            request, 422, {"detail": OUT_OF_RANGE, "errors": [{"field": "__all__", "message": OUT_OF_RANGE}]}
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, {"detail": str(exc)})


OUT_OF_RANGE = "A number in the request is out of range (ids and counts fit in 64 bits)."
MAX_PAGE = 100_000


class Pagination(PageNumberPagination):
    """`?page=` (1-based, bounded so the offset always fits the database) and `?page_size=` (max 100)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


def created_or_existing(obj: Any, created: bool) -> tuple[int, Any]:
    """Idempotent creation: 201 for a new object, 200 with the original on a repeat."""
    return (201 if created else 200), obj


def lookup(queryset: Any, value: Any, *, field: str, label: str, by_name: bool = True) -> Any:
    """The row of `queryset` that `value` names (an id, a slug or, for terms, a name), or None
    for an empty value; anything else is a 422 on `field` that lists a few valid slugs."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    obj = queryset.filter(pk=int(text)).first() if text.isdigit() else None
    if obj is None and not text.isdigit():
        obj = queryset.filter(slug__iexact=text).first()
        if obj is None and by_name:
            obj = queryset.filter(name__iexact=text).first()
    if obj is None:
        choices = ", ".join(queryset.values_list("slug", flat=True)[:12])
        raise DjangoValidationError({field: [f"No {label} “{text}”; use an id or a slug such as: {choices}."]})
    return obj


def state_conflict(exc: DjangoValidationError) -> HttpError:
    """A service's non-field ValidationError ("not waiting for moderation", "already flagged"):
    the request was fine but the object's state does not allow it, so 409."""
    return Conflict(" ".join(exc.messages))
