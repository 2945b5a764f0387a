from __future__ import annotations

import pytest

from community.qa import services
from taxonomy.models import BuyerPersona, SalesStage, SkillTag
from tests.factories import make_user


@pytest.fixture
def stage(db):
    return SalesStage.objects.get(slug="negotiation")


@pytest.fixture
def persona(db):
    return BuyerPersona.objects.order_by("sort_order").first()


@pytest.fixture
def skill(db):
    return SkillTag.objects.get(name="Negotiation")


@pytest.fixture
def veteran(db):
    """An experienced rep without a special role (not rate-limited: account is old)."""
    from datetime import timedelta

    from django.utils import timezone

    user = make_user("veteran", display_name="Val Veteran")
    user.date_joined = timezone.now() - timedelta(days=400)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def ask(newhire, stage, skill):
    """Create a question as the new hire (routing on)."""

    def make(author=None, **kwargs):
        data = {
            "title": "How do I answer procurement's 20% discount ask?",
            "body": "Procurement wants 20% off before signing. The champion says the budget is there.",
            "stage": stage,
            "tags": [skill],
        }
        data.update(kwargs)
        return services.question_create(author=author or newhire, **data)

    return make


class PageClient:
    """A signed-in browser client that sends the CSRF token like a real form does."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = client.get("/questions/").cookies["csrftoken"].value

    def get(self, path, data=None, **kw):
        return self.client.get(path, data, **kw)

    def post(self, path, data=None, **kw):
        data = dict(data or {})
        data["csrfmiddlewaretoken"] = self.token
        return self.client.post(path, data, **kw)


@pytest.fixture
def pages(client_for):
    """`pages(user)` → a signed-in page client that posts forms with their CSRF token."""

    def make(user) -> PageClient:
        return PageClient(client_for(user))

    return make
