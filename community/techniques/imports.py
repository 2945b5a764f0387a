"""Deals (and optionally practices) from a CRM export: all-or-nothing, idempotent.

The deals file is a Salesforce-style opportunity export: id, name, account, amount, currency,
stage, status (open/won/lost), owner email, created and closed dates (Salesforce's own column
titles such as "Opportunity ID" or "Close Date" are understood too). The practices file has
technique (slug), rep email, deal id, date, response and optionally external_id, stage,
persona and note.

Every row of both files is checked first; one bad row aborts the import and the report lists
every bad row with its line number and reason. Only then is anything written, in one
transaction. Deals are matched on their CRM id and practices on their external id (derived
from technique, rep, deal and date when the file has none), so importing the same files again
changes nothing. When a deal moves (stage, won, lost), reps with pending practices on it are
asked "what happened?" with the likely answer prefilled.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO, TypeVar

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from community.models import Deal, Practice, PracticeSource, Response, TechniquePage
from core.markdown import render_markdown
from notifications.services import notify
from taxonomy.models import BuyerPersona, SalesStage

from .services import followups_ask, schedule_recompute, suggested_response_for

T = TypeVar("T")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000

DEAL_COLUMNS = {
    "id": {"id", "opportunity id", "opportunityid", "deal id", "crm id"},
    "name": {"name", "opportunity name", "deal name"},
    "account": {"account", "account name"},
    "amount": {"amount"},
    "currency": {"currency", "currency iso code", "currencyisocode", "opportunity currency"},
    "stage": {"stage", "stage name", "stagename"},
    "status": {"status"},
    "owner_email": {"owner email", "opportunity owner email", "owner"},
    "created_date": {"created", "created date", "createddate"},
    "closed_date": {"closed", "close date", "closed date", "closedate"},
}
DEAL_REQUIRED = ("id", "name", "status", "owner_email")
PRACTICE_COLUMNS = {
    "technique": {"technique", "technique slug"},
    "rep_email": {"rep email", "rep", "email"},
    "deal_id": {"deal id", "deal", "opportunity id"},
    "date": {"date", "practised at", "practiced at", "practised on", "practiced on"},
    "response": {"response", "outcome"},
    "external_id": {"external id", "practice id"},
    "stage": {"stage"},
    "persona": {"persona", "buyer persona"},
    "note": {"note", "notes"},
}
PRACTICE_REQUIRED = ("technique", "rep_email", "date", "response")
STATUS_ALIASES = {"open": "open", "won": "won", "lost": "lost", "closed won": "won", "closed lost": "lost"}


@dataclass
class RowError:
    file: str
    line: int
    field: str
    message: str


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    deals: Counts = field(default_factory=Counts)
    practices: Counts = field(default_factory=Counts)
    followups: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.deals.created or self.deals.updated or self.practices.created or self.practices.updated)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "deals": asdict(self.deals),
            "practices": asdict(self.practices),
            "followups": self.followups,
            "errors": [asdict(e) for e in self.errors],
        }

    def summary(self) -> str:
        if not self.ok:
            lines = len({(e.file, e.line) for e in self.errors})
            rows = "1 row has a problem" if lines == 1 else f"{lines} rows have problems"
            return f"Nothing was imported: {rows}. Fix them and import the files again."
        d, p = self.deals, self.practices
        text = f"Deals: {d.created} new, {d.updated} updated, {d.unchanged} unchanged."
        if p.rows:
            text += f" Practices: {p.created} new, {p.updated} updated, {p.unchanged} unchanged."
        if self.followups:
            text += f" {self.followups} rep follow-up{'' if self.followups == 1 else 's'} asked."
        return text


def _identity(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    return iter(items)


Progress = Callable[..., Iterator]


# --- Reading ------------------------------------------------------------------------------------


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-.]+", " ", (header or "").strip().lower()))


def read_csv(
    data: bytes | str | BinaryIO, *, file: str, columns: dict[str, set[str]], required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows as (line number, {canonical column: stripped value}) and file-level errors."""
    if hasattr(data, "read"):
        data = data.read(MAX_BYTES + 1)
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return [], [RowError(file, 0, "file", "The file is larger than 10 MB; split it and import the parts.")]
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowError(file, 0, "file", "The file is not UTF-8 text; export it as “CSV UTF-8”.")]
    data = data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(data, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(file, 1, "file", "The file is empty; it needs a header row and at least one row.")]
    except csv.Error as exc:
        return [], [RowError(file, 1, "file", f"This is not a readable CSV file ({exc}).")]
    lookup = {alias: name for name, aliases in columns.items() for alias in aliases}
    mapping: dict[int, str] = {}
    errors: list[RowError] = []
    for i, title in enumerate(header):
        name = lookup.get(_normal(title))
        if name and name not in mapping.values():
            mapping[i] = name
    missing = [name for name in required if name not in mapping.values()]
    if missing:
        return [], [
            RowError(file, 1, name, f"The header has no “{name}” column (found: {', '.join(header) or 'nothing'}).")
            for name in missing
        ]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(RowError(file, line, "file", f"More than {MAX_ROWS} rows; split the file."))
                break
            if len(record) > len(header):
                errors.append(RowError(file, line, "row", f"{len(record)} cells but the header has {len(header)}."))
                continue
            rows.append((line, {name: (record[i].strip() if i < len(record) else "") for i, name in mapping.items()}))
    except csv.Error as exc:
        errors.append(RowError(file, reader.line_num, "row", f"Unreadable CSV here ({exc})."))
    if not rows and not errors:
        errors.append(RowError(file, 2, "file", "The file has a header but no rows."))
    return rows, errors


