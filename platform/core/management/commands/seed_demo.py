from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from core.demo import DEMO_PASSWORD, DEMO_SIGN_INS, DemoContext


class Command(BaseCommand):
    help = "Create a deterministic, realistic demo team with content (never in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Make the synthetic data N times larger.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has users.")
        parser.add_argument("--seed", type=int, default=20261125, help="Random seed (same seed, same data).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, scale: int, if_empty: bool, seed: int, quiet: bool, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in these settings (DEMO_DATA_ALLOWED is false, e.g. production).")
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        user_model = get_user_model()
        if if_empty and user_model.objects.exists():
            self.stdout.write("The database already has data; keeping it (demo data not reloaded).")
            return
        if user_model.objects.filter(username__in=DEMO_SIGN_INS).exists():
            raise CommandError("Demo data is already loaded. Start from an empty database to reload it.")
        ctx = DemoContext(scale=scale, seed=seed, quiet=quiet, stdout=self.stdout)
        for path in settings.DEMO_SEEDERS:
            seeder = import_string(path)
            self.stdout.write(f"Seeding {path.rsplit('.', 1)[0]}…")
            with transaction.atomic():
                seeder(ctx)
                ctx.refresh_planner_stats()  # the next seeder reads what this one wrote
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in as any of these (password: {DEMO_PASSWORD}):"))
        for username in DEMO_SIGN_INS:
            self.stdout.write(f"  {username}")
