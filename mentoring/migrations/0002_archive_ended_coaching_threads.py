"""Coaching threads of mentorships that had already ended become read-only, as new endings do."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Now

ENDED = ("completed", "ended_early")


def archive(apps, schema_editor):
    Thread = apps.get_model("community", "Thread")
    Mentorship = apps.get_model("mentoring", "Mentorship")
    ended_at = Mentorship.objects.filter(pk=OuterRef("object_id"), status__in=ENDED).values("ended_at")[:1]
    (
        Thread.objects.filter(
            content_type__app_label="mentoring",
            content_type__model="mentorship",
            archived_at__isnull=True,
            object_id__in=Mentorship.objects.filter(status__in=ENDED).values("pk"),
        ).update(archived_at=Coalesce(Subquery(ended_at), Now()))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_initial"),
        ("community", "0006_revision_context"),
    ]

    operations = [migrations.RunPython(archive, migrations.RunPython.noop)]
