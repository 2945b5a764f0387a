from django.core.management.base import BaseCommand, CommandError

from community.models import TechniquePage
from community.techniques import stats


class Command(BaseCommand):
    help = "Rebuild every technique's outcome statistics from the practices (TechniqueStats and evidence labels)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--technique", type=int, action="append", help="Only this technique id (repeatable).")

    def handle(self, *args, technique: list[int] | None = None, **options) -> None:
        if technique:
            missing = set(technique) - set(TechniquePage.objects.filter(pk__in=technique).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No technique with id {', '.join(map(str, sorted(missing)))}.")
        count = stats.recompute(technique)
        self.stdout.write(self.style.SUCCESS(f"Recomputed the statistics of {count} technique(s)."))
