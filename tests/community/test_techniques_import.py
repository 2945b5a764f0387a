"""CRM imports: all-or-nothing, every bad row named, idempotent, and "what happened?" follow-ups."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from community.models import Deal, Practice, Response
from community.techniques.imports import import_deals
from notifications.models import Notification
from tests.community.techniques_helpers import browser, clean_outcome_settings_cache, deal, published  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = "id,name,account,amount,currency,stage,status,owner_email,created_date,closed_date\n"
GOOD = (
    HEADER
    + "006A1,Acme renewal,Acme,48000,USD,Negotiation,open,rainmaker@example.com,2026-03-02,\n"
    + '006A2,Helios expansion,Helios Health,"125,000.00",eur,Discovery,open,newhire@example.com,2026-04-10,\n'
    + "006A3,Brightline pilot,Brightline Bank,9000,USD,Closing,won,rainmaker@example.com,2026-01-05,2026-02-20\n"
)


@pytest.fixture
def team(rainmaker, newhire):
    return rainmaker, newhire


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_the_command_imports_and_a_second_run_changes_nothing(team, tmp_path):
    path = write(tmp_path, "deals.csv", GOOD)
    out = StringIO()
    call_command("import_deals", path, "--quiet", stdout=out)
    assert "Deals: 3 new, 0 updated, 0 unchanged." in out.getvalue()
    helios = Deal.objects.get(external_id="006A2")
    assert (str(helios.amount), helios.currency, helios.stage.slug, helios.owner.username) == (
        "125000.00",
        "EUR",
        "discovery",
        "newhire",
    )
    assert Deal.objects.get(external_id="006A3").status == "won"
    before = list(Deal.objects.order_by("pk").values_list("pk", "updated_at", "imported_at"))
    out = StringIO()
    call_command("import_deals", path, "--quiet", stdout=out)
    assert "Deals: 0 new, 0 updated, 3 unchanged." in out.getvalue()
    assert list(Deal.objects.order_by("pk").values_list("pk", "updated_at", "imported_at")) == before


def test_the_command_shows_a_progress_bar(team, tmp_path):
    err = StringIO()
    call_command("import_deals", write(tmp_path, "deals.csv", GOOD), stdout=StringIO(), stderr=err)
    assert "check deals" in err.getvalue() and "100%" in err.getvalue()


def test_one_bad_row_aborts_everything_and_every_bad_row_is_named(team, tmp_path):
    bad = (
        GOOD
        + "006A4,Zenith,Zenith,abc,USD,Discovery,open,rainmaker@example.com,2026-04-01,\n"
        + "006A1,Duplicate,Acme,1,USD,Discovery,open,rainmaker@example.com,2026-04-01,\n"
        + "006A5,Lost deal,Lumen,1000,USD,Proposal,lost,ghost@example.com,2026-04-01,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 3 row"):
        call_command("import_deals", write(tmp_path, "deals.csv", bad), "--quiet", stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert "deals.csv, line 5, amount: “abc” is not an amount" in text
    assert "line 6, id: Opportunity 006A1 appears twice (also on line 2)" in text
    assert "line 7, owner_email: No active team member has the e-mail ghost@example.com" in text
    assert "line 7, closed_date: A won or lost deal needs its close date" in text
    assert not Deal.objects.exists()


def test_files_that_are_not_csv_or_miss_columns(team):
    report = import_deals(deals=b"\xff\xfe\x00garbage")
    assert not report.ok and "not UTF-8" in report.errors[0].message
    report = import_deals(deals="name,amount\nAcme,5\n")
    assert {e.field for e in report.errors} == {"id", "status", "owner_email"}
    report = import_deals(deals=HEADER)
    assert "no rows" in report.errors[0].message
    report = import_deals(deals="")
    assert "empty" in report.errors[0].message


def test_salesforce_column_titles_are_understood(team):
    export = (
        "Opportunity ID,Opportunity Name,Account Name,Amount,Currency ISO Code,Stage,Status,"
        "Opportunity Owner Email,Created Date,Close Date\n"
        "0065g00000XyZ1,Cobalt rollout,Cobalt,50000,USD,Closed Won,Closed Won,rainmaker@example.com,"
        "2026-01-02,2026-03-01\n"
    )
    report = import_deals(deals=export)
    assert report.ok, report.errors
    d = Deal.objects.get()
    assert (d.status, d.stage.slug, d.name) == ("won", "closing", "Cobalt rollout")


def test_practices_file_idempotent_and_validated(team):
    rainmaker, newhire = team
    t = published(rainmaker, title="Mutual action plan")
    practices_csv = (
        "technique,rep_email,deal_id,date,response,note\n"
        f"{t.slug},newhire@example.com,006A2,2026-04-12,pending,\n"
        f"{t.slug},rainmaker@example.com,006A1,2026-03-05,next_step_agreed,Went **well**\n"
    )
    report = import_deals(deals=GOOD, practices=practices_csv)
    assert report.ok, report.errors
    assert (report.practices.created, report.practices.unchanged) == (2, 0)
    practice = Practice.objects.get(rep=rainmaker)
    assert practice.source == "import" and practice.external_id.startswith("csv:")
    assert practice.deal.external_id == "006A1" and practice.note_html == "<p>Went <strong>well</strong></p>"
    again = import_deals(deals=GOOD, practices=practices_csv)
    assert (again.practices.created, again.practices.unchanged, again.deals.unchanged) == (0, 2, 3)
    assert Practice.objects.count() == 2
    # The pending practice answered in a later export: same practice, now decided.
    answered = practices_csv.replace(",pending,", ",meeting_booked,")
    report = import_deals(deals=GOOD, practices=answered)
    assert report.practices.updated == 1 and Practice.objects.count() == 2
    assert Practice.objects.get(rep=newhire).response == "meeting_booked"

    bad = (
        "technique,rep_email,deal_id,date,response\n"
        "no-such-technique,newhire@example.com,006A2,2026-04-12,won\n"
        f"{t.slug},newhire@example.com,NOPE,2026-04-12,won\n"
        f"{t.slug},newhire@example.com,006A2,12/04/2026,delighted\n"
        f"{t.slug},newhire@example.com,006A2,2999-01-01,won\n"
    )
    report = import_deals(deals=GOOD, practices=bad)
    errors = {(e.file, e.line, e.field) for e in report.errors}
    assert errors == {
        ("practices", 2, "technique"),
        ("practices", 3, "deal_id"),
        ("practices", 4, "date"),
        ("practices", 4, "response"),
        ("practices", 5, "date"),
    }
    assert Practice.objects.count() == 2


def test_a_moved_deal_asks_the_rep_what_happened(team):
    rainmaker, newhire = team
    t = published(rainmaker, title="Mutual action plan", stage_slug="proposal")
    import_deals(deals=GOOD)
    helios = Deal.objects.get(external_id="006A2")
    pending = Practice.objects.create(rep=newhire, technique=t, deal=helios, stage=t.stage, response=Response.PENDING)
    decided = Practice.objects.create(rep=newhire, technique=t, deal=helios, stage=t.stage, response=Response.LOST)
    moved = GOOD.replace(
        'Helios Health,"125,000.00",eur,Discovery,open', 'Helios Health,"125,000.00",eur,Proposal,open'
    )
    report = import_deals(deals=moved)
    assert (report.deals.updated, report.deals.unchanged, report.followups) == (1, 2, 1)
    pending.refresh_from_db()
    decided.refresh_from_db()
    assert pending.suggested_response == "stage_advanced" and decided.suggested_response == ""
    note = Notification.objects.get(recipient=newhire, kind="practice.followup")
    assert "likely: stage advanced" in note.title and note.url == f"/practice/#followup-{pending.pk}"
    won = moved.replace(
        "Proposal,open,newhire@example.com,2026-04-10,", "Closing,won,newhire@example.com,2026-04-10,2026-05-01"
    )
    import_deals(deals=won)
    pending.refresh_from_db()
    assert pending.suggested_response == "won"
    assert Notification.objects.filter(recipient=newhire, kind="practice.followup").count() == 2


def test_the_upload_page_is_for_managers(client_for, team, manager):
    _rainmaker, newhire = team
    assert browser(client_for, newhire).get("/techniques/import/").status_code == 403
    page = browser(client_for, manager)
    assert page.get("/techniques/import/").status_code == 200
    response = page.post("/techniques/import/", {"deals": SimpleUploadedFile("deals.csv", GOOD.encode())})
    assert response.status_code == 200 and "3 new" in response.content.decode()
    bad = GOOD + "006A9,,Acme,1,USD,Discovery,open,rainmaker@example.com,2026-04-01,\n"
    response = page.post("/techniques/import/", {"deals": SimpleUploadedFile("deals.csv", bad.encode())})
    html = response.content.decode()
    assert response.status_code == 422 and "Nothing was imported" in html and "The opportunity name is empty." in html
    assert Deal.objects.count() == 3
    response = page.post("/techniques/import/", {})
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    assert Notification.objects.filter(recipient=manager, kind="import.finished").count() == 1


def test_deal_owner_can_be_picked_in_i_used_this(client_for, team):
    rainmaker, newhire = team
    t = published(rainmaker, title="T")
    mine = deal(newhire, name="Helios renewal")
    deal(rainmaker, name="Someone else's deal")
    html = browser(client_for, newhire).get(t.url).content.decode()
    assert "Helios renewal" in html and "Someone else&#x27;s deal" not in html and mine.pk


def test_the_summary_reads_as_a_sentence():
    from community.techniques.imports import Counts, ImportReport, RowError

    one = ImportReport(errors=[RowError(file="deals", line=3, field="stage", message="Unknown stage")])
    assert one.summary() == "Nothing was imported: 1 row has a problem. Fix them and import the files again."
    two = ImportReport(
        errors=[RowError(file="deals", line=3, field="stage", message="x"), RowError("deals", 4, "amount", "y")]
    )
    assert "2 rows have problems" in two.summary()
    done = ImportReport(deals=Counts(rows=3, created=3), followups=1)
    assert done.summary() == "Deals: 3 new, 0 updated, 0 unchanged. 1 rep follow-up asked."
