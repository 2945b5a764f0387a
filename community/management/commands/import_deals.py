from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from community.techniques.imports import import_deals


class Command(BaseCommand):
    help = (
        "Import deals from a Salesforce-style opportunity export (CSV), and optionally practices. "
        "All-or-nothing: any bad row aborts the import and every bad row is listed. Re-importing "
        "the same files changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("deals", help="Opportunities CSV: id, name, account, amount, currency, stage, status, ...")
        parser.add_argument("--practices", help="Practices CSV: technique, rep_email, deal_id, date, response, ...")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, deals: str, practices: str | None = None, quiet: bool = False, **options) -> None:
        paths = {"deals": Path(deals)}
        if practices:
            paths["practices"] = Path(practices)
        for label, path in paths.items():
            if not path.is_file():
                raise CommandError(f"The {label} file {path} does not exist.")

        def progress(items, *, desc: str, total: int | None = None):
            return iter(tqdm(items, desc=desc, total=total, unit="row", disable=quiet, file=self.stderr._out))

        report = import_deals(
            deals=paths["deals"].read_bytes(),
            practices=paths["practices"].read_bytes() if practices else None,
            progress=progress,
        )
        if not report.ok:
            for error in report.errors:
                name = paths[error.file].name
                self.stderr.write(f"{name}, line {error.line}, {error.field}: {error.message}")
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
