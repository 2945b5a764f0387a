"""Read paths for mentoring; each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts import policy
from accounts.models import User
from community.models import Practice
from community.selectors import stage_success_rates
from taxonomy.models import SalesStage, SkillTag

from . import conf, providers
from .matching import Gap, MatchContext, MenteeFeatures, MentorFeatures, infer_gaps, utc_offset_minutes
from .models import AssignmentProposal, CheckIn, FitRating, Goal, MatchScore, MenteeProfile, MentorProfile, Mentorship

Rates = dict[int | None, dict[int, tuple[int, int]]]


# --- Capacity ----------------------------------------------------------------------------------


def seats_taken_subquery() -> Subquery:
    """Per mentor user (OuterRef "pk" or "mentor_id"): active mentorships + requests awaiting an answer."""
    return Coalesce(
        Subquery(
            Mentorship.objects.occupying()
            .filter(mentor_id=OuterRef("user_id"))
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def mentor_profiles() -> QuerySet[MentorProfile]:
    """Mentor profiles of active mentors with their skills and `seats_taken` (2 queries)."""
    return (
        MentorProfile.objects.filter(user__is_active=True, user__is_mentor=True)
        .select_related("user", "user__team")
        .prefetch_related(Prefetch("skill_levels", queryset=_skill_levels()))
        .annotate(seats_taken=seats_taken_subquery())
        .order_by("user__display_name", "user__username")
    )


def _skill_levels():
    from .models import MentorSkill

    return MentorSkill.objects.select_related("skill")


def mentor_profile_for(user: User) -> MentorProfile | None:
    return mentor_profiles().filter(user=user).first()


def mentee_profile_for(user: User) -> MenteeProfile | None:
    return MenteeProfile.objects.filter(user=user).prefetch_related("goals").first()


# --- Matching inputs ---------------------------------------------------------------------------


def match_context(*, rates: Rates | None = None, mentor_ids: Sequence[int] | None = None) -> tuple[MatchContext, Rates]:
    """Everything the matcher needs besides the people (4-6 queries)."""
    skills = list(SkillTag.objects.values_list("id", "name", "slug"))
    stages = list(SalesStage.objects.values_list("id", "name", "slug"))
    skill_by_slug = {slug: sid for sid, _, slug in skills}
    stage_skills = {}
    mapping = conf.get("MENTORING_STAGE_SKILLS")
    for sid, _, slug in stages:
        stage_skills[sid] = frozenset(skill_by_slug[s] for s in mapping.get(slug, ()) if s in skill_by_slug)
    if rates is None:
        rates = stage_success_rates()
    evidence = providers.load_evidence(list(mentor_ids) if mentor_ids is not None else [])
    ctx = MatchContext(
        skill_names={sid: name for sid, name, _ in skills},
        stage_names={sid: name for sid, name, _ in stages},
        stage_skills=stage_skills,
        team_stage_rates=rates.get(None, {}),
        evidence=evidence,
        weights=conf.weights(),
        results_min=conf.get("MENTORING_RESULTS_MIN_PRACTICES"),
        results_full=conf.get("MENTORING_RESULTS_FULL_ADVANTAGE"),
        techniques_full=conf.get("MENTORING_TECHNIQUES_FULL"),
        answers_full=conf.get("MENTORING_ANSWERS_FULL"),
        tz_full_hours=conf.get("MENTORING_TZ_FULL_HOURS"),
        mentor_hours=tuple(conf.get("MENTORING_MENTOR_HOURS")),
    )
    return ctx, rates


def mentor_features(
    *, rates: Rates, now: datetime, accepting_only: bool = True, profiles: Iterable[MentorProfile] | None = None
) -> list[MentorFeatures]:
    """The mentors the matcher may consider (accepting ones by default), with free seats."""
    if profiles is None:
        qs = mentor_profiles()
        if accepting_only:
            qs = qs.filter(accepting=True)
        profiles = list(qs)
    return [
        MentorFeatures(
            user_id=p.user_id,
            name=p.user.name,
            skill_levels={sl.skill_id: sl.level for sl in p.skill_levels.all()},
            utc_offset_minutes=utc_offset_minutes(p.user.timezone, now),
            region=p.user.region,
            languages=tuple(p.languages),
            styles=tuple(p.styles),
            team_id=p.user.team_id,
            stage_results=rates.get(p.user_id, {}),
            remaining=max(p.capacity - p.seats_taken, 0) if p.accepting else 0,
        )
        for p in profiles
    ]


def mentee_pool() -> QuerySet[User]:
    """Who can be matched: active new hires, and anyone who filled in a mentee profile."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_new_hire=True) | Q(mentee_profile__isnull=False))
        .order_by("id")
        .distinct()
    )


