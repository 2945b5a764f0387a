"""State changes for mentoring: profiles, stored matches, the mentorship lifecycle, goals,
check-ins, fit checks and cohort assignments.

Permissions are checked by the callers (views, API) with accounts.policy; these functions
check the STATE (is the request still open? is there a free seat?) and raise
`ValidationError` for bad input and `Conflict` when the state does not allow the change.
Notifications go out at each step of the lifecycle.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.markdown import render_markdown
from core.tasks import enqueue_on_commit
from notifications.services import notify
from taxonomy.models import SkillTag

from . import conf, matching, selectors
from .models import (
    LANGUAGES,
    AssignmentProposal,
    CheckIn,
    CoachingStyle,
    FitRating,
    Goal,
    MatchScore,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorSkill,
    PreferredTime,
    ProposedPair,
    SkillLevel,
)

PROGRAMME_VERSION_KEY = "mentoring:programme:version"
SCORE_CHUNK = 500  # mentees scored at once (bounds memory: parts are chunk x mentors)


class Conflict(Exception):
    """The change is valid input but the current state does not allow it (HTTP 409)."""


# --- Helpers -------------------------------------------------------------------------------------


def _programme_changed() -> None:
    """Programme numbers are cached; a lifecycle change makes the next read recompute them."""

    def bump() -> None:
        try:
            cache.incr(PROGRAMME_VERSION_KEY)
        except ValueError:
            cache.set(PROGRAMME_VERSION_KEY, 1, None)

    transaction.on_commit(bump)


def _managers_of(mentee: User) -> list[User]:
    """Who hears about a mentee's mentoring: their manager, or every manager when they have none."""
    if mentee.manager_id:
        manager = User.objects.filter(pk=mentee.manager_id, is_active=True).first()
        if manager:
            return [manager]
    return list(User.objects.filter(is_active=True, is_manager=True))


def _lock_mentor(mentor: User) -> MentorProfile:
    try:
        return MentorProfile.objects.select_for_update().get(user=mentor)
    except MentorProfile.DoesNotExist as exc:
        raise ValidationError({"mentor_id": f"{mentor.name} has not set up a mentor profile yet."}) from exc


def _seats_taken(mentor: User) -> int:
    return Mentorship.objects.occupying().filter(mentor=mentor).count()


# --- Coaching thread (live discussion) ----------------------------------------------------------
# The thread hangs off the mentorship (community.discussion's generic parent), private to
# `private_member_ids()`; the discussion app's policy admits members only.


def _coaching_thread_open(mentorship: Mentorship) -> None:
    """Open the private coaching thread of a mentorship that just became active.

    Idempotent: a mentorship has one thread (attached to it), whose members are the pair and,
    if the mentee agreed, their manager.
    """
    from community.discussion_services import thread_create_private

    thread_create_private(
        title=f"Coaching: {mentorship.mentee.name} & {mentorship.mentor.name}",
        members=User.objects.filter(pk__in=mentorship.private_member_ids()),
        parent=mentorship,
        created_by=mentorship.mentor,
    )
    _coaching_thread_sync(mentorship)


def _coaching_thread_sync(mentorship: Mentorship) -> None:
    """Keep the thread's members equal to `mentorship.private_member_ids()`.

    Someone who loses access (the mentee withdrew their manager's access) is removed at once:
    their open connections to the thread are closed.
    """
    from community.discussion_services import thread_add_member, thread_for_object, thread_remove_member
    from community.models import ThreadMember

    thread = thread_for_object(mentorship, create=False)
    if thread is None:
        return
    wanted = mentorship.private_member_ids()
    current = set(ThreadMember.objects.filter(thread=thread).values_list("user_id", flat=True))
    for user in User.objects.filter(pk__in=wanted - current):
        thread_add_member(thread=thread, user=user)
    for user in User.objects.filter(pk__in=current - wanted):
        thread_remove_member(thread=thread, user=user)


def _coaching_thread_archive(mentorship: Mentorship, *, verb: str) -> None:
    """A mentorship that ended keeps its coaching thread as a read-only record for its members."""
    from community.discussion_services import thread_archive, thread_for_object

    thread = thread_for_object(mentorship, create=False)
    if thread is not None:
        thread_archive(
            thread=thread,
            detail=f"This mentorship was {verb}: its coaching thread stays readable; no new messages can be posted.",
        )


# --- Profiles ------------------------------------------------------------------------------------


def _clean_languages(languages: Iterable[str]) -> list[str]:
    codes = [str(c).strip() for c in languages if str(c).strip()]
    valid = {code for code, _ in LANGUAGES}
    unknown = [c for c in codes if c not in valid]
    if unknown:
        raise ValidationError({"languages": f"Unknown language code(s): {', '.join(unknown)}."})
    return list(dict.fromkeys(codes))


