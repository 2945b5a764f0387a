from django.core.management.base import BaseCommand

from core.periodic import JOBS, ensure_scheduled


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (digests, statistics) that have no pending run."

    def handle(self, *args, **options) -> None:
        scheduled = ensure_scheduled()
        self.stdout.write(f"{len(JOBS)} periodic job(s); newly scheduled: {', '.join(scheduled) or 'none'}")
