"""Demo mentoring: mentor and mentee profiles, mentorships with goals and check-ins, requests.

Follows ctx.shared["mentor_of"] (new hire -> mentor) and ctx.shared["alumni_mentor_of"]
(ramped alumni -> the mentor they had), both set by accounts.demo, the one source of who is
mentored: the techniques seeder draws those people's outcomes with a mentor's faster ramp, so
the ramp and outcome numbers tell the same story. Mentorships start 3-18 days after the
mentee's start date (a re-match a little later), before their first deal can close: a
simulated new hire's first deal opens on day 5 and needs at least 20 days through its stages. `newhire` has no mentor: the
demo shows them finding one. Deterministic (ctx.rng only) and fast (bulk inserts).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.demo import DemoContext
from core.markdown import render_markdown
from notifications.services import notify
from taxonomy.models import SkillTag

from .models import CheckIn, CoachingStyle, FitRating, Goal, MenteeProfile, MentorProfile, Mentorship, MentorSkill
from .services import match_pair, matches_refresh

# username: (capacity, accepting, languages, styles, how I coach)
MENTORS = {
    "mentor": (
        6,
        True,
        ["en", "sv"],
        [CoachingStyle.ROLE_PLAY, CoachingStyle.STRUCTURED],
        "Weekly 30-minute check-ins. We pick **one skill**, role-play your next real call, and agree one "
        "number to move — for example, discovery calls that end with a quantified pain and a named economic buyer.",
    ),
    "priya.raman": (
        3,
        True,
        ["en", "hi"],
        [CoachingStyle.DEAL_REVIEWS],
        "Bring me a live deal. We map the buying committee, find where procurement will slow you down, and write "
        "the next three emails together. I am blunt about deals that are not real.",
    ),
    "aisha.bello": (
        3,
        True,
        ["en", "yo"],
        [CoachingStyle.DEAL_REVIEWS, CoachingStyle.ROLE_PLAY],
        "Champions win deals against incumbents. I help you find one, test them, and equip them to sell for you "
        "when you are not in the room.",
    ),
    "tom.becker": (
        3,
        True,
        ["en", "es"],
        [CoachingStyle.ROLE_PLAY, CoachingStyle.STRUCTURED],
        "Record your demo, send it to me, and we review it together: we cut everything the buyer did not ask "
        "for and open with their problem, in their words.",
    ),
    "olivia.grant": (
        2,
        False,
        ["en", "fr"],
        [CoachingStyle.STRUCTURED, CoachingStyle.DEAL_REVIEWS],
        "Paused for new mentees while I run Q3 hiring. Deal reviews with one question: *what does the buyer think "
        "happens next?*",
    ),
    "samir.haddad": (
        3,
        True,
        ["en", "ar", "fr"],
        [CoachingStyle.ROLE_PLAY, CoachingStyle.AD_HOC],
        "Role-play every week, on the objection you fear most. Brief feedback right after your call beats a long "
        "review a week later — message me the moment you hang up.",
    ),
    "hannah.kim": (
        2,
        True,
        ["en", "ko"],
        [CoachingStyle.AD_HOC, CoachingStyle.DEAL_REVIEWS],
        "I went from SDR to top AE in two years. Ask me anything, any time, in writing; I answer within a day with "
        "what worked for me and a technique to try.",
    ),
}

# username: (goal skills, preferred style, preferred time, languages, share with manager, about)
MENTEES = {
    "newhire": (
        ["Discovery questioning", "Multi-threading", "Executive presence"],
        CoachingStyle.DEAL_REVIEWS,
        "morning",
        ["en"],
        True,
        "My discovery calls stay with one contact and never reach budget. I want to get to the economic buyer "
        "by the second meeting.",
    ),
    "emma.johnson": (
        ["Discovery questioning", "Business case"],
        CoachingStyle.ROLE_PLAY,
        "afternoon",
        ["en"],
        True,
        "From customer success: I know the product cold, I need to stop demoing in discovery.",
    ),
    "liam.obrien": (
        ["Pricing and value", "Negotiation"],
        CoachingStyle.DEAL_REVIEWS,
        "any",
        ["en"],
        False,
        "Pricing conversations make me nervous; I discount too early.",
    ),
    "zoe.nguyen": (
        ["Demo delivery", "Champion building"],
        CoachingStyle.AD_HOC,
        "morning",
        ["en"],
        False,
        "",
    ),
    "noah.fischer": (
        ["Prospecting", "Mutual action plans"],
        CoachingStyle.STRUCTURED,
        "any",
        ["de", "en"],
        True,
        "Comfortable with executives; need a pipeline of my own.",
    ),
    "sara.ali": (
        ["Objection handling", "Discovery questioning"],
        CoachingStyle.ROLE_PLAY,
        "midday",
        ["en", "ar"],
        False,
        "",
    ),
    "mateo.rossi": (
        ["Objection handling", "Competitive positioning"],
        CoachingStyle.ROLE_PLAY,
        "afternoon",
        ["it", "en"],
        True,
        "Prospects keep telling me they are happy with their current vendor. I want a better answer than a discount.",
    ),
    "yuki.tanaka": (["Closing", "Mutual action plans"], CoachingStyle.AD_HOC, "any", ["ja", "en"], False, ""),
    "olivia.brown": (["Negotiation", "Procurement navigation"], CoachingStyle.STRUCTURED, "morning", ["en"], True, ""),
    "diego.ramirez": (
        ["Multi-threading", "Closing"],
        CoachingStyle.DEAL_REVIEWS,
        "afternoon",
        ["es", "en"],
        False,
        "Deals stall after the demo; I need to reach more people in the account.",
    ),
    "amara.okoye": (["Champion building", "Prospecting"], CoachingStyle.DEAL_REVIEWS, "any", ["en", "yo"], True, ""),
    "ethan.clark": (["Demo delivery", "Business case"], CoachingStyle.ROLE_PLAY, "afternoon", ["en"], False, ""),
    "isabel.santos": (["Discovery questioning", "Deal re-engagement"], "", "any", ["pt", "en", "es"], False, ""),
}

# Goal titles per skill (realistic coaching goals with a number to move).
GOAL_TITLES = {
    "Discovery questioning": "End every discovery call with a quantified pain and the budget owner named",
    "Multi-threading": "Three contacts engaged, including the economic buyer, on each open opportunity",
    "Executive presence": "Run a 20-minute executive briefing without slides",
    "Business case": "Build an ROI model with the champion for two active deals",
    "Pricing and value": "Hold list price on the next two proposals: trade, don't discount",
    "Negotiation": "Prepare a give-get list before every commercial call",
    "Demo delivery": "Demos that open with the buyer's problem, under 25 minutes",
    "Champion building": "Test a champion on two deals with the 'access to power' ask",
    "Prospecting": "Book four first meetings a week from referrals and outbound",
    "Mutual action plans": "A signed-off mutual action plan on every deal past solution stage",
    "Objection handling": "Turn 'we're happy with our current vendor' into a discovery meeting",
    "Competitive positioning": "Land a trap-setting question against the incumbent in each first call",
    "Closing": "No deal reaches paperwork without legal and procurement engaged a month ahead",
    "Procurement navigation": "Map procurement's steps on the biggest deal before the proposal",
    "Deal re-engagement": "Revive three stalled deals with a new-insight email",
    "Forecasting": "Commit only deals with a dated next step the buyer agreed to",
}

CHECKIN_NOTES = [
    (
        "Reviewed last week's discovery call on the Meridian Logistics deal. You asked good impact questions but "
        "let the contact skip budget. We role-played the budget question twice.",
        "- Ask *who else signs off above $50k?* on the next call\n- Send me the recording",
    ),
    (
        "Walked through the buying committee map for Northwind. Only one contact engaged; the economic buyer is "
        "the CFO and has not heard from us.",
        "- Ask the champion for a 15-minute intro to the CFO\n- Draft the exec summary together on Thursday",
    ),
    (
        "Role-play: 'we're happy with our current vendor'. Second attempt was much better — you asked what they "
        "would change if they could, instead of pitching.",
        "- Use the reframe on the two outbound calls this week\n- Log both as practices",
    ),
    (
        "Pricing conversation debrief. You offered 10% before the buyer asked. We built a give-get list for the "
        "next call.",
        "- Hold price on the Atlas renewal\n- Trade a discount only for a multi-year term",
    ),
    (
        "Demo review: cut the first 12 minutes of product tour; open with the ops manager's three complaints from "
        "discovery.",
        "- Re-record the opening\n- Try it with the Contoso evaluation team",
    ),
    (
        "Mutual action plan for the Fabrikam deal: legal review was missing and would have cost three weeks.",
        "- Share the plan with the champion\n- Book legal's security review now",
    ),
]

AGENDAS = [
    "Prepare the CFO meeting",
    "Debrief the Northwind demo",
    "Role-play the pricing call",
    "Review the mutual action plan",
    "Pipeline review: which deals are real?",
]


# Coaching-thread conversations: (who, Markdown, index of the message replied to or None).
COACHING_SCRIPTS = [
    [
        (
            "mentee",
            "Quick one before my call at 2: the CFO at the logistics account asked for a 20% discount on the first call. Do I anchor on value first or just say no?",
            None,
        ),
        (
            "mentor",
            "Don't say no and don't give a number yet. Ask what the 20% is compared to, and what happens if they don't solve the problem this quarter. Price without impact is always too high.",
            0,
        ),
        (
            "mentee",
            'Tried it: "compared to what?" got us to the real issue, which is their budget cycle closes in March. Booked a follow-up with the ops director.',
            None,
        ),
        (
            "mentor",
            "That's a real next step. Log the practice on the pricing-reframe technique so we can see the number move. Let's role-play the ops director call on Thursday.",
            2,
        ),
    ],
    [
        ("mentor", "How did the discovery call go? Did you get to budget?", None),
        ("mentee", "Partly. They said budget 'exists' but the owner is someone in finance I haven't met.", 0),
        (
            "mentor",
            "Good sign, but single-threaded. Ask your champion: *who else will need to be comfortable before this gets signed?* Then offer to prepare them for that conversation.",
            1,
        ),
        ("mentee", "Asked it. Got a name in procurement and an intro to the VP Finance next week. :)", None),
        ("mentor", "That's multi-threading done right. Put both on the mutual action plan so they see their part.", 3),
    ],
    [
        ("mentee", "The prospect went dark after the demo. Two emails, no answer. Send a breakup email?", None),
        (
            "mentor",
            "Not yet. Send one line referencing the problem they told you about, with a specific question, not 'checking in'. Something like: *is reducing the reconciliation backlog still a Q1 priority?*",
            0,
        ),
        ("mentee", "They replied in an hour! The project owner changed. New contact is the head of ops.", None),
        ("mentor", "Great save. Restart discovery with the new owner; don't assume the old pain is theirs.", 2),
    ],
    [
        (
            "mentor",
            "For Thursday's check-in, bring one call recording where the buyer objected. We'll work on the pause before answering.",
            None,
        ),
        ("mentee", "Will do. I have one where they said 'we're happy with our current vendor' and I froze.", 0),
        (
            "mentor",
            "Perfect example. Next time try: *most of our customers were happy with their vendor too; what would have to be true for you to look at alternatives?*",
            1,
        ),
    ],
]


def seed(ctx: DemoContext) -> None:
    users = ctx.shared["users_by_username"]
    by_role = ctx.shared["users_by_role"]
    mentor_of: dict[str, str] = dict(ctx.shared.get("mentor_of", {}))
    skills = {s.name: s for s in SkillTag.objects.all()}
    now = ctx.now
    rng = ctx.rng

    # --- Who mentors whom, beyond the current pairs -------------------------------------------
    # Alumni (once new hires, now ramped) with completed mentorships: exactly those the accounts
    # seeder says had a mentor (ctx.shared["alumni_mentor_of"]), the same map the techniques
    # seeder ramped faster, so the programme page's ramp numbers tell the story the outcomes
    # were drawn from (the other alumni ramped alone). A poor fit that ended early and was
    # replaced; pending requests, one asked by the mentee, one proposed by a manager.
    alumni = [(u, m) for u, m in sorted(ctx.shared.get("alumni_mentor_of", {}).items()) if u in users and m in users]
    ended_early = [("ethan.clark", "samir.haddad")] if "ethan.clark" in mentor_of and "samir.haddad" in users else []
    pending = [
        (mentee, mentor, origin)
        for mentee, mentor, origin in (
            ("mateo.rossi", "mentor", Mentorship.Origin.REQUEST),
            ("isabel.santos", "mentor", Mentorship.Origin.ASSIGNMENT),
            ("zoe.nguyen", "hannah.kim", Mentorship.Origin.REQUEST),
        )
        if mentee in users and mentor in users and mentee not in mentor_of
    ]
    load: dict[str, int] = {}
    for mentor_name in [*mentor_of.values(), *(m for _, m, _ in pending)]:
        load[mentor_name] = load.get(mentor_name, 0) + 1

    # --- Mentor profiles -----------------------------------------------------------------------
    profiles = []
    skill_rows = []
    for user in ctx.progress(by_role.get("mentor", []), desc="mentor profiles"):
        capacity, accepting, languages, styles, how = MENTORS.get(
            user.username,
            (
                rng.choice([2, 3, 4]),
                rng.random() > 0.15,
                ["en"],
                rng.sample(list(CoachingStyle.values), 2),
                "Weekly check-ins on your live deals; one skill at a time.",
            ),
        )
        capacity = max(capacity, load.get(user.username, 0))
        profile = MentorProfile(
            user=user,
            capacity=capacity,
            accepting=accepting,
            languages=languages,
            styles=[str(s) for s in styles],
            how_i_coach=how,
            how_i_coach_html=render_markdown(how),
            updated_at=now,
        )
        profiles.append(profile)
    MentorProfile.objects.bulk_create(profiles)
    for profile in profiles:
        expertise = list(profile.user.expertise.all())
        for i, skill in enumerate(expertise):
            skill_rows.append(MentorSkill(profile=profile, skill=skill, level=3 if i == 0 else 2))
        # A broad "basics" skill everyone can coach.
        extra = skills.get("Forecasting") if "Forecasting" not in {s.name for s in expertise} else None
        if extra is not None:
            skill_rows.append(MentorSkill(profile=profile, skill=extra, level=1))
    MentorSkill.objects.bulk_create(skill_rows)

    # --- Mentee profiles -----------------------------------------------------------------------
    mentee_users = list(by_role.get("new_hire", []))
    mentee_profiles = []
    goal_links = []
    for user in ctx.progress(mentee_users, desc="mentee profiles"):
        goal_names, style, when, languages, share, about = MENTEES.get(
            user.username,
            (rng.sample(sorted(GOAL_TITLES), 2), rng.choice(["", *CoachingStyle.values]), "any", ["en"], False, ""),
        )
        profile = MenteeProfile(
            user=user,
            preferred_style=str(style),
            preferred_time=when,
            languages=languages,
            about=about,
            about_html=render_markdown(about),
            share_with_manager=share,
            updated_at=now,
        )
        mentee_profiles.append(profile)
        goal_links.append((profile, [skills[g] for g in goal_names if g in skills]))
    MenteeProfile.objects.bulk_create(mentee_profiles)
    through = MenteeProfile.goals.through
    through.objects.bulk_create(
        [through(menteeprofile_id=p.pk, skilltag_id=s.pk) for p, goals in goal_links for s in goals]
    )
    goals_of = {p.user_id: [s.name for s in goals] for p, goals in goal_links}
    shares = {p.user_id: p.share_with_manager for p in mentee_profiles}

    # --- Mentorships -------------------------------------------------------------------------------
    def started(mentee, earliest_days: int = 3, latest_days: int = 18):
        start = mentee.start_date or (now - timedelta(days=60)).date()
        offset = rng.randint(earliest_days, latest_days)
        moment = timezone.make_aware(
            timezone.datetime.combine(start + timedelta(days=offset), timezone.datetime.min.time())
        ) + timedelta(hours=rng.randint(13, 17))
        return min(moment, now - timedelta(hours=2))

    mentorships: list[tuple[Mentorship, str]] = []
    replaced: dict[str, Mentorship] = {}
    for mentee_name, mentor_name in ended_early:
        mentee, mentor = users[mentee_name], users[mentor_name]
        start = started(mentee, 2, 6)
        m = Mentorship(
            mentee=mentee,
            mentor=mentor,
            status=Mentorship.Status.ENDED_EARLY,
            origin=Mentorship.Origin.REQUEST,
            requested_by=mentee,
            created_at=start - timedelta(days=1),
            responded_at=start,
            started_at=start,
            ended_at=start + timedelta(days=16),
            end_reason="Replaced by a new mentorship after the fit check: our time zones left one hour a week.",
            fit=Mentorship.Fit.POOR,
        )
        mentorships.append((m, "ended"))
        replaced[mentee_name] = m
    for mentee_name, mentor_name in alumni:
        mentee, mentor = users[mentee_name], users[mentor_name]
        start = started(mentee)
        m = Mentorship(
            mentee=mentee,
            mentor=mentor,
            status=Mentorship.Status.COMPLETED,
            origin=Mentorship.Origin.REQUEST,
            requested_by=mentee,
            created_at=start - timedelta(days=2),
            responded_at=start,
            started_at=start,
            ended_at=start + timedelta(days=rng.randint(80, 110)),
            end_reason="Goals met: first deals closed and a pipeline of their own.",
            fit=Mentorship.Fit.GOOD,
        )
        mentorships.append((m, "completed"))
    for mentee_name, mentor_name in sorted(mentor_of.items()):
        if mentee_name not in users or mentor_name not in users:
            continue
        mentee, mentor = users[mentee_name], users[mentor_name]
        old = replaced.get(mentee_name)
        start = old.ended_at if old else started(mentee)
        m = Mentorship(
            mentee=mentee,
            mentor=mentor,
            status=Mentorship.Status.ACTIVE,
            origin=Mentorship.Origin.REMATCH if old else Mentorship.Origin.REQUEST,
            requested_by=mentee,
            created_at=start - timedelta(days=1),
            responded_at=start,
            started_at=start,
            manager_access=shares.get(mentee.pk, False),
        )
        mentorships.append((m, "active"))
    for mentee_name, mentor_name, origin in pending:
        mentee, mentor = users[mentee_name], users[mentor_name]
        by = users["manager"] if origin == Mentorship.Origin.ASSIGNMENT and "manager" in users else mentee
        note = "" if by != mentee else (MENTEES.get(mentee_name, [None] * 6)[5] or "")
        m = Mentorship(
            mentee=mentee,
            mentor=mentor,
            status=Mentorship.Status.REQUESTED,
            origin=origin,
            requested_by=by,
            message=note,
            message_html=render_markdown(note),
            created_at=now - timedelta(hours=rng.randint(5, 60)),
            manager_access=shares.get(mentee.pk, False),
        )
        mentorships.append((m, "pending"))
    Mentorship.objects.bulk_create([m for m, _ in mentorships])
    for m, kind in mentorships:
        if kind == "active" and m.origin == Mentorship.Origin.REMATCH:
            m.replaces = replaced.get(m.mentee.username)
            m.save(update_fields=["replaces"])

    # --- Goals, check-ins and fit ratings ------------------------------------------------------------
    goals: list[Goal] = []
    checkins: list[CheckIn] = []
    ratings: list[FitRating] = []
    today = now.date()
    for m, kind in ctx.progress(mentorships, desc="mentorships"):
        if kind == "pending":
            continue
        end = m.ended_at or now
        weeks = max(int((end - m.started_at).days / 7), 0)
        # Goals from the mentee's goals.
        for i, skill_name in enumerate(goals_of.get(m.mentee_id, ["Discovery questioning"])[:3]):
            target = (m.started_at + timedelta(days=21 + 21 * i)).date()
            if kind == "completed":
                status = Goal.Status.ACHIEVED
            elif kind == "ended":
                status = Goal.Status.DROPPED
            elif target < today:
                status = Goal.Status.ACHIEVED if rng.random() < 0.75 else Goal.Status.IN_PROGRESS
                if status == Goal.Status.IN_PROGRESS:  # re-planned at the last check-in
                    target = today + timedelta(days=rng.randint(7, 21))
            else:
                status = Goal.Status.IN_PROGRESS if i == 0 else Goal.Status.OPEN
            goals.append(
                Goal(
                    mentorship=m,
                    title=GOAL_TITLES.get(skill_name, f"Grow {skill_name.lower()}"),
                    skill=skills.get(skill_name),
                    target_date=target,
                    status=status,
                    created_by=m.mentor,
                    created_at=m.started_at + timedelta(hours=1),
                )
            )
        # Check-ins every week or two, with notes; the next one scheduled.
        count = min(max(weeks // 2, 1 if weeks >= 1 else 0), 6)
        for i in range(count):
            day = timezone.localtime(m.started_at + timedelta(days=7 + 14 * i), ZoneInfo(m.mentor.timezone))
            when = day.replace(hour=rng.choice([10, 11, 16]), minute=0, second=0, microsecond=0)
            if when >= end:
                break
            notes, next_steps = CHECKIN_NOTES[(m.mentee_id + i) % len(CHECKIN_NOTES)]
            checkins.append(
                CheckIn(
                    mentorship=m,
                    scheduled_for=when,
                    status=CheckIn.Status.DONE,
                    agenda=AGENDAS[(m.mentee_id + i) % len(AGENDAS)],
                    notes=notes,
                    notes_html=render_markdown(notes),
                    next_steps=next_steps,
                    next_steps_html=render_markdown(next_steps),
                    created_by=m.mentor,
                    created_at=when - timedelta(days=5),
                    completed_at=when + timedelta(hours=1),
                )
            )
        if kind == "active":
            # Next check-in at 10:00 or 16:00 in the mentor's own time zone.
            local_day = timezone.localtime(now + timedelta(days=rng.randint(1, 6)), ZoneInfo(m.mentor.timezone))
            when = local_day.replace(hour=rng.choice([10, 16]), minute=0, second=0, microsecond=0)
            checkins.append(
                CheckIn(
                    mentorship=m,
                    scheduled_for=when,
                    agenda=AGENDAS[m.mentee_id % len(AGENDAS)],
                    created_by=m.mentor,
                    created_at=now - timedelta(days=1),
                )
            )
        if count >= 1:
            poor = m.fit == Mentorship.Fit.POOR
            for rater in (m.mentor, m.mentee):
                ratings.append(
                    FitRating(
                        mentorship=m,
                        rater=rater,
                        rating=(2 if rater == m.mentee else 3) if poor else rng.choice([4, 5, 5]),
                        comment="Our calendars barely overlap." if poor and rater == m.mentee else "",
                        created_at=m.started_at + timedelta(days=8),
                    )
                )
    Goal.objects.bulk_create(goals)
    CheckIn.objects.bulk_create(checkins)
    FitRating.objects.bulk_create(ratings)
    Mentorship.objects.filter(
        pk__in=[m.pk for m, kind in mentorships if kind == "active"], fit=Mentorship.Fit.UNRATED
    ).filter(fit_ratings__isnull=False).update(fit=Mentorship.Fit.GOOD)

    # --- Private coaching threads, with some history ------------------------------------------------
    from community.demo_threads import write_history
    from community.models import Thread

    from .services import _coaching_thread_open

    for i, (m, kind) in enumerate(mentorships):
        if kind not in ("active", "completed"):
            continue
        _coaching_thread_open(m)
        from community.discussion_services import thread_for_object

        thread = thread_for_object(m, create=False)
        script = [
            (m.mentee.username if who == "mentee" else m.mentor.username, text, reply)
            for who, text, reply in COACHING_SCRIPTS[i % len(COACHING_SCRIPTS)]
        ]
        # A completed mentorship's conversation happened before it ended; since then it is read-only.
        ended_days_ago = max((now - m.ended_at).total_seconds() / 86400, 0) if kind == "completed" else 0
        write_history(
            ctx,
            thread,
            script,
            users,
            start_days_ago=ended_days_ago + rng.uniform(6, 20),
            end_hours_ago=ended_days_ago * 24 + rng.uniform(2, 30),
        )
        if kind == "completed":
            Thread.objects.filter(pk=thread.pk).update(archived_at=min(m.ended_at, now))

    # --- Notifications for the pending requests (the bell shows them) -------------------------------
    for m, kind in mentorships:
        if kind == "pending":
            by_manager = m.requested_by_id != m.mentee_id
            notify(
                recipient=m.mentor,
                kind="mentoring.request",
                title=(
                    f"{m.requested_by.name} proposes you as {m.mentee.name}'s mentor"
                    if by_manager
                    else f"{m.mentee.name} asked you to be their mentor"
                ),
                url=m.get_absolute_url(),
                actor=m.requested_by,
            )

    # --- What the matcher said when each pending request was made (the mentor reads it) ------------
    for m, kind in mentorships:
        if kind == "pending":
            snapshot = match_pair(mentee=m.mentee, mentor=m.mentor, now=now)
            if snapshot:
                m.match_score, m.match_reasons = snapshot
                m.save(update_fields=["match_score", "match_reasons"])

    # --- Stored matches for every mentee (as the daily job would) -------------------------------------
    ctx.refresh_planner_stats()  # the matcher reads the profiles and mentorships written above
    refreshed = matches_refresh(now=now)
    ctx.shared["mentorships"] = [m for m, _ in mentorships]
    ctx.log(
        f"  {len(profiles)} mentors, {len(mentee_profiles)} mentees, {len(mentorships)} mentorships "
        f"({sum(1 for _, k in mentorships if k == 'active')} active, {len(pending)} pending), "
        f"{len(goals)} goals, {len(checkins)} check-ins, matches for {refreshed} mentees"
    )