def mentor_profile_save(
    *,
    user: User,
    capacity: int,
    accepting: bool,
    languages: Sequence[str],
    styles: Sequence[str],
    how_i_coach: str,
    skills: dict[int, int],
    timezone_name: str | None = None,
    region: str | None = None,
) -> MentorProfile:
    """Create or update a mentor's profile; `skills` maps skill id -> level (1-3)."""
    if not user.is_mentor:
        raise ValidationError("Only mentors have a mentor profile; ask a manager to give you the mentor role.")
    errors: dict[str, list[str]] = {}
    known = set(SkillTag.objects.filter(pk__in=list(skills)).values_list("pk", flat=True))
    if set(skills) - known:
        errors.setdefault("skills", []).append("Choose skills from the list.")
    if any(level not in SkillLevel.values for level in skills.values()):
        errors.setdefault("skills", []).append("Levels are 1 (basics), 2 (strong) or 3 (expert).")
    if not skills:
        errors.setdefault("skills", []).append("Pick at least one skill you can coach.")
    bad_styles = [s for s in styles if s not in CoachingStyle.values]
    if bad_styles:
        errors.setdefault("styles", []).append(f"Unknown style(s): {', '.join(bad_styles)}.")
    try:
        languages = _clean_languages(languages)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _ = MentorProfile.objects.select_for_update().get_or_create(user=user)
        profile.capacity = capacity
        profile.accepting = accepting
        profile.languages = languages
        profile.styles = list(dict.fromkeys(styles))
        profile.how_i_coach = how_i_coach
        profile.how_i_coach_html = render_markdown(how_i_coach)
        profile.updated_at = timezone.now()
        profile.full_clean(exclude=["user"])
        profile.save()
        MentorSkill.objects.filter(profile=profile).exclude(skill_id__in=list(skills)).delete()
        existing = {ms.skill_id: ms for ms in MentorSkill.objects.filter(profile=profile)}
        for skill_id, level in skills.items():
            if skill_id in existing:
                if existing[skill_id].level != level:
                    existing[skill_id].level = level
                    existing[skill_id].save(update_fields=["level"])
            else:
                MentorSkill.objects.create(profile=profile, skill_id=skill_id, level=level)
        _update_user_location(user, timezone_name, region)
        _programme_changed()
        # Every mentee's list may change: recompute in the background.
        from .tasks import refresh_matches

        enqueue_on_commit(refresh_matches)
    return profile


def _update_user_location(user: User, timezone_name: str | None, region: str | None) -> None:
    fields = []
    if timezone_name is not None and timezone_name != user.timezone:
        user.timezone = timezone_name
        fields.append("timezone")
    if region is not None and region != user.region:
        user.region = region
        fields.append("region")
    if fields:
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=fields)