def gaps_for(rep_rates: dict[int, tuple[int, int]], rates: Rates, stage_names: dict[int, str]) -> tuple[Gap, ...]:
    return infer_gaps(
        rep_rates,
        rates.get(None, {}),
        stage_names,
        min_practices=conf.get("MENTORING_GAP_MIN_PRACTICES"),
        team_min_practices=conf.get("MENTORING_GAP_TEAM_MIN_PRACTICES"),
        min_lag=conf.get("MENTORING_GAP_MIN_LAG"),
    )


def mentee_features(*, user_ids: Sequence[int], rates: Rates, ctx: MatchContext, now: datetime) -> list[MenteeFeatures]:
    """Features of these mentees (3 queries): profile, goals, past and excluded mentors, gaps."""
    users = {u.pk: u for u in User.objects.filter(pk__in=list(user_ids)).order_by()}
    profiles = {
        p.user_id: p for p in MenteeProfile.objects.filter(user_id__in=list(users)).prefetch_related("goals")
    }  # 2 queries
    past: dict[int, set[int]] = defaultdict(set)
    excluded: dict[int, set[int]] = defaultdict(set)
    for mentee_id, mentor_id, status, fit in (
        Mentorship.objects.filter(mentee_id__in=list(users))
        .order_by()
        .values_list("mentee_id", "mentor_id", "status", "fit")
    ):
        if status in (Mentorship.Status.ACTIVE, *Mentorship.CLOSED):
            past[mentee_id].add(mentor_id)
        if status in (Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE, Mentorship.Status.DECLINED):
            excluded[mentee_id].add(mentor_id)
        if fit == Mentorship.Fit.POOR:
            excluded[mentee_id].add(mentor_id)
    out = []
    for uid in user_ids:
        user = users.get(uid)
        if user is None:
            continue
        profile = profiles.get(uid)
        out.append(
            MenteeFeatures(
                user_id=uid,
                name=user.name,
                goal_skill_ids=tuple(sorted(g.pk for g in profile.goals.all())) if profile else (),
                gaps=gaps_for(rates.get(uid, {}), rates, ctx.stage_names),
                utc_offset_minutes=utc_offset_minutes(user.timezone, now),
                preferred_time=profile.preferred_time if profile else "any",
                region=user.region,
                languages=tuple(profile.languages) if profile else (),
                style=profile.preferred_style if profile else "",
                team_id=user.team_id,
                past_mentor_ids=frozenset(past[uid]),
                excluded_mentor_ids=frozenset(excluded[uid]),
            )
        )
    return out


# --- Ranked matches ----------------------------------------------------------------------------


def matches_for(*, mentee: User, limit: int = 10) -> list[MatchScore]:
    """The stored ranked list for one mentee, only mentors who may be proposed NOW (1 query).

    Mentors at capacity or not accepting, and pairs that are open, declined or a poor fit are
    filtered at read time, so the stored scores never propose a full mentor.
    """
    blocked = Mentorship.objects.filter(mentee=mentee).filter(
        Q(status__in=[Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE, Mentorship.Status.DECLINED])
        | Q(fit=Mentorship.Fit.POOR)
    )
    seats = Coalesce(
        Subquery(
            Mentorship.objects.occupying()
            .filter(mentor_id=OuterRef("mentor_id"))
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )
    rows = list(
        MatchScore.objects.filter(
            mentee=mentee,
            mentor__is_active=True,
            mentor__is_mentor=True,
            mentor__mentor_profile__accepting=True,
        )
        .exclude(mentor_id__in=blocked.values("mentor_id"))
        .annotate(seats_taken=seats, capacity=F("mentor__mentor_profile__capacity"))
        .filter(capacity__gt=F("seats_taken"))
        .select_related("mentor", "mentor__mentor_profile", "mentor__team")
        .order_by("-score", "mentor_id")[:limit]
    )
    for row in rows:
        row.free_seats = max(row.capacity - row.seats_taken, 0)
    return rows


# --- Mentorships -------------------------------------------------------------------------------


def mentorships_base() -> QuerySet[Mentorship]:
    return Mentorship.objects.select_related("mentee", "mentee__team", "mentor", "mentor__team", "requested_by")


def mentorships_visible_to(user: User) -> QuerySet[Mentorship]:
    """Members see theirs; managers see the whole programme (not its private parts)."""
    qs = mentorships_base()
    if policy.allowed(user, "mentoring.manage_programme"):
        return qs
    return qs.filter(Q(mentor=user) | Q(mentee=user))


def mentorship_detail(pk: int) -> Mentorship:
    return (
        mentorships_base()
        .select_related("mentee__manager")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("skill", "created_by")),
            Prefetch("checkins", queryset=CheckIn.objects.select_related("created_by")),
            Prefetch("fit_ratings", queryset=FitRating.objects.select_related("rater")),
        )
        .get(pk=pk)
    )


