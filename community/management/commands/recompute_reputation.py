"""`python manage.py recompute_reputation`: rebuild every reputation event and total from its sources."""

from django.core.management.base import BaseCommand

from community.qa import reputation


class Command(BaseCommand):
    help = "Rebuild reputation events from votes, accepted answers, technique evidence and reviews; then the totals."

    def handle(self, *args, **options) -> None:
        counts = reputation.recompute_all()
        people = counts.pop("people", 0)
        parts = ", ".join(f"{n} from {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reputation recomputed: {parts}; {people} people with points."))