def mentee_profile_save(
    *,
    user: User,
    goals: Iterable[SkillTag],
    preferred_style: str = "",
    preferred_time: str = PreferredTime.ANY,
    languages: Sequence[str] = (),
    about: str = "",
    share_with_manager: bool = False,
    timezone_name: str | None = None,
) -> MenteeProfile:
    """Create or update a mentee's profile, then recompute their matches."""
    errors: dict[str, list[str]] = {}
    if preferred_style and preferred_style not in CoachingStyle.values:
        errors["preferred_style"] = [f"Choose one of: {', '.join(CoachingStyle.values)}."]
    if preferred_time not in PreferredTime.values:
        errors["preferred_time"] = [f"Choose one of: {', '.join(PreferredTime.values)}."]
    try:
        languages = _clean_languages(languages)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    goals = list(goals)
    if len(goals) > 6:
        errors["goals"] = ["Pick at most six goals: a mentor can help with a few things at a time."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _ = MenteeProfile.objects.select_for_update().get_or_create(user=user)
        profile.preferred_style = preferred_style
        profile.preferred_time = preferred_time
        profile.languages = languages
        profile.about = about
        profile.about_html = render_markdown(about)
        profile.share_with_manager = share_with_manager
        profile.updated_at = timezone.now()
        profile.full_clean(exclude=["user"])
        profile.save()
        profile.goals.set(goals)
        _update_user_location(user, timezone_name, None)
        matches_refresh(mentee_ids=[user.pk])
    return profile


# --- Stored matches ------------------------------------------------------------------------------


def matches_refresh(*, mentee_ids: Sequence[int] | None = None, now: datetime | None = None) -> int:
    """Recompute and store the ranked matches (and inferred gaps) of these mentees (all by default).

    Scores are stored for mentors who accept mentees: per mentee the best MENTORING_STORED_MATCHES
    overall plus the best MENTORING_STORED_MATCHES with a free seat now; capacity is applied when
    the list is read, so a seat that frees up shows at once and full favourites never empty the list.
    Returns the number of mentees refreshed.
    """
    now = now or timezone.now()
    pool = selectors.mentee_pool()
    if mentee_ids is not None:
        # Only people in the pool are matched: new hires, and whoever filled in a mentee profile.
        pool = pool.filter(pk__in=list(mentee_ids))
    mentee_ids = list(pool.values_list("pk", flat=True))
    if not mentee_ids:
        return 0
    profiles = list(selectors.mentor_profiles().filter(accepting=True))
    ctx, rates = selectors.match_context(mentor_ids=[p.user_id for p in profiles])
    mentors = selectors.mentor_features(rates=rates, now=now, profiles=profiles)
    keep = conf.get("MENTORING_STORED_MATCHES")
    with transaction.atomic():
        existing = set(MenteeProfile.objects.filter(user_id__in=mentee_ids).values_list("user_id", flat=True))
        MenteeProfile.objects.bulk_create(
            [MenteeProfile(user_id=uid) for uid in mentee_ids if uid not in existing], ignore_conflicts=True
        )
        for start in range(0, len(mentee_ids), SCORE_CHUNK):
            chunk = mentee_ids[start : start + SCORE_CHUNK]
            mentees = selectors.mentee_features(user_ids=chunk, rates=rates, ctx=ctx, now=now)
            rows: list[MatchScore] = []
            if mentors:
                parts = matching.score_parts(mentees, mentors, ctx)
                scores = matching.total(parts, ctx.weights)
                # Stored regardless of free seats (applied at read time), never for excluded pairs.
                allowed = matching.eligibility(mentees, [_with_seat(mo) for mo in mentors])
                has_seat = np.array([mo.remaining > 0 for mo in mentors], dtype=bool)
                for i, mentee in enumerate(mentees):
                    ranked = [j for j in np.argsort(-scores[i], kind="stable") if allowed[i, j]]
                    # The best `keep` overall (a full mentor shows again when a seat frees up) AND the
                    # best `keep` with a seat now, so full top mentors never empty the list.
                    with_seat = [j for j in ranked if has_seat[j]][:keep]
                    chosen = set(ranked[:keep]) | set(with_seat)
                    candidates = [j for j in ranked if j in chosen]
                    for j in candidates:
                        pair = {p: round(float(parts[p][i, j]), 4) for p in matching.PARTS}
                        rows.append(
                            MatchScore(
                                mentee_id=mentee.user_id,
                                mentor_id=mentors[j].user_id,
                                score=round(float(scores[i, j]) * 100, 1),
                                parts=pair,
                                reasons=matching.explain(mentee, mentors[j], ctx, pair),
                                computed_at=now,
                            )
                        )
            MatchScore.objects.filter(mentee_id__in=chunk).delete()
            MatchScore.objects.bulk_create(rows, batch_size=1000)
            _save_gaps(chunk, {m.user_id: [g.as_dict() for g in m.gaps] for m in mentees}, now)
    return len(mentee_ids)


def _save_gaps(user_ids: Sequence[int], gaps: dict[int, list[dict]], now: datetime) -> None:
    profiles = list(MenteeProfile.objects.filter(user_id__in=list(user_ids)))
    for profile in profiles:
        profile.inferred_gaps = gaps.get(profile.user_id, [])
        profile.matches_computed_at = now
    MenteeProfile.objects.bulk_update(profiles, ["inferred_gaps", "matches_computed_at"], batch_size=500)


def _with_seat(mentor: matching.MentorFeatures) -> matching.MentorFeatures:
    """The same mentor with a free seat (storage ignores capacity; reads apply it)."""
    return matching.MentorFeatures(**{**mentor.__dict__, "remaining": 1})


def matches_ensure(*, mentee: User) -> bool:
    """Compute a mentee's matches the first time they are needed (then they are stored).

    Returns False for someone outside the pool (not a new hire, no mentee profile): they opt in
    by filling in their goals, so a manager browsing "Find a mentor" never joins a cohort.
    """
    state = MenteeProfile.objects.filter(user=mentee).values_list("matches_computed_at", flat=True).first()
    if state is None and not MenteeProfile.objects.filter(user=mentee).exists() and not mentee.is_new_hire:
        return False
    if state is None:
        matches_refresh(mentee_ids=[mentee.pk])
    return True


def match_pair(*, mentee: User, mentor: User, now: datetime | None = None) -> tuple[float, list[str]] | None:
    """One pair's score (0-100) and reasons, computed now: the snapshot a request keeps when the
    stored list does not hold this pair (a mentor outside the mentee's stored best, a manager's
    pick). None when the mentor has no mentor profile."""
    now = now or timezone.now()
    profiles = list(selectors.mentor_profiles().filter(user=mentor))
    if not profiles:
        return None
    ctx, rates = selectors.match_context(mentor_ids=[mentor.pk])
    mentors = selectors.mentor_features(rates=rates, now=now, profiles=profiles)
    mentees = selectors.mentee_features(user_ids=[mentee.pk], rates=rates, ctx=ctx, now=now)
    if not mentees:
        return None
    parts = matching.score_parts(mentees, mentors, ctx)
    values = {p: round(float(parts[p][0, 0]), 4) for p in matching.PARTS}
    score = round(float(matching.total(parts, ctx.weights)[0, 0]) * 100, 1)
    return score, matching.explain(mentees[0], mentors[0], ctx, values)


# --- The lifecycle ---------------------------------------------------------------------------------


def _request_url(m: Mentorship) -> str:
    return reverse("mentoring:request", kwargs={"pk": m.pk})


def _mentorship_url(m: Mentorship) -> str:
    return reverse("mentoring:mentorship", kwargs={"pk": m.pk})


def mentorship_request(
    *,
    mentee: User,
    mentor: User,
    requested_by: User,
    message: str = "",
    origin: str = Mentorship.Origin.REQUEST,
    replaces: Mentorship | None = None,
    match: tuple[float, list[str]] | None = None,
) -> tuple[Mentorship, bool]:
    """Ask `mentor` to mentor `mentee`. Returns (mentorship, created): asking again while the
    first request is waiting returns that request unchanged (idempotent).

    The request keeps the score and reasons the asker saw: `match` when given (a cohort pair),
    else the stored match, else the pair scored now."""
    if mentee.pk == mentor.pk:
        raise ValidationError({"mentor_id": "You cannot mentor yourself; choose someone else."})
    if not mentor.is_active or not mentor.is_mentor:
        raise ValidationError({"mentor_id": f"{mentor.name} is not a mentor."})
    if len(message) > 2000:
        raise ValidationError({"message": "Keep the message under 2,000 characters."})
    # What the matcher says of the pair is read before the mentor's row is locked: scoring a pair
    # outside the stored list reads team-wide success rates, too slow to hold a lock around.
    stored = None if match else MatchScore.objects.filter(mentee=mentee, mentor=mentor).first()
    snapshot = match or ((stored.score, stored.reasons) if stored else match_pair(mentee=mentee, mentor=mentor))
    with transaction.atomic():
        profile = _lock_mentor(mentor)
        existing = Mentorship.objects.filter(mentee=mentee, mentor=mentor, status__in=Mentorship.SEATED).first()
        if existing is not None:
            if existing.status == Mentorship.Status.ACTIVE:
                raise Conflict(f"{mentor.name} already mentors {mentee.name}.")
            return existing, False
        earlier = Mentorship.objects.filter(mentee=mentee, mentor=mentor)
        if earlier.filter(fit=Mentorship.Fit.POOR).exists():
            raise Conflict(f"{mentee.name} and {mentor.name} were rated a poor fit; choose another mentor.")
        if earlier.filter(status=Mentorship.Status.DECLINED).exists() and origin == Mentorship.Origin.REQUEST:
            raise Conflict(f"{mentor.name} declined an earlier request; choose another mentor.")
        if not profile.accepting:
            raise Conflict(f"{mentor.name} is not taking new mentees at the moment; choose another mentor.")
        if _seats_taken(mentor) >= profile.capacity:
            raise Conflict(f"{mentor.name} has no free seat right now; choose another mentor.")
        pending = Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.REQUESTED).select_related("mentor")
        if pending.count() >= conf.get("MENTORING_MAX_PENDING_REQUESTS"):
            first = pending.first()
            raise Conflict(
                f"{mentee.name} already asked {first.mentor.name}; wait for the answer or withdraw that request first."
            )
        active = Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.ACTIVE).first()
        if active is not None and replaces is None:
            if active.fit == Mentorship.Fit.POOR:
                replaces, origin = active, Mentorship.Origin.REMATCH
            else:
                raise Conflict(
                    f"{mentee.name} already has a mentor ({active.mentor.name}); end that mentorship first, "
                    "or ask a manager to reassign."
                )
        mentorship = Mentorship(
            mentee=mentee,
            mentor=mentor,
            requested_by=requested_by,
            origin=origin,
            message=message,
            message_html=render_markdown(message),
            match_score=snapshot[0] if snapshot else None,
            match_reasons=snapshot[1] if snapshot else [],
            replaces=replaces,
            manager_access=_default_manager_access(mentee),
        )
        mentorship.full_clean()
        try:
            with transaction.atomic():
                mentorship.save()
        except IntegrityError as exc:  # a concurrent identical request won the race
            raise Conflict(f"{mentee.name} already has an open request to {mentor.name}.") from exc
        by_manager = requested_by.pk != mentee.pk
        notify(
            recipient=mentor,
            kind="mentoring.request",
            title=(
                f"{requested_by.name} proposes you as {mentee.name}'s mentor"
                if by_manager
                else f"{mentee.name} asked you to be their mentor"
            ),
            url=_request_url(mentorship),
            actor=requested_by,
            body=message,
        )
        if by_manager:
            notify(
                recipient=mentee,
                kind="mentoring.update",
                title=f"{requested_by.name} proposed {mentor.name} as your mentor; waiting for their answer",
                url=_request_url(mentorship),
                actor=requested_by,
            )
        _programme_changed()
    return mentorship, True


