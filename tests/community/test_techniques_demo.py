"""The demo: a believable knowledge base whose numbers come from known true effects."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from community.models import Deal, Practice, TechniquePage, TechniqueReview, TechniqueStats
from community.techniques.demo_content import TECHNIQUES
from community.techniques.selectors import moderation_queue
from tests.community.techniques_helpers import clean_outcome_settings_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_techniques_practices_and_moderation_queue(client):
    started = time.perf_counter()
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert time.perf_counter() - started < 60
    live = TechniquePage.objects.live()
    assert live.count() >= 40
    assert not live.filter(author__isnull=True).exists()
    rainmaker_authored = live.filter(author__is_rainmaker=True).count()
    assert rainmaker_authored >= 40
    # Full bodies: situation, approach and at least one of talk track / objection / pitfalls.
    for page in live.filter(author__is_rainmaker=True):
        kinds = {block.block_type for block in page.body}
        assert {"situation", "approach"} <= kinds and kinds & {"talk_track", "objection", "pitfalls"}, page.title
    assert len(moderation_queue()) >= 3
    assert TechniqueReview.objects.count() > 40
    # Every rep has deals; practices cover the last ~9 months.
    assert Deal.objects.filter(owner__username="newhire").exists()
    assert Practice.objects.filter(rep__username="newhire").count() >= 5
    assert Practice.objects.exclude(suggested_response="").filter(rep__username="newhire").exists()
    assert Practice.objects.count() > 3000

    # The numbers mean something: techniques with a large true effect come out better than
    # those with none or a negative one, and each label occurs.
    effects = {t.title: t.effect for t in TECHNIQUES}
    labels = {}
    for page in live:
        labels.setdefault(page.evidence, []).append(effects[page.title])
    assert {"proven", "promising", "no_better", "worse", "not_enough_data"} <= set(labels)
    mean = {label: sum(values) / len(values) for label, values in labels.items()}
    assert mean["proven"] > mean["no_better"] > mean["worse"]
    assert min(labels["proven"]) > 0
    assert TechniqueStats.objects.filter(segment="overall", drifting=True, details__drift="down").exists()