def parse_date(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date; use YYYY-MM-DD.")


def parse_datetime(value: str) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"“{value}” is not a date; use YYYY-MM-DD or an ISO 8601 time.") from None
    if len(value) == 10:  # a date alone: midday, so time zones cannot move it to another day
        parsed = datetime.combine(parsed.date(), time(12, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


class _Terms:
    """Case-insensitive lookup of stages/personas by name or slug."""

    def __init__(self, model) -> None:
        self.items = list(model.objects.all())
        self.by_key = {}
        for item in self.items:
            self.by_key[item.name.lower()] = item
            self.by_key[item.slug.lower()] = item

    def get(self, value: str):
        return self.by_key.get(value.strip().lower())

    def names(self) -> str:
        return ", ".join(item.name for item in self.items if item.is_active)


# --- Validating -------------------------------------------------------------------------------


@dataclass
class DealRow:
    line: int
    external_id: str
    values: dict[str, Any]


@dataclass
class PracticeRow:
    line: int
    external_id: str
    technique: TechniquePage
    rep: User
    deal_external_id: str
    values: dict[str, Any]


def _users_by_email(emails: set[str]) -> dict[str, User]:
    found = User.objects.annotate(email_lower=Lower("email")).filter(is_active=True, email_lower__in=list(emails))
    return {u.email_lower: u for u in found}


def validate_deals(rows, *, stages: _Terms, progress: Progress) -> tuple[list[DealRow], list[RowError]]:
    errors: list[RowError] = []
    out: list[DealRow] = []
    seen: dict[str, int] = {}
    users = _users_by_email({r["owner_email"].lower() for _, r in rows if r.get("owner_email")})
    closing = max(stages.items, key=lambda s: s.sort_order, default=None)
    for line, row in progress(rows, desc="check deals", total=len(rows)):

        def bad(name: str, message: str, line: int = line) -> None:
            errors.append(RowError("deals", line, name, message))

        values: dict[str, Any] = {}
        external_id = row.get("id", "")
        if not external_id:
            bad("id", "The opportunity id is empty.")
        elif len(external_id) > 64:
            bad("id", "The opportunity id is longer than 64 characters.")
        elif external_id in seen:
            bad("id", f"Opportunity {external_id} appears twice (also on line {seen[external_id]}).")
        else:
            seen[external_id] = line
        name = row.get("name", "")
        if not name:
            bad("name", "The opportunity name is empty.")
        elif len(name) > 255:
            bad("name", "The opportunity name is longer than 255 characters.")
        values["name"] = name[:255]
        values["account"] = row.get("account", "")[:255]
        amount = row.get("amount", "").replace(",", "").replace(" ", "")
        values["amount"] = None
        if amount:
            try:
                values["amount"] = Decimal(amount).quantize(Decimal("0.01"))
                if values["amount"] < 0 or values["amount"] >= Decimal("1e12") or not values["amount"].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                bad("amount", f"“{row.get('amount')}” is not an amount (use digits, e.g. 125000.00).")
        currency = (row.get("currency") or "USD").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            bad("currency", f"“{row.get('currency')}” is not a three-letter currency code such as USD or EUR.")
        values["currency"] = currency[:3]
        raw_status = _normal(row.get("status", ""))
        status = STATUS_ALIASES.get(raw_status)
        if status is None:
            bad("status", f"“{row.get('status', '')}” is not a status; use open, won or lost.")
        values["status"] = status or "open"
        stage_text = row.get("stage", "")
        values["stage"] = None
        if stage_text:
            if _normal(stage_text) in ("closed won", "closed lost"):
                values["stage"] = closing
            else:
                values["stage"] = stages.get(stage_text)
                if values["stage"] is None:
                    bad("stage", f"Unknown stage “{stage_text}”; use one of: {stages.names()}.")
        email = row.get("owner_email", "").lower()
        values["owner"] = users.get(email)
        if not email:
            bad("owner_email", "The owner e-mail is empty.")
        elif values["owner"] is None:
            bad("owner_email", f"No active team member has the e-mail {email}.")
        for column in ("created_date", "closed_date"):
            values[column] = None
            if row.get(column):
                try:
                    values[column] = parse_date(row[column])
                except ValueError as exc:
                    bad(column, str(exc))
        if status in ("won", "lost") and not row.get("closed_date"):
            bad("closed_date", "A won or lost deal needs its close date.")
        if values["created_date"] and values["closed_date"] and values["closed_date"] < values["created_date"]:
            bad("closed_date", "The close date is before the created date.")
        out.append(DealRow(line, external_id, values))
    return out, errors


def _derived_external_id(technique: str, rep: str, deal: str, when: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{technique}|{rep}|{deal}|{when}".lower().encode()).hexdigest()[:32]
    return f"csv:{digest}" + (f":{occurrence}" if occurrence > 1 else "")


def validate_practices(
    rows, *, file_deals: set[str], stages: _Terms, personas: _Terms, progress: Progress
) -> tuple[list[PracticeRow], list[RowError]]:
    errors: list[RowError] = []
    out: list[PracticeRow] = []
    slugs = {r["technique"].lower() for _, r in rows if r.get("technique")}
    techniques = {
        t.slug.lower(): t for t in TechniquePage.objects.live().filter(slug__in=slugs).select_related("stage")
    }
    users = _users_by_email({r["rep_email"].lower() for _, r in rows if r.get("rep_email")})
    deal_ids = {r["deal_id"] for _, r in rows if r.get("deal_id")}
    known_deals = set(Deal.objects.filter(external_id__in=deal_ids).values_list("external_id", flat=True)) | file_deals
    responses = {v: v for v in Response.values} | {label.lower(): v for v, label in Response.choices}
    seen_ids: dict[str, int] = {}
    occurrences: dict[tuple, int] = {}
    now = timezone.now()
    for line, row in progress(rows, desc="check practices", total=len(rows)):

        def bad(name: str, message: str, line: int = line) -> None:
            errors.append(RowError("practices", line, name, message))

        values: dict[str, Any] = {}
        technique = techniques.get(row.get("technique", "").lower())
        if not row.get("technique"):
            bad("technique", "The technique slug is empty.")
        elif technique is None:
            bad("technique", f"No published technique has the slug “{row['technique']}”.")
        rep = users.get(row.get("rep_email", "").lower())
        if not row.get("rep_email"):
            bad("rep_email", "The rep e-mail is empty.")
        elif rep is None:
            bad("rep_email", f"No active team member has the e-mail {row['rep_email']}.")
        deal_id = row.get("deal_id", "")
        if deal_id and deal_id not in known_deals:
            bad("deal_id", f"Deal {deal_id} is neither in this import nor already known.")
        when = None
        try:
            when = parse_datetime(row.get("date", ""))
            if when > now + timedelta(minutes=10):
                bad("date", "The date is in the future.")
        except ValueError as exc:
            bad("date", str(exc))
        values["practised_at"] = when
        response = responses.get(_normal(row.get("response", "")).replace(" ", "_")) or responses.get(
            _normal(row.get("response", ""))
        )
        if response is None:
            bad("response", f"“{row.get('response', '')}” is not a response; use one of: {', '.join(Response.values)}.")
        values["response"] = response
        values["stage"] = technique.stage if technique else None
        if row.get("stage"):
            values["stage"] = stages.get(row["stage"])
            if values["stage"] is None:
                bad("stage", f"Unknown stage “{row['stage']}”; use one of: {stages.names()}.")
        values["persona"] = None
        if row.get("persona"):
            values["persona"] = personas.get(row["persona"])
            if values["persona"] is None:
                bad("persona", f"Unknown persona “{row['persona']}”; use one of: {personas.names()}.")
        note = row.get("note", "")
        if len(note) > 4000:
            bad("note", "The note is longer than 4000 characters.")
        values["note"] = note
        external_id = row.get("external_id", "")
        if not external_id and technique and rep and when:
            key = (technique.pk, rep.pk, deal_id, when.date())
            occurrences[key] = occurrences.get(key, 0) + 1
            external_id = _derived_external_id(
                technique.slug, rep.email, deal_id, when.date().isoformat(), occurrences[key]
            )
        if len(external_id) > 128:
            bad("external_id", "The external id is longer than 128 characters.")
        elif external_id and external_id in seen_ids:
            bad("external_id", f"External id {external_id} appears twice (also on line {seen_ids[external_id]}).")
        elif external_id:
            seen_ids[external_id] = line
        if technique and rep and when and response:
            out.append(PracticeRow(line, external_id, technique, rep, deal_id, values))
    # Keys seen before must belong to the same rep.
    existing = dict(
        Practice.objects.filter(external_id__in=[r.external_id for r in out]).values_list("external_id", "rep_id")
    )
    for row in out:
        if row.external_id in existing and existing[row.external_id] != row.rep.pk:
            errors.append(
                RowError("practices", row.line, "external_id", "This external id belongs to another rep's practice.")
            )
    return out, errors


# --- Writing ------------------------------------------------------------------------------------

DEAL_FIELDS = ("name", "account", "amount", "currency", "stage", "status", "owner", "created_date", "closed_date")


def _deal_differs(deal: Deal, values: dict[str, Any]) -> bool:
    for name in DEAL_FIELDS:
        current = getattr(deal, f"{name}_id") if name in ("stage", "owner") else getattr(deal, name)
        new = values[name].pk if name in ("stage", "owner") and values[name] is not None else values[name]
        if current != new:
            return True
    return False


def import_deals(
    *,
    deals: bytes | str | BinaryIO,
    practices: bytes | str | BinaryIO | None = None,
    actor: User | None = None,
    progress: Progress = _identity,
) -> ImportReport:
    """Validate both files completely, then write everything or nothing."""
    report = ImportReport()
    stages, personas = _Terms(SalesStage), _Terms(BuyerPersona)
    deal_rows, errors = read_csv(deals, file="deals", columns=DEAL_COLUMNS, required=DEAL_REQUIRED)
    report.errors += errors
    practice_rows: list = []
    if practices is not None:
        practice_rows, errors = read_csv(
            practices, file="practices", columns=PRACTICE_COLUMNS, required=PRACTICE_REQUIRED
        )
        report.errors += errors
    report.deals.rows, report.practices.rows = len(deal_rows), len(practice_rows)
    checked_deals, errors = validate_deals(deal_rows, stages=stages, progress=progress)
    report.errors += errors
    checked_practices: list[PracticeRow] = []
    if practice_rows:
        checked_practices, errors = validate_practices(
            practice_rows,
            file_deals={d.external_id for d in checked_deals},
            stages=stages,
            personas=personas,
            progress=progress,
        )
        report.errors += errors
    if report.errors:
        report.errors.sort(key=lambda e: (e.file != "deals", e.line))
        return report

    stage_order = {s.pk: s.sort_order for s in stages.items}
    touched_techniques: set[int] = set()
    with transaction.atomic():
        existing = {
            d.external_id: d for d in Deal.objects.filter(external_id__in=[r.external_id for r in checked_deals])
        }
        to_create, to_update, moved = [], [], {}
        for row in progress(checked_deals, desc="write deals", total=len(checked_deals)):
            deal = existing.get(row.external_id)
            if deal is None:
                to_create.append(Deal(external_id=row.external_id, **row.values))
                continue
            if not _deal_differs(deal, row.values):
                report.deals.unchanged += 1
                continue
            old_stage, old_status = deal.stage_id, deal.status
            for name in DEAL_FIELDS:
                setattr(deal, name, row.values[name])
            deal.updated_at = timezone.now()
            to_update.append(deal)
            if deal.stage_id != old_stage or deal.status != old_status:
                suggestion = suggested_response_for(
                    old_stage_order=stage_order.get(old_stage),
                    new_stage_order=stage_order.get(deal.stage_id),
                    status=deal.status,
                )
                if suggestion:
                    moved[deal.pk] = suggestion
        Deal.objects.bulk_create(to_create, batch_size=500)
        Deal.objects.bulk_update(to_update, [*DEAL_FIELDS, "updated_at"], batch_size=500)
        report.deals.created, report.deals.updated = len(to_create), len(to_update)
        if to_update:
            touched_techniques |= set(
                Practice.objects.filter(deal__in=to_update).values_list("technique_id", flat=True).distinct()
            )

        if checked_practices:
            deal_pk = dict(
                Deal.objects.filter(
                    external_id__in={r.deal_external_id for r in checked_practices if r.deal_external_id}
                ).values_list("external_id", "pk")
            )
            known = {
                p.external_id: p
                for p in Practice.objects.filter(external_id__in=[r.external_id for r in checked_practices])
            }
            new_practices, answered = [], []
            now = timezone.now()
            for row in progress(checked_practices, desc="write practices", total=len(checked_practices)):
                current = known.get(row.external_id)
                response = row.values["response"]
                if current is not None:
                    if current.response == Response.PENDING and response != Response.PENDING:
                        current.response, current.responded_at, current.suggested_response = response, now, ""
                        answered.append(current)
                        touched_techniques.add(current.technique_id)
                    else:
                        report.practices.unchanged += 1
                    continue
                new_practices.append(
                    Practice(
                        rep=row.rep,
                        technique=row.technique,
                        deal_id=deal_pk.get(row.deal_external_id),
                        stage=row.values["stage"],
                        persona=row.values["persona"],
                        practised_at=row.values["practised_at"],
                        response=response,
                        responded_at=now if response != Response.PENDING else None,
                        note=row.values["note"],
                        note_html=render_markdown(row.values["note"]),
                        source=PracticeSource.IMPORT,
                        external_id=row.external_id,
                    )
                )
                touched_techniques.add(row.technique.pk)
            Practice.objects.bulk_create(new_practices, batch_size=500)
            Practice.objects.bulk_update(answered, ["response", "responded_at", "suggested_response"], batch_size=500)
            report.practices.created, report.practices.updated = len(new_practices), len(answered)

        report.followups = followups_ask(moved=moved)
        if touched_techniques:
            schedule_recompute(sorted(touched_techniques))
        if actor is not None and report.changed:
            notify(recipient=actor, kind="import.finished", title="Deals import finished", body=report.summary())
    return report