def _default_manager_access(mentee: User) -> bool:
    return bool(MenteeProfile.objects.filter(user=mentee, share_with_manager=True).exists())


def _require_status(m: Mentorship, *statuses: str, action: str) -> None:
    if m.status not in statuses:
        raise Conflict(f"This mentorship is {m.get_status_display().lower()}; it can no longer be {action}.")


def mentorship_accept(*, mentorship: Mentorship, by: User) -> Mentorship:
    """The mentor accepts: the mentorship becomes active (ending the one it replaces)."""
    with transaction.atomic():
        profile = _lock_mentor(mentorship.mentor)
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee", "mentor").get(pk=mentorship.pk)
        _require_status(m, Mentorship.Status.REQUESTED, action="accepted")
        active_count = Mentorship.objects.filter(mentor=m.mentor, status=Mentorship.Status.ACTIVE).count()
        if active_count >= profile.capacity:
            raise Conflict(
                f"You are at capacity ({active_count} of {profile.capacity} mentees); "
                "raise your capacity or finish a mentorship first."
            )
        now = timezone.now()
        current = Mentorship.objects.filter(mentee=m.mentee, status=Mentorship.Status.ACTIVE).first()
        if current is not None:
            if m.replaces_id != current.pk:
                raise Conflict(f"{m.mentee.name} already has an active mentor ({current.mentor.name}).")
            _close(
                current, status=Mentorship.Status.ENDED_EARLY, by=by, reason="Replaced by a new mentorship.", now=now
            )
        m.status = Mentorship.Status.ACTIVE
        m.responded_at = m.started_at = now
        m.save(update_fields=["status", "responded_at", "started_at", "updated_at"])
        # Other requests the mentee had waiting are withdrawn: they have a mentor now.
        for other in Mentorship.objects.filter(mentee=m.mentee, status=Mentorship.Status.REQUESTED).select_related(
            "mentor"
        ):
            other.status = Mentorship.Status.WITHDRAWN
            other.responded_at = now
            other.save(update_fields=["status", "responded_at", "updated_at"])
            notify(
                recipient=other.mentor,
                kind="mentoring.request",
                title=f"{m.mentee.name}'s request was withdrawn: they found a mentor",
                url=_request_url(other),
            )
        _coaching_thread_open(m)
        notify(
            recipient=m.mentee,
            kind="mentoring.request",
            title=f"{m.mentor.name} accepted: your mentorship has started",
            url=_mentorship_url(m),
            actor=by,
        )
        for manager in _managers_of(m.mentee):
            notify(
                recipient=manager,
                kind="mentoring.update",
                title=f"{m.mentor.name} now mentors {m.mentee.name}",
                url=reverse("mentoring:programme"),
                actor=by,
            )
        _programme_changed()
        matches_refresh(mentee_ids=[m.mentee_id])
    return m


