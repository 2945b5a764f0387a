"""The API documents itself: every operation in /api/v1/openapi.json has a summary and tags, and
documents the error answers it can give with the shared error schemas; and every operation
refuses a caller without credentials with 401 and a JSON sentence."""

from __future__ import annotations

import re
import typing

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR_SCHEMAS = {"ErrorOut", "ValidationErrorOut", "ImportReportOut"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def _ref_name(response: dict) -> str | None:
    content = response.get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def test_the_document_is_openapi_3_with_every_capability(schema):
    assert schema["openapi"].startswith("3.")
    tags = {tag for _, _, op in operations(schema) for tag in op.get("tags", [])}
    assert tags >= {
        "people",
        "notifications",
        "taxonomy",
        "techniques and outcomes",
        "questions",
        "search",
        "discussion threads",
        "mentoring",
    }


def test_every_operation_has_a_summary_tags_and_its_error_answers(schema):
    assert len(list(operations(schema))) >= 95
    problems = []
    for path, method, op in operations(schema):
        name = f"{method.upper()} {path}"
        responses = op["responses"]
        if not (op.get("summary") or "").strip() or len(op["summary"]) < 8:
            problems.append(f"{name}: no summary")
        if not op.get("tags"):
            problems.append(f"{name}: no tags")
        if "401" not in responses:
            problems.append(f"{name}: 401 undocumented")
        if "403" not in responses:
            problems.append(f"{name}: 403 undocumented")
        has_input = bool(op.get("parameters")) or "requestBody" in op
        if has_input and "422" not in responses:
            problems.append(f"{name}: 422 undocumented")
        if "requestBody" in op and "400" not in responses:
            problems.append(f"{name}: 400 (body not JSON) undocumented")
        if "{" in path and "404" not in responses:
            problems.append(f"{name}: 404 undocumented (it has a path parameter)")
        for code, response in responses.items():
            if code.startswith("4") and _ref_name(response) not in ERROR_SCHEMAS:
                problems.append(f"{name}: {code} does not use the shared error schema")
            if code.startswith("2") and code != "204" and "content" not in response:
                problems.append(f"{name}: {code} has no schema")
    assert not problems, "\n".join(problems)


def test_validation_errors_carry_field_errors(schema):
    fields = schema["components"]["schemas"]["ValidationErrorOut"]["properties"]
    assert set(fields) == {"detail", "errors"}
    assert set(schema["components"]["schemas"]["FieldError"]["properties"]) == {"field", "message"}


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "someone" if m.group(1) == "username" else "1", path)


def test_every_operation_answers_401_without_credentials(schema, client):
    problems = []
    for path, method, _op in operations(schema):
        kwargs = {"content_type": "application/json"} if method != "get" else {}
        response = getattr(client, method)(_concrete(path), **kwargs)
        if response.status_code != 401 or "detail" not in response.json():
            problems.append(f"{method.upper()} {path}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_every_operation_answers_401_with_a_bad_token(schema, client):
    headers = {"Authorization": "Bearer wagtail_notatokenatall"}
    for path, method, _op in operations(schema):
        response = getattr(client, method)(_concrete(path), headers=headers)
        assert response.status_code == 401, f"{method.upper()} {path}: {response.status_code}"
        assert "not valid" in response.json()["detail"]


def test_schema_names_are_unique():
    """OpenAPI components are keyed by class name: two different schemas with one name would
    silently document one of them wrongly."""
    from pydantic import BaseModel

    from config.api import api

    names: dict[str, set[str]] = {}
    visited: set[int] = set()

    def walk(tp) -> None:
        args = typing.get_args(tp)
        if args:
            for arg in args:
                walk(arg)
            return
        if isinstance(tp, type) and issubclass(tp, BaseModel) and id(tp) not in visited:
            visited.add(id(tp))
            if not tp.__module__.startswith(("abc", "ninja")):
                names.setdefault(tp.__name__, set()).add(f"{tp.__module__}.{tp.__qualname__}")
            for field in tp.model_fields.values():
                walk(field.annotation)

    def routers(router):
        yield router
        for _, child in router._routers:
            yield from routers(child)

    for _, top in api._routers:
        for router in routers(top):
            for view in router.path_operations.values():
                for op in view.operations:
                    for model in [*(op.response_models or {}).values(), *op.models]:
                        walk(model)
    clashes = {name: sorted(where) for name, where in names.items() if len(where) > 1}
    assert len(names) > 100 and not clashes, clashes


def test_documented_choices_match_the_models():
    """The enums written out for the OpenAPI document stay in step with the models' choices."""
    from typing import get_args

    from accounts import api as accounts_api
    from accounts import selectors as accounts_selectors
    from accounts.models import Role
    from community.models import Response
    from community.techniques import api as techniques_api
    from mentoring import api as mentoring_api
    from mentoring.models import LANGUAGES, AssignmentProposal, CoachingStyle

    assert list(get_args(accounts_api.RoleName)) == Role.values
    assert get_args(accounts_api.InvitationStatus) == accounts_selectors.INVITATION_STATUSES
    assert list(get_args(techniques_api.ResponseName)) == Response.values
    assert list(get_args(techniques_api.DecidedResponse)) == [v for v in Response.values if v != "pending"]
    assert list(get_args(mentoring_api.CoachingStyleName)) == CoachingStyle.values
    assert list(get_args(mentoring_api.LanguageCode)) == [code for code, _ in LANGUAGES]
    assert AssignmentProposal.Status.values == ["proposed", "confirmed", "discarded"]  # GET /mentoring/assignments
