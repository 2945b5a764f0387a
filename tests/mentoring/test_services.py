"""The mentorship lifecycle, stored matches, fit checks and cohort assignments, through the services."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring import selectors, services
from mentoring.models import AssignmentProposal, CheckIn, MatchScore, MenteeProfile, Mentorship
from notifications.models import Notification
from tests.factories import make_user

from .helpers import activate, log_practices, make_mentee, make_mentor, make_technique

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.fixture
def boss(db):
    return make_user("boss", roles=("manager",), display_name="Dana Okafor")


# --- Requests and answers ------------------------------------------------------------------------


def test_request_accept_notifies_each_step(boss):
    sofia = make_mentor("sofia", display_name="Sofia Lindqvist")
    nina = make_mentee("nina", display_name="Nina Patel", manager=boss)
    m, created = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina, message="Discovery help")
    assert created and m.status == Mentorship.Status.REQUESTED
    assert titles(sofia) == ["Nina Patel asked you to be their mentor"]
    services.mentorship_accept(mentorship=m, by=sofia)
    m.refresh_from_db()
    assert m.status == Mentorship.Status.ACTIVE and m.started_at is not None
    assert "Sofia Lindqvist accepted: your mentorship has started" in titles(nina)
    assert "Sofia Lindqvist now mentors Nina Patel" in titles(boss)


def test_a_request_keeps_what_the_matcher_said_even_outside_the_stored_list():
    sofia = make_mentor("sofia", skills={"Discovery questioning": 3})
    nina = make_mentee("nina", goals=("Discovery questioning",))
    MatchScore.objects.all().delete()  # e.g. a mentor beyond the mentee's stored best, or not computed yet
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    assert m.match_score is not None and m.match_score > 0
    assert any("Discovery questioning" in r for r in m.match_reasons)
    # The snapshot agrees with the stored list when there is one.
    services.mentorship_withdraw(mentorship=m, by=nina)
    services.matches_refresh(mentee_ids=[nina.pk])
    stored = MatchScore.objects.get(mentee=nina, mentor=sofia)
    assert services.match_pair(mentee=nina, mentor=sofia) == (stored.score, stored.reasons)


def test_repeat_request_is_idempotent():
    sofia, nina = make_mentor(), make_mentee()
    first, created = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    again, created_again = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    assert created and not created_again and first.pk == again.pk
    assert Mentorship.objects.count() == 1


def test_decline_needs_a_reason_and_tells_the_mentee():
    sofia, nina = make_mentor(display_name="Sofia"), make_mentee()
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    with pytest.raises(ValidationError) as exc:
        services.mentorship_decline(mentorship=m, by=sofia, reason=" ")
    assert "reason" in exc.value.message_dict
    services.mentorship_decline(mentorship=m, by=sofia, reason="I am full this quarter; ask Samir.")
    m.refresh_from_db()
    assert m.status == Mentorship.Status.DECLINED
    note = Notification.objects.get(recipient=nina, title="Sofia declined your mentoring request")
    assert note.body == "I am full this quarter; ask Samir."
    with pytest.raises(services.Conflict):
        services.mentorship_accept(mentorship=m, by=sofia)
    # A declined pair is not requested again by the mentee.
    with pytest.raises(services.Conflict, match="declined"):
        services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        ("self", ValidationError, "yourself"),
        ("not_mentor", ValidationError, "not a mentor"),
        ("paused", services.Conflict, "not taking new mentees"),
        ("full", services.Conflict, "no free seat"),
        ("pending", services.Conflict, "wait for the answer"),
        ("active", services.Conflict, "already has a mentor"),
    ],
)
def test_requests_that_cannot_be_made(setup, error, message):
    nina = make_mentee()
    mentor = make_mentor(capacity=1, accepting=setup != "paused")
    if setup == "self":
        mentor = nina
    elif setup == "not_mentor":
        mentor = make_user()
    elif setup == "full":
        activate(make_mentee(), mentor)
    elif setup == "pending":
        services.mentorship_request(mentee=nina, mentor=make_mentor(), requested_by=nina)
    elif setup == "active":
        activate(nina, make_mentor())
    with pytest.raises(error, match=message):
        services.mentorship_request(mentee=nina, mentor=mentor, requested_by=nina)


def test_accept_refuses_beyond_capacity():
    sofia = make_mentor(capacity=1)
    nina = make_mentee()
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    # Capacity lowered after the request: the request waits, the accept is refused.
    activate(make_mentee(), sofia)
    with pytest.raises(services.Conflict, match="at capacity"):
        services.mentorship_accept(mentorship=m, by=sofia)


def test_withdraw_and_end_and_complete(boss):
    sofia = make_mentor(display_name="Sofia")
    nina = make_mentee(display_name="Nina", manager=boss)
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    services.mentorship_withdraw(mentorship=m, by=nina)
    assert Mentorship.objects.get(pk=m.pk).status == Mentorship.Status.WITHDRAWN
    assert "Nina's mentoring request was withdrawn" in titles(sofia)
    active = activate(nina, sofia)
    with pytest.raises(ValidationError):
        services.mentorship_end_early(mentorship=active, by=nina, reason="")
    services.mentorship_end_early(mentorship=active, by=nina, reason="Moving to the partner team.")
    active.refresh_from_db()
    assert active.status == Mentorship.Status.ENDED_EARLY and active.end_reason == "Moving to the partner team."
    assert any("ended early" in t for t in titles(sofia)) and any("ended early" in t for t in titles(boss))
    other = activate(nina, make_mentor())
    services.mentorship_complete(mentorship=other, by=boss)
    assert Mentorship.objects.get(pk=other.pk).status == Mentorship.Status.COMPLETED
    with pytest.raises(services.Conflict):
        services.mentorship_complete(mentorship=other, by=boss)


# --- Goals, check-ins and the fit check -------------------------------------------------------------


def test_goals_and_checkins_validate_and_notify():
    sofia, nina = make_mentor(display_name="Sofia"), make_mentee(display_name="Nina")
    m = activate(nina, sofia)
    with pytest.raises(ValidationError) as exc:
        services.goal_create(mentorship=m, by=sofia, title="", target_date=timezone.localdate() - timedelta(days=1))
    assert set(exc.value.message_dict) == {"title", "target_date"}
    goal = services.goal_create(mentorship=m, by=sofia, title="Quantify pain on every discovery call")
    assert "New goal: Quantify pain on every discovery call" in titles(nina)
    services.goal_update(goal=goal, by=nina, status="achieved")
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, by=nina, status="done-ish")
    with pytest.raises(ValidationError):
        services.checkin_schedule(mentorship=m, by=sofia, scheduled_for=timezone.now() - timedelta(days=1))
    when = timezone.now() + timedelta(days=2)
    checkin = services.checkin_schedule(mentorship=m, by=sofia, scheduled_for=when)
    # Nina (New York) reads the time in her own zone.
    local = when.astimezone(ZoneInfo("America/New_York"))
    assert f"Check-in scheduled for {local:%a %d %b, %H:%M} (America/New_York)" in titles(nina)
    with pytest.raises(ValidationError):
        services.checkin_complete(checkin=checkin, by=sofia, notes="  ")
    services.checkin_complete(
        checkin=checkin, by=sofia, notes="Role-played the budget question.", next_steps="- Ask it"
    )
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.DONE and "<li>Ask it</li>" in checkin.next_steps_html
    # The first completed check-in invites both to rate the fit.
    assert any("how is the fit" in t for t in titles(nina))
    with pytest.raises(services.Conflict):
        services.checkin_complete(checkin=checkin, by=sofia, notes="again")


def test_fit_check_poor_fit_offers_a_rematch_and_tells_the_manager(boss):
    sofia = make_mentor(display_name="Sofia", skills={"Discovery questioning": 3})
    samir = make_mentor(display_name="Samir", skills={"Discovery questioning": 2})
    nina = make_mentee(display_name="Nina", manager=boss)
    m = activate(nina, sofia)
    with pytest.raises(services.Conflict, match="first check-in"):
        services.fit_rate(mentorship=m, by=nina, rating=2)
    CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now(), status=CheckIn.Status.DONE, notes="ok")
    with pytest.raises(ValidationError):
        services.fit_rate(mentorship=m, by=nina, rating=7)
    services.fit_rate(mentorship=m, by=sofia, rating=4)
    services.fit_rate(mentorship=m, by=nina, rating=2, comment="Our calendars barely overlap.")
    m.refresh_from_db()
    assert m.fit == Mentorship.Fit.POOR
    assert "Not the right fit? You can ask for a new mentor" in titles(nina)
    assert "Poor fit reported: Sofia and Nina" in titles(boss)
    with pytest.raises(services.Conflict, match="already rated"):
        services.fit_rate(mentorship=m, by=nina, rating=3)
    # The re-match excludes the old pair...
    assert [s.mentor_id for s in selectors.matches_for(mentee=nina)] == [samir.pk]
    with pytest.raises(services.Conflict, match="already mentors"):
        services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    # ...and the new mentorship replaces the old one when the new mentor accepts.
    new, _ = services.mentorship_request(mentee=nina, mentor=samir, requested_by=nina)
    assert new.origin == Mentorship.Origin.REMATCH and new.replaces_id == m.pk
    services.mentorship_accept(mentorship=new, by=samir)
    m.refresh_from_db()
    assert m.status == Mentorship.Status.ENDED_EARLY
    assert Mentorship.objects.get(pk=new.pk).status == Mentorship.Status.ACTIVE


def test_good_fit_when_both_rate_well():
    sofia, nina = make_mentor(), make_mentee()
    m = activate(nina, sofia)
    CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now(), status=CheckIn.Status.DONE, notes="ok")
    services.fit_rate(mentorship=m, by=sofia, rating=5)
    services.fit_rate(mentorship=m, by=nina, rating=4)
    m.refresh_from_db()
    assert m.fit == Mentorship.Fit.GOOD


# --- Stored matches -------------------------------------------------------------------------------------


def test_matches_are_stored_and_capacity_applies_at_read_time():
    sofia = make_mentor("sofia", capacity=1)
    samir = make_mentor("samir", skills={"Negotiation": 3})
    make_mentor("paused", accepting=False)
    nina = make_mentee(goals=("Discovery questioning",))
    assert services.matches_refresh(mentee_ids=[nina.pk]) == 1
    stored = list(MatchScore.objects.filter(mentee=nina).values_list("mentor__username", flat=True))
    assert stored == ["sofia", "samir"]  # the paused mentor is never stored
    assert MenteeProfile.objects.get(user=nina).matches_computed_at is not None
    # Sofia becomes full: she drops out of the list without recomputing.
    activate(make_mentee(), sofia)
    assert [s.mentor_id for s in selectors.matches_for(mentee=nina)] == [samir.pk]


def test_full_favourites_never_empty_the_stored_list(settings):
    settings.MENTORING_STORED_MATCHES = 2
    stars = [make_mentor(f"star{i}", capacity=1, skills={"Discovery questioning": 3}) for i in range(3)]
    for star in stars:
        activate(make_mentee(goals=()), star)  # every best match is full
    spare = make_mentor("spare", skills={"Negotiation": 1})
    nina = make_mentee("nina", goals=("Discovery questioning",))
    services.matches_refresh(mentee_ids=[nina.pk])
    assert [s.mentor_id for s in selectors.matches_for(mentee=nina)] == [spare.pk]
    # The full ones stay stored (best overall): one frees a seat and shows again at once.
    Mentorship.objects.filter(mentor=stars[0]).update(status=Mentorship.Status.COMPLETED)
    assert [s.mentor_id for s in selectors.matches_for(mentee=nina)] == [stars[0].pk, spare.pk]


def test_gaps_and_technique_evidence_feed_the_matcher():
    sofia = make_mentor("sofia", skills={"Discovery questioning": 3})
    make_mentor("other", skills={"Prospecting": 3})
    nina = make_mentee(goals=())
    peer = make_user("peer")
    technique = make_technique(sofia, stage_name="Discovery", skills=("Discovery questioning",))
    make_technique(sofia, stage_name="Discovery", skills=("Discovery questioning",), evidence="promising")
    make_technique(sofia, stage_name="Discovery", evidence="not_enough_data")
    log_practices(nina, technique, stage_name="Discovery", successes=3, failures=7)  # 30% on 10
    log_practices(peer, technique, stage_name="Discovery", successes=18, failures=22)  # 45% on 40
    services.matches_refresh(mentee_ids=[nina.pk])
    gaps = MenteeProfile.objects.get(user=nina).inferred_gaps
    assert gaps == [
        {
            "stage_id": gaps[0]["stage_id"],
            "stage": "Discovery",
            "rate": 0.3,
            "team_rate": 0.45,
            "decided": 10,
            "team_decided": 40,
        }
    ]
    best = selectors.matches_for(mentee=nina)[0]
    assert best.mentor_id == sofia.pk
    assert best.reasons[0] == "coaches discovery (your weakest stage, 30% vs team 45%)"
    assert "1 proven and 1 promising techniques" in best.reasons


def test_mentee_profile_save_validates_and_recomputes():
    make_mentor("sofia")
    nina = make_user("nina", roles=("new_hire",))
    with pytest.raises(ValidationError) as exc:
        services.mentee_profile_save(user=nina, goals=[], preferred_style="shouting", languages=["xx"])
    assert set(exc.value.message_dict) == {"preferred_style", "languages"}
    services.mentee_profile_save(user=nina, goals=[], languages=["es", "en"], timezone_name="America/Mexico_City")
    nina.refresh_from_db()
    assert nina.timezone == "America/Mexico_City"
    assert MatchScore.objects.filter(mentee=nina).count() == 1


def test_mentor_profile_save_validates():
    sofia = make_user("sofia", roles=("mentor",))
    with pytest.raises(ValidationError) as exc:
        services.mentor_profile_save(
            user=sofia, capacity=3, accepting=True, languages=["en"], styles=["yelling"], how_i_coach="", skills={}
        )
    assert set(exc.value.message_dict) == {"skills", "styles"}
    with pytest.raises(ValidationError):
        services.mentor_profile_save(
            user=make_user(), capacity=3, accepting=True, languages=[], styles=[], how_i_coach="", skills={1: 2}
        )


# --- Cohort assignment ---------------------------------------------------------------------------------


def test_assignment_respects_capacity_and_active_mentorships(boss):
    sofia = make_mentor("sofia", capacity=2)
    samir = make_mentor("samir", capacity=1)
    make_mentor("paused", accepting=False)
    full = make_mentor("full", capacity=1)
    activate(make_mentee("busy"), full)
    hires = [make_mentee(f"hire{i}") for i in range(5)]
    already = make_mentee("already")
    activate(already, samir)
    waiting = make_mentee("waiting")
    services.mentorship_request(mentee=waiting, mentor=sofia, requested_by=waiting)
    proposal = services.assignment_propose(by=boss)
    pairs = list(proposal.pairs.all())
    mentors = [p.mentor.username for p in pairs]
    assert {"paused", "full"}.isdisjoint(mentors)
    # Seats: Sofia 2 - 1 pending = 1, Samir 1 - 1 active = 0 -> one mentee placed.
    assert mentors == ["sofia"] and proposal.seat_count == 1
    placed = {p.mentee_id for p in pairs}
    assert already.pk not in placed and waiting.pk not in placed and "busy" not in [p.mentee.username for p in pairs]
    assert len(proposal.unassigned) == proposal.mentee_count - 1 == 4
    assert all(p.reasons for p in pairs) and proposal.total_score == pytest.approx(sum(p.score for p in pairs))
    assert Mentorship.objects.filter(status="requested").count() == 1  # nothing sent before confirmation
    assert {h.pk for h in hires} >= placed


def test_assignment_only_reassigns_active_mentees_when_asked(boss):
    sofia = make_mentor("sofia", capacity=2)
    samir = make_mentor("samir", capacity=2)
    nina = make_mentee("nina")
    current = activate(nina, samir)
    assert services.assignment_propose(by=boss, mentee_ids=[nina.pk]).mentee_count == 0
    proposal = services.assignment_propose(by=boss, mentee_ids=[nina.pk], include_active=True)
    pair = proposal.pairs.get()
    assert pair.mentor_id == sofia.pk  # never the current mentor
    services.assignment_confirm(proposal=proposal, by=boss)
    request = Mentorship.objects.get(mentee=nina, status="requested")
    assert request.replaces_id == current.pk and request.origin == Mentorship.Origin.ASSIGNMENT
    services.mentorship_accept(mentorship=request, by=sofia)
    assert Mentorship.objects.get(pk=current.pk).status == Mentorship.Status.ENDED_EARLY


def test_confirm_sends_requests_and_skips_pairs_whose_state_moved(boss):
    sofia = make_mentor("sofia", capacity=1)
    samir = make_mentor("samir", capacity=1, skills={"Negotiation": 3})
    nina = make_mentee("nina", goals=("Discovery questioning",))
    liam = make_mentee("liam", goals=("Negotiation",))
    proposal = services.assignment_propose(by=boss)
    assert {(p.mentee_id, p.mentor_id) for p in proposal.pairs.all()} == {(nina.pk, sofia.pk), (liam.pk, samir.pk)}
    # Meanwhile Samir's seat is taken.
    activate(make_mentee(), samir)
    done = services.assignment_confirm(proposal=proposal, by=boss)
    assert done.status == AssignmentProposal.Status.CONFIRMED
    assert [s["mentee"] for s in done.skipped] == [liam.name]
    sent = Mentorship.objects.get(mentee=nina, mentor=sofia)
    pair = proposal.pairs.get(mentee=nina)
    assert sent.status == "requested"
    # The request carries what the manager reviewed (no re-scoring per pair at confirmation).
    assert (sent.match_score, sent.match_reasons) == (pair.score, pair.reasons)
    assert any("proposed Sofia" in t or "proposed" in t for t in titles(nina))
    with pytest.raises(services.Conflict):
        services.assignment_confirm(proposal=proposal, by=boss)


def test_assignment_validates_the_cohort(boss):
    with pytest.raises(ValidationError) as exc:
        services.assignment_propose(by=boss, mentee_ids=[999999])
    assert "mentee_ids" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.assignment_propose(by=boss, started_within_days=0)
    with pytest.raises(ValidationError):
        services.assignment_propose(by=boss, mentee_ids=[])