def requests_for_mentor(mentor: User) -> QuerySet[Mentorship]:
    return mentorships_base().filter(mentor=mentor, status=Mentorship.Status.REQUESTED).order_by("created_at")


def mentee_mentorships(mentee: User) -> list[Mentorship]:
    return list(
        mentorships_base()
        .filter(mentee=mentee)
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.select_related("skill")), "checkins")
        .order_by("-created_at")[:20]
    )


def recent_practices(*, rep_ids: Sequence[int], per_rep: int = 5) -> dict[int, list[Practice]]:
    """Each rep's latest practices with technique and stage (1 query, a window function)."""
    if not rep_ids:
        return {}
    qs = (
        Practice.objects.filter(rep_id__in=list(rep_ids))
        .annotate(
            rn=Window(RowNumber(), partition_by=[F("rep_id")], order_by=[F("practised_at").desc(), F("id").desc()])
        )
        .filter(rn__lte=per_rep)
        .select_related("technique", "stage", "deal")
        .order_by("rep_id", "-practised_at", "-id")
    )
    out: dict[int, list[Practice]] = defaultdict(list)
    for p in qs:
        out[p.rep_id].append(p)
    return out


def outcome_summary(*, rep_ids: Sequence[int], now: datetime, days: int = 30) -> dict[int, dict]:
    """Per rep: decided practices and success rate in the last `days` days and before (2 queries)."""
    since = now - timezone.timedelta(days=days)
    recent = stage_success_rates(rep_ids=rep_ids, since=since)
    all_time = stage_success_rates(rep_ids=rep_ids)
    out = {}
    for rid in rep_ids:
        rd = sum(d for d, _ in recent.get(rid, {}).values())
        rs = sum(s for _, s in recent.get(rid, {}).values())
        ad = sum(d for d, _ in all_time.get(rid, {}).values())
        as_ = sum(s for _, s in all_time.get(rid, {}).values())
        bd, bs = ad - rd, as_ - rs
        out[rid] = {
            "recent_decided": rd,
            "recent_rate": rs / rd if rd else None,
            "before_decided": bd,
            "before_rate": bs / bd if bd else None,
        }
    return out


def mentor_dashboard(*, mentor: User, now: datetime | None = None) -> dict:
    """The mentor's mentees with goals, next check-in, recent practices, outcomes, questions."""
    now = now or timezone.now()
    active = list(
        mentorships_base()
        .filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("skill")),
            Prefetch("checkins", queryset=CheckIn.objects.order_by("scheduled_for")),
        )
        .order_by("started_at")
    )
    mentee_ids = [m.mentee_id for m in active]
    practices = recent_practices(rep_ids=mentee_ids)
    outcomes = outcome_summary(rep_ids=mentee_ids, now=now)
    provider = providers.questions_provider()
    questions = provider(mentee_ids, limit=3) if provider and mentee_ids else {}
    rows = []
    for m in active:
        checkins = list(m.checkins.all())
        rows.append(
            {
                "mentorship": m,
                "goals": [g for g in m.goals.all() if g.status in (Goal.Status.OPEN, Goal.Status.IN_PROGRESS)],
                "goals_done": sum(1 for g in m.goals.all() if g.status == Goal.Status.ACHIEVED),
                "next_checkin": next(
                    (c for c in checkins if c.status == CheckIn.Status.SCHEDULED and c.scheduled_for >= now), None
                ),
                "last_checkin": next((c for c in reversed(checkins) if c.status == CheckIn.Status.DONE), None),
                "practices": practices.get(m.mentee_id, []),
                "outcomes": outcomes.get(m.mentee_id),
                "questions": questions.get(m.mentee_id, []),
            }
        )
    return {
        "rows": rows,
        "requests": list(requests_for_mentor(mentor)),
        "profile": mentor_profile_for(mentor),
        "questions_available": providers.has_questions(),
    }


def proposals_list() -> QuerySet[AssignmentProposal]:
    """Cohort proposals, newest first, with how many pairs each has and how many were confirmed."""
    # Explicit order: Meta.ordering is not applied to a query with GROUP BY (the counts).
    return (
        AssignmentProposal.objects.select_related("created_by", "confirmed_by")
        .annotate(pair_count=Count("pairs"), confirmed_count=Count("pairs", filter=Q(pairs__mentorship__isnull=False)))
        .order_by("-created_at", "-pk")
    )


def proposals_recent(limit: int = 10) -> list[AssignmentProposal]:
    return list(AssignmentProposal.objects.select_related("created_by", "confirmed_by")[:limit])


def proposal_detail(pk: int) -> AssignmentProposal:
    return AssignmentProposal.objects.select_related("created_by", "confirmed_by").get(pk=pk)


def proposal_pairs(proposal: AssignmentProposal) -> QuerySet:
    return proposal.pairs.select_related("mentee", "mentee__team", "mentor", "mentor__team", "mentorship")