def mentorship_decline(*, mentorship: Mentorship, by: User, reason: str) -> Mentorship:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": "Tell the mentee why in a few words (they will see it)."})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    with transaction.atomic():
        m = (
            Mentorship.objects.select_for_update(of=("self",))
            .select_related("mentee", "mentor", "requested_by")
            .get(pk=mentorship.pk)
        )
        _require_status(m, Mentorship.Status.REQUESTED, action="declined")
        m.status = Mentorship.Status.DECLINED
        m.decline_reason = reason
        m.responded_at = timezone.now()
        m.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
        notify(
            recipient=m.mentee,
            kind="mentoring.request",
            title=f"{m.mentor.name} declined your mentoring request",
            body=reason,
            url=reverse("mentoring:matches"),
            actor=by,
        )
        if m.requested_by_id and m.requested_by_id != m.mentee_id:
            notify(
                recipient=m.requested_by,
                kind="mentoring.request",
                title=f"{m.mentor.name} declined mentoring {m.mentee.name}",
                body=reason,
                url=reverse("mentoring:programme"),
                actor=by,
            )
        _programme_changed()
        matches_refresh(mentee_ids=[m.mentee_id])
    return m


def mentorship_withdraw(*, mentorship: Mentorship, by: User) -> Mentorship:
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee", "mentor").get(pk=mentorship.pk)
        _require_status(m, Mentorship.Status.REQUESTED, action="withdrawn")
        m.status = Mentorship.Status.WITHDRAWN
        m.responded_at = timezone.now()
        m.save(update_fields=["status", "responded_at", "updated_at"])
        notify(
            recipient=m.mentor,
            kind="mentoring.request",
            title=f"{m.mentee.name}'s mentoring request was withdrawn",
            url=_request_url(m),
            actor=by,
        )
        _programme_changed()
    return m


def _close(m: Mentorship, *, status: str, by: User, reason: str, now: datetime) -> None:
    m.status = status
    m.ended_at = now
    m.end_reason = reason
    m.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    verb = "completed" if status == Mentorship.Status.COMPLETED else "ended early"
    _coaching_thread_archive(m, verb=verb)
    for person in {m.mentor_id: m.mentor, m.mentee_id: m.mentee}.values():
        notify(
            recipient=person,
            kind="mentoring.request",
            title=f"Your mentorship of {m.mentee.name} with {m.mentor.name} was {verb}",
            body=reason,
            url=_mentorship_url(m),
            actor=by,
        )
    for manager in _managers_of(m.mentee):
        notify(
            recipient=manager,
            kind="mentoring.update",
            title=f"{m.mentor.name} and {m.mentee.name}: mentorship {verb}",
            body=reason,
            url=reverse("mentoring:programme"),
            actor=by,
        )


def mentorship_complete(*, mentorship: Mentorship, by: User, note: str = "") -> Mentorship:
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee", "mentor").get(pk=mentorship.pk)
        _require_status(m, Mentorship.Status.ACTIVE, action="completed")
        _close(m, status=Mentorship.Status.COMPLETED, by=by, reason=(note or "").strip()[:1000], now=timezone.now())
        _programme_changed()
        matches_refresh(mentee_ids=[m.mentee_id])
    return m


def mentorship_end_early(*, mentorship: Mentorship, by: User, reason: str) -> Mentorship:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": "Say in a few words why the mentorship ends early."})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee", "mentor").get(pk=mentorship.pk)
        _require_status(m, Mentorship.Status.ACTIVE, action="ended")
        _close(m, status=Mentorship.Status.ENDED_EARLY, by=by, reason=reason, now=timezone.now())
        _programme_changed()
        matches_refresh(mentee_ids=[m.mentee_id])
    return m


def mentorship_set_manager_access(*, mentorship: Mentorship, by: User, allowed: bool) -> Mentorship:
    """The mentee lets their manager see (or stop seeing) goals, check-ins and the thread."""
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee").get(pk=mentorship.pk)
        if m.manager_access != allowed:
            m.manager_access = allowed
            m.save(update_fields=["manager_access", "updated_at"])
            _coaching_thread_sync(m)
    return m


# --- Goals and check-ins ---------------------------------------------------------------------------


def _require_active(m: Mentorship) -> None:
    if m.status != Mentorship.Status.ACTIVE:
        raise Conflict(f"This mentorship is {m.get_status_display().lower()}; goals and check-ins are closed.")


def _tell_other(m: Mentorship, by: User, title, body: str = "") -> None:
    """Tell the other member (both when a third person acts); `title` may be a function of the
    recipient, for wording in their own terms (their time zone)."""
    other = m.mentee if by.pk == m.mentor_id else m.mentor if by.pk == m.mentee_id else None
    recipients = [other] if other else [m.mentor, m.mentee]
    for person in recipients:
        text = title(person) if callable(title) else title
        notify(recipient=person, kind="mentoring.update", title=text, body=body, url=_mentorship_url(m), actor=by)


def _local_time(when: datetime, person: User) -> str:
    """`when` in the person's own time zone, as a check-in notification shows it."""
    try:
        zone = ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return f"{when.astimezone(zone):%a %d %b, %H:%M} ({zone.key})"


