"""The discussion demo seeder: rooms with history, technique discussions when techniques exist."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from community import discussion_selectors as selectors
from community.models import Message, Thread, ThreadKind

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_rooms_with_history_and_unread_for_newhire():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    rooms = {t.title: t for t in Thread.objects.filter(kind=ThreadKind.ROOM)}
    assert {"#deal-desk", "#enablement", "#emea-pipeline", "Rainmaker council"} <= set(rooms)
    deal_desk = rooms["#deal-desk"]
    seqs = list(Message.objects.filter(thread=deal_desk).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, deal_desk.last_seq + 1)) and deal_desk.message_count == len(seqs) >= 10
    assert Message.objects.filter(thread=deal_desk, reply_to__isnull=False).exists()
    newhire = User.objects.get(username="newhire")
    assert selectors.unread_total(newhire) >= 3
    assert not rooms["Rainmaker council"].has_member(newhire)
    assert 'class="mention"' in Message.objects.get(thread=deal_desk, seq=9).body_html


def test_technique_discussions_attach_to_published_techniques(make_technique):
    from accounts.demo import seed as seed_people
    from community.demo_threads import seed
    from core.demo import DemoContext

    ctx = DemoContext(quiet=True)
    seed_people(ctx)
    rainmaker = User.objects.get(username="rainmaker")
    technique = make_technique(author=rainmaker)
    make_technique(author=rainmaker, live=False, title="Draft only")
    seed(ctx)
    discussions = Thread.objects.filter(kind=ThreadKind.TECHNIQUE)
    assert [t.object_id for t in discussions] == [technique.pk]
    assert discussions[0].message_count >= 4
