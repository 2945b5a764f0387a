from django.core.management.base import BaseCommand

from notifications.kinds import Delivery
from notifications.tasks import send_digests


class Command(BaseCommand):
    help = "Send the daily or weekly notification digests now (also scheduled automatically)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", choices=[Delivery.DAILY, Delivery.WEEKLY], default=Delivery.DAILY)

    def handle(self, *args, period: str, **options) -> None:
        count = send_digests(period)
        self.stdout.write(f"Sent {count} {period} digest(s).")