def goal_create(
    *, mentorship: Mentorship, by: User, title: str, skill: SkillTag | None = None, target_date: date | None = None
) -> Goal:
    _require_active(mentorship)
    title = (title or "").strip()
    goal = Goal(mentorship=mentorship, title=title, skill=skill, target_date=target_date, created_by=by)
    errors = {}
    if not title:
        errors["title"] = ["Say what the goal is, e.g. “Run discovery calls that end with a quantified pain”."]
    if target_date is not None and target_date < timezone.localdate():
        errors["target_date"] = ["The target date is in the past; pick today or later."]
    if errors:
        raise ValidationError(errors)
    goal.full_clean()
    with transaction.atomic():
        goal.save()
        _tell_other(mentorship, by, f"New goal: {title}")
    return goal


def goal_update(
    *,
    goal: Goal,
    by: User,
    status: str | None = None,
    title: str | None = None,
    target_date: date | None = None,
    clear_target_date: bool = False,
) -> Goal:
    _require_active(goal.mentorship)
    fields = []
    if status is not None:
        if status not in Goal.Status.values:
            raise ValidationError({"status": f"Choose one of: {', '.join(Goal.Status.values)}."})
        goal.status = status
        fields.append("status")
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "A goal needs a title."})
        goal.title = title.strip()
        fields.append("title")
    if target_date is not None or clear_target_date:
        goal.target_date = None if clear_target_date else target_date
        fields.append("target_date")
    if not fields:
        raise ValidationError("Nothing to change: send status, title or target_date.")
    goal.full_clean()
    with transaction.atomic():
        goal.save(update_fields=[*fields, "updated_at"])
        if status is not None:
            _tell_other(goal.mentorship, by, f"Goal “{goal.title}”: {goal.get_status_display().lower()}")
    return goal


def checkin_schedule(*, mentorship: Mentorship, by: User, scheduled_for: datetime, agenda: str = "") -> CheckIn:
    _require_active(mentorship)
    now = timezone.now()
    if scheduled_for < now - timezone.timedelta(minutes=5):
        raise ValidationError({"scheduled_for": "That time has passed; schedule the check-in in the future."})
    if scheduled_for > now + timezone.timedelta(days=365):
        raise ValidationError({"scheduled_for": "Schedule check-ins at most a year ahead."})
    checkin = CheckIn(mentorship=mentorship, scheduled_for=scheduled_for, agenda=(agenda or "").strip(), created_by=by)
    checkin.full_clean()
    with transaction.atomic():
        checkin.save()
        _tell_other(mentorship, by, lambda person: f"Check-in scheduled for {_local_time(scheduled_for, person)}")
    return checkin


def checkin_complete(*, checkin: CheckIn, by: User, notes: str, next_steps: str = "") -> CheckIn:
    _require_active(checkin.mentorship)
    if checkin.status != CheckIn.Status.SCHEDULED:
        raise Conflict(f"This check-in is already {checkin.get_status_display().lower()}.")
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Write a few lines about what you discussed."})
    checkin.notes = notes
    checkin.notes_html = render_markdown(notes)
    checkin.next_steps = (next_steps or "").strip()
    checkin.next_steps_html = render_markdown(checkin.next_steps)
    checkin.status = CheckIn.Status.DONE
    checkin.completed_at = timezone.now()
    checkin.full_clean()
    with transaction.atomic():
        checkin.save()
        m = checkin.mentorship
        first = not CheckIn.objects.filter(mentorship=m, status=CheckIn.Status.DONE).exclude(pk=checkin.pk).exists()
        _tell_other(m, by, "Check-in notes and next steps are in", body=checkin.next_steps)
        if first:
            for person in (m.mentor, m.mentee):
                notify(
                    recipient=person,
                    kind="mentoring.update",
                    title="After your first check-in: how is the fit? Rate it in one click",
                    url=_mentorship_url(m) + "#fit",
                    dedupe_key=f"mentoring-fit-{m.pk}-{person.pk}",
                )
    return checkin


def checkin_cancel(*, checkin: CheckIn, by: User) -> CheckIn:
    _require_active(checkin.mentorship)
    if checkin.status != CheckIn.Status.SCHEDULED:
        raise Conflict(f"This check-in is already {checkin.get_status_display().lower()}.")
    checkin.status = CheckIn.Status.CANCELLED
    with transaction.atomic():
        checkin.save(update_fields=["status"])
        _tell_other(checkin.mentorship, by, "A check-in was cancelled")
    return checkin


# --- Fit check ---------------------------------------------------------------------------------------


def fit_check_open(m: Mentorship) -> bool:
    """Both sides rate the fit once the first check-in has happened."""
    return m.status == Mentorship.Status.ACTIVE and any(c.status == CheckIn.Status.DONE for c in m.checkins.all())


