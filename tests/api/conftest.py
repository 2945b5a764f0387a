"""Fixtures for the API-wide tests: the outcome-settings cache reset, query counting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.community.techniques_helpers import clean_outcome_settings_cache  # noqa: F401 - autouse fixture


def queries(fn, status: int = 200) -> int:
    """How many SQL queries one call runs (the call must answer `status`)."""
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == status, response.content[:500]
    return len(ctx.captured_queries)


@pytest.fixture
def anon(api_for):
    """An API client without credentials."""
    return api_for(None)
