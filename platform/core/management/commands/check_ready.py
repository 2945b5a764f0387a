import json

from django.core.management.base import BaseCommand, CommandError

from core.health import readiness


class Command(BaseCommand):
    help = (
        "Run the readiness checks of /readyz (database, task queue, cache, channel layer, search) "
        "in this process; exit 1 when one fails. The task worker's container health check."
    )

    def handle(self, *args, **options) -> None:
        body = readiness()
        self.stdout.write(json.dumps(body))
        if body["failed"]:
            raise CommandError(f"Not ready: {', '.join(body['failed'])} failed (details above).")