def fit_rate(*, mentorship: Mentorship, by: User, rating: int, comment: str = "") -> FitRating:
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise ValidationError("Only the mentor and the mentee rate the fit.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate the fit from 1 (poor) to 5 (great)."})
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee", "mentor").get(pk=mentorship.pk)
        _require_active(m)
        if not CheckIn.objects.filter(mentorship=m, status=CheckIn.Status.DONE).exists():
            raise Conflict("Rate the fit after your first check-in has happened.")
        if FitRating.objects.filter(mentorship=m, rater=by).exists():
            raise Conflict("You already rated this mentorship's fit.")
        fr = FitRating(mentorship=m, rater=by, rating=rating, comment=(comment or "").strip()[:1000])
        fr.full_clean()
        fr.save()
        ratings = list(FitRating.objects.filter(mentorship=m).values_list("rating", flat=True))
        poor = min(ratings) <= conf.get("MENTORING_POOR_FIT_AT_MOST")
        if poor and m.fit != Mentorship.Fit.POOR:
            m.fit = Mentorship.Fit.POOR
            m.save(update_fields=["fit", "updated_at"])
            notify(
                recipient=m.mentee,
                kind="mentoring.update",
                title="Not the right fit? You can ask for a new mentor",
                body="The matcher will not propose the same pairing again; your current mentorship stays "
                "until a new mentor accepts.",
                url=reverse("mentoring:matches"),
                actor=None,
            )
            for manager in _managers_of(m.mentee):
                notify(
                    recipient=manager,
                    kind="mentoring.update",
                    title=f"Poor fit reported: {m.mentor.name} and {m.mentee.name}",
                    url=reverse("mentoring:programme"),
                )
            matches_refresh(mentee_ids=[m.mentee_id])
        elif not poor and len(ratings) >= 2 and m.fit != Mentorship.Fit.GOOD:
            m.fit = Mentorship.Fit.GOOD
            m.save(update_fields=["fit", "updated_at"])
        _programme_changed()
    return fr


# --- Cohort assignment --------------------------------------------------------------------------------


def assignment_propose(
    *,
    by: User,
    mentee_ids: Sequence[int] | None = None,
    include_active: bool = False,
    started_within_days: int | None = None,
    now: datetime | None = None,
) -> AssignmentProposal:
    """Propose the cohort assignment with the largest total score, for a manager to review.

    The cohort is the given mentees (or every mentee in the pool, optionally only those who
    started in the last `started_within_days` days). Mentees with a request waiting are left
    out; mentees in an active mentorship too unless `include_active` (then they are re-matched
    and the old mentorship ends when the new mentor accepts). Only mentors who accept mentees
    and have free seats are used, never beyond their free seats.
    """
    now = now or timezone.now()
    pool = selectors.mentee_pool()
    if mentee_ids is not None:
        mentee_ids = list(dict.fromkeys(int(i) for i in mentee_ids))
        if not mentee_ids:
            raise ValidationError({"mentee_ids": "Choose at least one mentee, or leave the list out for everyone."})
        found = set(pool.filter(pk__in=mentee_ids).values_list("pk", flat=True))
        missing = [i for i in mentee_ids if i not in found]
        if missing:
            raise ValidationError(
                {
                    "mentee_ids": f"Not mentees (unknown, inactive or neither a new hire nor with a mentee profile): "
                    f"{', '.join(map(str, missing[:20]))}."
                }
            )
        pool = pool.filter(pk__in=mentee_ids)
    if started_within_days is not None:
        if started_within_days < 1 or started_within_days > 3650:
            raise ValidationError({"started_within_days": "Use a number of days between 1 and 3650."})
        pool = pool.filter(start_date__gte=timezone.localdate() - timezone.timedelta(days=started_within_days))
    busy = Mentorship.objects.filter(status=Mentorship.Status.REQUESTED).values("mentee_id")
    pool = pool.exclude(pk__in=busy)
    if not include_active:
        pool = pool.exclude(pk__in=Mentorship.objects.active().values("mentee_id"))
    cohort_ids = list(pool.values_list("pk", flat=True))

    profiles = list(selectors.mentor_profiles().filter(accepting=True))
    ctx, rates = selectors.match_context(mentor_ids=[p.user_id for p in profiles])
    mentors = [m for m in selectors.mentor_features(rates=rates, now=now, profiles=profiles) if m.remaining > 0]
    mentees = selectors.mentee_features(user_ids=cohort_ids, rates=rates, ctx=ctx, now=now)

    started = time.perf_counter()
    scores = np.zeros((len(mentees), len(mentors)))
    for start in range(0, len(mentees), SCORE_CHUNK):
        chunk = mentees[start : start + SCORE_CHUNK]
        if mentors:
            scores[start : start + len(chunk)] = matching.total(matching.score_parts(chunk, mentors, ctx), ctx.weights)
    eligible = matching.eligibility(mentees, mentors)
    pairs = matching.assign(scores, [m.remaining for m in mentors], eligible)
    solve_ms = (time.perf_counter() - started) * 1000

    assigned = {i for i, _ in pairs}
    unassigned = []
    for i, mentee in enumerate(mentees):
        if i in assigned:
            continue
        if not mentors or not (eligible[i] & (scores[i] > 0)).any():
            reason = "No mentor with a free seat may be proposed (all full, not accepting or excluded pairs)."
        else:
            reason = "Every suitable free seat went to a mentee with a stronger match."
        unassigned.append({"mentee_id": mentee.user_id, "name": mentee.name, "reason": reason})

    with transaction.atomic():
        proposal = AssignmentProposal.objects.create(
            created_by=by,
            include_active=include_active,
            params={
                "mentee_ids": mentee_ids,
                "include_active": include_active,
                "started_within_days": started_within_days,
            },
            mentee_count=len(mentees),
            mentor_count=len(mentors),
            seat_count=sum(m.remaining for m in mentors),
            solve_ms=round(solve_ms, 1),
            unassigned=unassigned,
        )
        rows = []
        for i, j in pairs:
            pair_parts = matching.score_parts([mentees[i]], [mentors[j]], ctx)
            values = {p: round(float(pair_parts[p][0, 0]), 4) for p in matching.PARTS}
            rows.append(
                ProposedPair(
                    proposal=proposal,
                    mentee_id=mentees[i].user_id,
                    mentor_id=mentors[j].user_id,
                    score=round(float(scores[i, j]) * 100, 1),
                    reasons=matching.explain(mentees[i], mentors[j], ctx, values),
                )
            )
        ProposedPair.objects.bulk_create(rows, batch_size=1000)
        proposal.total_score = round(sum(r.score for r in rows), 1)
        proposal.save(update_fields=["total_score"])
    return proposal


