"""Builders for mentoring tests: mentors with profiles, mentees, techniques, practices, deals."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone
from wagtail.models import Page

from accounts.models import Team
from community.models import Deal, Evidence, Practice, Response, TechniqueIndexPage, TechniquePage
from mentoring.models import MenteeProfile, MentorProfile, Mentorship, MentorSkill
from taxonomy.models import SalesStage, SkillTag
from tests.factories import make_user

_n = itertools.count(1)


def skill(name: str) -> SkillTag:
    return SkillTag.objects.get(name=name)


def stage(name: str) -> SalesStage:
    return SalesStage.objects.get(name=name)


def team(name: str = "Enterprise East") -> Team:
    return Team.objects.get_or_create(name=name, slug=name.lower().replace(" ", "-"))[0]


def make_mentor(
    username: str | None = None,
    *,
    skills: dict[str, int] | None = None,
    capacity: int = 3,
    accepting: bool = True,
    tz: str = "Europe/Stockholm",
    region: str = "emea",
    languages: tuple[str, ...] = ("en",),
    styles: tuple[str, ...] = (),
    **fields,
):
    user = make_user(username or f"mentor{next(_n)}", roles=("mentor",), timezone=tz, region=region, **fields)
    profile = MentorProfile.objects.create(
        user=user, capacity=capacity, accepting=accepting, languages=list(languages), styles=list(styles)
    )
    for name, level in (skills or {"Discovery questioning": 3}).items():
        MentorSkill.objects.create(profile=profile, skill=skill(name), level=level)
    return user


def make_mentee(
    username: str | None = None,
    *,
    goals: tuple[str, ...] = ("Discovery questioning",),
    tz: str = "America/New_York",
    region: str = "na",
    style: str = "",
    when: str = "any",
    languages: tuple[str, ...] = ("en",),
    share: bool = False,
    started_days_ago: int = 30,
    **fields,
):
    user = make_user(
        username or f"hire{next(_n)}",
        roles=("new_hire",),
        timezone=tz,
        region=region,
        start_date=timezone.localdate() - timedelta(days=started_days_ago),
        **fields,
    )
    profile = MenteeProfile.objects.create(
        user=user, preferred_style=style, preferred_time=when, languages=list(languages), share_with_manager=share
    )
    profile.goals.set([skill(g) for g in goals])
    return user


def technique_index() -> TechniqueIndexPage:
    existing = TechniqueIndexPage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    return root.add_child(instance=TechniqueIndexPage(title="Techniques", slug=f"techniques-{next(_n)}"))


def make_technique(
    author, *, stage_name: str = "Discovery", skills: tuple[str, ...] = (), evidence: str = Evidence.PROVEN
):
    n = next(_n)
    page = TechniquePage(
        title=f"Technique {n}",
        slug=f"technique-{n}",
        summary="Gets the budget on the table in the first call.",
        author=author,
        stage=stage(stage_name),
        body=[],
        evidence=evidence,
    )
    technique_index().add_child(instance=page)
    page.skills.set([skill(s) for s in skills])
    page.save()
    return page


def log_practices(rep, technique, *, stage_name: str, successes: int, failures: int, days_ago: int = 10) -> None:
    when = timezone.now() - timedelta(days=days_ago)
    rows = [Response.MEETING_BOOKED] * successes + [Response.STALLED] * failures
    Practice.objects.bulk_create(
        [Practice(rep=rep, technique=technique, stage=stage(stage_name), response=r, practised_at=when) for r in rows]
    )


def won_deal(owner, closed: date) -> Deal:
    n = next(_n)
    return Deal.objects.create(
        external_id=f"OPP-{n}", name=f"Deal {n}", owner=owner, status=Deal.Status.WON, closed_date=closed
    )


def activate(mentee, mentor, *, started_days_ago: int = 5, **fields) -> Mentorship:
    start = timezone.now() - timedelta(days=started_days_ago)
    return Mentorship.objects.create(
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        requested_by=mentee,
        started_at=start,
        responded_at=start,
        **fields,
    )


class Browser:
    """A signed-in browser with CSRF enforced that sends the token like a real form does."""

    def __init__(self, client) -> None:
        self.client = client

    def _token(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get("/accounts/profile/")
        return self.client.cookies["csrftoken"].value

    def get(self, path: str, *args, **kwargs):
        return self.client.get(path, *args, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, {**(data or {}), "csrfmiddlewaretoken": self._token()}, **kwargs)


def active_pair():
    """boss (manager) → nina (mentee) with sofia (mentor), in an active mentorship with its coaching thread."""
    from types import SimpleNamespace

    from community.discussion_services import thread_for_object
    from mentoring import services

    boss = make_user("boss", roles=("manager",))
    mentor = make_mentor("sofia", display_name="Sofia Lindqvist")
    mentee = make_mentee("nina", display_name="Nina Patel", manager=boss)
    m, _ = services.mentorship_request(mentee=mentee, mentor=mentor, requested_by=mentee)
    services.mentorship_accept(mentorship=m, by=mentor)
    m.refresh_from_db()
    return SimpleNamespace(m=m, mentor=mentor, mentee=mentee, boss=boss, thread=thread_for_object(m, create=False))