def _require_confirmable(p: AssignmentProposal, *, queued: bool = False) -> None:
    if p.status != AssignmentProposal.Status.PROPOSED:
        raise Conflict(f"This proposal is already {p.get_status_display().lower()}.")
    if p.params.get("confirming") and not queued:
        raise Conflict("This proposal is being confirmed in the background; you will be notified when it is done.")


def _check_pair_ids(p: AssignmentProposal, pair_ids: Sequence[int] | None) -> None:
    if pair_ids is None:
        return
    unknown = set(pair_ids) - set(p.pairs.values_list("pk", flat=True))
    if unknown:
        raise ValidationError({"pair_ids": f"Not pairs of this proposal: {', '.join(map(str, sorted(unknown)))}."})


def assignment_confirm_or_queue(
    *, proposal: AssignmentProposal, by: User, pair_ids: Sequence[int] | None = None
) -> tuple[AssignmentProposal, bool]:
    """Confirm now, or for more than MENTORING_CONFIRM_INLINE_MAX pairs in the background (one
    request per pair with its notifications takes tens of milliseconds each: thousands would
    outlast an HTTP request). Returns (proposal, queued)."""
    count = len(set(pair_ids)) if pair_ids is not None else proposal.pairs.count()
    if count <= conf.get("MENTORING_CONFIRM_INLINE_MAX"):
        return assignment_confirm(proposal=proposal, by=by, pair_ids=pair_ids), False
    with transaction.atomic():
        p = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
        _require_confirmable(p)
        _check_pair_ids(p, pair_ids)
        ids = sorted(set(pair_ids)) if pair_ids is not None else None
        p.params = {**p.params, "confirming": {"by": by.pk, "pairs": count, "at": timezone.now().isoformat()}}
        p.save(update_fields=["params"])
        from .tasks import confirm_proposal

        enqueue_on_commit(confirm_proposal, p.pk, by.pk, ids)
    return p, True


def assignment_confirm_queued(*, proposal_id: int, by_id: int, pair_ids: Sequence[int] | None) -> int:
    """The background half of `assignment_confirm_or_queue`: confirm, then tell the manager."""
    proposal = AssignmentProposal.objects.filter(pk=proposal_id).first()
    by = User.objects.filter(pk=by_id).first()
    if proposal is None or by is None:
        return 0
    try:
        p = assignment_confirm(proposal=proposal, by=by, pair_ids=pair_ids, queued=True)
    except Conflict:  # discarded or confirmed meanwhile: nothing to send
        return 0
    sent = sum(1 for pair in p.pairs.all() if pair.mentorship_id)
    notify(
        recipient=by,
        kind="mentoring.request",
        title=f"Cohort proposal #{p.pk} confirmed: {sent} requests sent"
        + (f", {len(p.skipped)} pairs skipped" if p.skipped else ""),
        url=p.get_absolute_url(),
    )
    return sent


def assignment_confirm(
    *, proposal: AssignmentProposal, by: User, pair_ids: Sequence[int] | None = None, queued: bool = False
) -> AssignmentProposal:
    """Turn the chosen pairs (all by default) into requests that each mentor accepts or declines.

    The state may have moved since the proposal (a seat taken, a mentee found a mentor): such
    pairs are skipped with the reason, never forced.
    """
    with transaction.atomic():
        p = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
        _require_confirmable(p, queued=queued)
        _check_pair_ids(p, pair_ids)
        pairs = list(p.pairs.select_related("mentee", "mentor"))
        if pair_ids is not None:
            wanted = set(pair_ids)
            pairs = [pair for pair in pairs if pair.pk in wanted]
        skipped = []
        for pair in pairs:
            replaces = None
            if p.include_active:
                replaces = Mentorship.objects.filter(mentee=pair.mentee, status=Mentorship.Status.ACTIVE).first()
            try:
                with transaction.atomic():
                    mentorship, _ = mentorship_request(
                        mentee=pair.mentee,
                        mentor=pair.mentor,
                        requested_by=by,
                        origin=Mentorship.Origin.ASSIGNMENT,
                        replaces=replaces,
                        match=(pair.score, pair.reasons),
                    )
            except (Conflict, ValidationError) as exc:
                message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                skipped.append(
                    {"pair_id": pair.pk, "mentee": pair.mentee.name, "mentor": pair.mentor.name, "reason": message}
                )
                continue
            pair.mentorship = mentorship
            pair.save(update_fields=["mentorship"])
        p.status = AssignmentProposal.Status.CONFIRMED
        p.confirmed_by = by
        p.confirmed_at = timezone.now()
        p.skipped = skipped
        p.params = {k: v for k, v in p.params.items() if k != "confirming"}
        p.save(update_fields=["status", "confirmed_by", "confirmed_at", "skipped", "params"])
    return p


def assignment_discard(*, proposal: AssignmentProposal, by: User) -> AssignmentProposal:
    with transaction.atomic():
        p = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
        _require_confirmable(p)
        p.status = AssignmentProposal.Status.DISCARDED
        p.save(update_fields=["status"])
    return p
