"""Demo techniques, deals and practices: outcomes drawn from a model with known true effects.

The model (all numbers are the demo's ground truth, shared in ctx.shared):
- each stage has a base chance that the buyer responds well (prospecting 30%, ..., closing 55%);
- each technique adds its true effect (community.techniques.demo_content), some of them only
  until 90 days ago (drift);
- reps differ: rainmakers +8 points; experienced reps 0; new hires start 14 points below and
  close the gap over their ramp, about 60 days with a mentor (ctx.shared["mentor_of"]) and 160
  without, mentored hires pick proven techniques more often and their deals get a mentor's review (+6
  points on each stage's chance to move on);
- each deal walks through the stages from its creation date; at each stage the rep practises
  0-3 techniques of that stage, the responses are drawn from the chances above, and the deal
  advances, stalls, is lost or won depending on those responses. So techniques that work also
  win more deals, and a new hire's first win (ramp time) comes from the same model.
Recent practices are partly still "pending"; where the deal has since moved, the rep is asked
"what happened?" with the likely answer prefilled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models.signals import ModelSignal
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from accounts.models import User
from community.models import Deal, Practice, PracticeSource, Response, TechniquePage, TechniqueReview
from core.demo import DemoContext
from core.markdown import render_markdown
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from . import stats
from .demo_content import (
    NEEDS_CHANGES,
    PENDING_SUBMISSIONS,
    REVIEW_COMMENTS_CHANGES,
    REVIEW_COMMENTS_ENDORSE,
    TECHNIQUES,
    DemoTechnique,
)
from .services import TechniqueDraft, followups_ask, technique_moderate, technique_submit, technique_update
from .setup import ensure_index_page

HISTORY_DAYS = 270
BASE_RATE = {
    "prospecting": 0.30,
    "discovery": 0.45,
    "qualification": 0.42,
    "solution-demo": 0.50,
    "proposal": 0.40,
    "negotiation": 0.42,
    "closing": 0.55,
}
STAGE_ORDER = list(BASE_RATE)
SUCCESS_RESPONSES = {
    "prospecting": [(Response.MEETING_BOOKED, 8), (Response.NEXT_STEP_AGREED, 2)],
    "discovery": [(Response.NEXT_STEP_AGREED, 6), (Response.MEETING_BOOKED, 4)],
    "qualification": [(Response.NEXT_STEP_AGREED, 6), (Response.STAGE_ADVANCED, 4)],
    "solution-demo": [(Response.NEXT_STEP_AGREED, 5), (Response.STAGE_ADVANCED, 5)],
    "proposal": [(Response.STAGE_ADVANCED, 5), (Response.NEXT_STEP_AGREED, 5)],
    "negotiation": [(Response.STAGE_ADVANCED, 6), (Response.NEXT_STEP_AGREED, 4)],
    "closing": [(Response.NEXT_STEP_AGREED, 10)],
}
RAINMAKER_SKILL = 0.08
NEW_HIRE_GAP = -0.14
RAMP_DAYS_MENTORED = 60
RAMP_DAYS_ALONE = 160
DRIFT_DAYS = 90

ACCOUNTS = [
    "Northwind Logistics",
    "Helios Health",
    "Brightline Bank",
    "Cobalt Manufacturing",
    "Vantage Retail",
    "Meridian Telecom",
    "Atlas Freight",
    "Summit Insurance",
    "Keystone Energy",
    "Lumen Learning",
    "Harbor Foods",
    "Pioneer Pharma",
    "Quartz Analytics",
    "Redwood Credit Union",
    "Sterling Hotels",
    "Tidewater Shipping",
    "Uplift Education",
    "Verdant Utilities",
    "Westfield Clinics",
    "Zenith Aerospace",
    "Apex Components",
    "Beacon Payments",
    "Crescent Media",
    "Delta Cold Chain",
    "Evergreen Grocers",
    "Fjord Maritime",
    "Granite Construction",
    "Horizon Airlines",
    "Iris Diagnostics",
    "Juniper Software",
    "Kestrel Security",
    "Lighthouse Capital",
    "Mosaic Fashion",
    "Nimbus Cloud",
    "Orchid Cosmetics",
    "Polaris Robotics",
    "Quill Publishing",
    "Riverbend Water",
    "Sakura Electronics",
    "Tasman Wines",
    "Umber Chemicals",
    "Vista Telecom",
    "Willow Care Homes",
    "Yarra Logistics",
    "Zephyr Wind",
    "Alpine Dairy",
    "Bramble Insurance",
    "Cascade Medical",
    "Dune Mobility",
    "Ember Foods",
]
DEAL_KINDS = [
    "Sales onboarding platform",
    "Enablement rollout",
    "Global expansion",
    "Pilot to enterprise",
    "Renewal and upsell",
    "New business unit",
    "Regional rollout",
    "Partner channel enablement",
]
CURRENCY_BY_REGION = {"na": "USD", "latam": "USD", "emea": "EUR", "apac": "AUD"}
NOTES = [
    "Champion loved the talk track; asked me to send it to her VP.",
    "Buyer pushed back on timing, but agreed to a **follow-up next Tuesday**.",
    "CFO joined unexpectedly; the cost-of-inaction number landed well.",
    "Procurement wants our security pack first.",
    "Went quiet after the call; will try a different thread.",
    "They asked for three references in their industry.",
    "Used it almost word for word. It felt natural after the second try.",
    "Objection was budget timing, not price. Re-planned to Q3.",
    "The economic buyer asked good questions; we booked the next meeting on the spot.",
    "No answer to the recap e-mail yet.",
]


@dataclass
class Rep:
    user: User
    kind: str  # "rainmaker", "experienced", "new_hire"
    start: date
    mentored: bool = False
    deals: list = field(default_factory=list)

    def skill(self, day: date) -> float:
        if self.kind == "rainmaker":
            return RAINMAKER_SKILL
        if self.kind == "experienced":
            return 0.0
        ramp = RAMP_DAYS_MENTORED if self.mentored else RAMP_DAYS_ALONE
        progress = min(1.0, max(0.0, (day - self.start).days / ramp))
        return NEW_HIRE_GAP * (1 - progress)


def _clip(p: float) -> float:
    return min(0.95, max(0.03, p))


def _choice(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- Techniques ---------------------------------------------------------------------------------


def _body(t: DemoTechnique) -> list:
    blocks: list = [("situation", t.situation), ("approach", t.approach)]
    if t.talk_track:
        blocks.append(("talk_track", {"context": t.talk_track[0], "wording": t.talk_track[1]}))
    for objection, reply in t.objections:
        blocks.append(("objection", {"objection": objection, "reply": reply}))
    if t.pitfalls:
        blocks.append(("pitfalls", t.pitfalls))
    if t.quote:
        blocks.append(("quote", {"quote": t.quote[0], "attribution": t.quote[1]}))
    return blocks


def _terms(ctx_terms: dict, keys) -> list:
    return [ctx_terms[k] for k in keys if k in ctx_terms]


def _draft(t: DemoTechnique, stages, personas, industries, skills) -> TechniqueDraft:
    return TechniqueDraft(
        title=t.title,
        summary=t.summary,
        stage=stages[t.stage],
        personas=_terms(personas, t.personas),
        industries=_terms(industries, t.industries),
        skills=_terms(skills, t.skills),
        situation=t.situation,
        approach=t.approach,
        talk_track=t.talk_track[1] if t.talk_track else "",
        talk_track_context=t.talk_track[0] if t.talk_track else "",
        objections=list(t.objections),
        pitfalls=t.pitfalls,
    )


def _publish_techniques(ctx: DemoContext, users: dict, terms: tuple) -> list[tuple[TechniquePage, DemoTechnique]]:
    stages, personas, industries, skills = terms
    index = ensure_index_page()
    now = ctx.now
    out = []
    for t in ctx.progress(TECHNIQUES, desc="techniques"):
        author = users.get(t.author)
        age = ctx.rng.randint(4, 45) if t.popularity < 0.3 else ctx.rng.randint(200, 330)
        published_at = now - timedelta(days=age, hours=ctx.rng.randint(0, 9))
        page = TechniquePage(
            title=t.title,
            slug=slugify(t.title)[:70].strip("-"),
            summary=t.summary,
            author=author,
            owner=author,
            stage=stages[t.stage],
            body=_body(t),
            live=True,
        )
        page.personas = _terms(personas, t.personas)
        page.industries = _terms(industries, t.industries)
        page.skills = _terms(skills, t.skills)
        index.add_child(instance=page)
        revision = page.save_revision(user=author)
        revision.publish(user=author, log_action=False, skip_permission_checks=True)
        # Some techniques were edited after publication ("updated" on the page).
        updated_at = published_at
        if age > 60 and ctx.rng.random() < 0.25:
            updated_at = published_at + timedelta(days=ctx.rng.randint(20, age - 10))
        TechniquePage.objects.filter(pk=page.pk).update(
            first_published_at=published_at,
            last_published_at=updated_at,
            latest_revision_created_at=updated_at,
        )
        Revision.objects.filter(pk=revision.pk).update(created_at=updated_at)
        page.first_published_at, page.last_published_at = published_at, updated_at
        out.append((page, t))
    return out


def _reviews(ctx: DemoContext, published, rainmakers: list[User]) -> None:
    rows = []
    for page, t in published:
        candidates = [u for u in rainmakers if u.username != t.author]
        count = ctx.rng.choices([0, 1, 2, 3, 4], weights=[2, 3, 3, 2, 1])[0]
        for reviewer in ctx.rng.sample(candidates, min(count, len(candidates))):
            changes = ctx.rng.random() < 0.15
            comment = ctx.rng.choice(REVIEW_COMMENTS_CHANGES if changes else REVIEW_COMMENTS_ENDORSE)
            when = page.first_published_at + timedelta(days=ctx.rng.randint(1, 40), hours=ctx.rng.randint(0, 20))
            when = min(when, ctx.now - timedelta(hours=2))
            rows.append(
                TechniqueReview(
                    technique=page,
                    reviewer=reviewer,
                    verdict=TechniqueReview.Verdict.REQUEST_CHANGES if changes else TechniqueReview.Verdict.ENDORSE,
                    comment=comment,
                    comment_html=render_markdown(comment),
                    created_at=when,
                )
            )
    TechniqueReview.objects.bulk_create(rows)
    for row in rows:  # auto_now wrote "now"; keep the review dates believable
        TechniqueReview.objects.filter(pk=row.pk).update(updated_at=row.created_at)


def _moderation_queue(ctx: DemoContext, users: dict, terms: tuple, published) -> None:
    """A few submissions waiting for managers, one sent back, one pending edit of a live page."""
    manager = users["manager"]
    for t in PENDING_SUBMISSIONS:
        technique_submit(author=users[t.author], draft=_draft(t, *terms))
    sent_back, comment = NEEDS_CHANGES
    page = technique_submit(author=users[sent_back.author], draft=_draft(sent_back, *terms))
    technique_moderate(technique=page, moderator=manager, action="reject", comment=comment)
    edited, t = next((p, t) for p, t in published if t.author == "kenji.sato" and "recap" in t.title)
    draft = _draft(t, *terms)
    draft.pitfalls = (
        "A recap that describes *your* product is not a recap. And send it within the hour: after a day, "
        "the buyer's memory of the call has already faded."
    )
    technique_update(technique=edited, editor=users["kenji.sato"], draft=draft)
    # Submitted over the last few days, not all at this very second.
    for i, state in enumerate(WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).order_by("pk")):
        when = ctx.now - timedelta(days=5 - i, hours=ctx.rng.randint(1, 8))
        WorkflowState.objects.filter(pk=state.pk).update(created_at=when)
        TaskState.objects.filter(workflow_state=state).update(started_at=when)


# --- Deals and practices ------------------------------------------------------------------------


def _reps(ctx: DemoContext, users: list[User]) -> list[Rep]:
    mentored = set(ctx.shared.get("mentor_of", {})) | set(ctx.shared.get("alumni_mentor_of", {}))
    # New hires, and recent joiners who ramped inside the simulated history ("alumni").
    ramping = set(ctx.shared.get("ramping", ()))
    reps = []
    for user in users:
        if user.is_manager or (user.is_mentor and not user.is_rainmaker):
            continue  # managers and full-time coaches carry no deals
        ramps = user.is_new_hire or user.username in ramping
        kind = "rainmaker" if user.is_rainmaker else "new_hire" if ramps else "experienced"
        reps.append(Rep(user=user, kind=kind, start=user.start_date, mentored=user.username in mentored))
    return reps


@dataclass
class Simulation:
    ctx: DemoContext
    pool: dict  # stage slug -> [(page, DemoTechnique)]
    stages: dict
    deals: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    personas_of: dict = field(default_factory=dict)  # page pk -> its personas
    moved: dict = field(default_factory=dict)  # index of pending practice -> suggested response
    practice_deal: list = field(default_factory=list)  # index into deals per practice
    counter: int = 0

    def effect(self, t: DemoTechnique, day: date) -> float:
        if t.recent_effect is not None and (self.ctx.now.date() - day).days <= DRIFT_DAYS:
            return t.recent_effect
        return t.effect

    def pick(self, rep: Rep, stage: str, day: date, count: int) -> list:
        rng = self.ctx.rng
        options = []
        for page, t in self.pool.get(stage, []):
            if page.first_published_at.date() > day:
                continue
            weight = t.popularity
            if t.author == rep.user.username:
                weight *= 3
            if rep.kind == "new_hire" and rep.mentored:
                weight *= 1 + 5 * max(t.effect, 0)  # mentors point them to what works
            options.append(((page, t), weight))
        chosen = []
        for _ in range(count):
            remaining = [(o, w) for o, w in options if o not in chosen]
            if not remaining:
                break
            chosen.append(_choice(rng, remaining))
        return chosen

    def deal(self, rep: Rep, created: date) -> None:
        rng, now = self.ctx.rng, self.ctx.now
        today = now.date()
        self.counter += 1
        account = rng.choice(ACCOUNTS)
        size = 2.2 if rep.kind == "rainmaker" else 0.7 if rep.kind == "new_hire" else 1.0
        amount = Decimal(round(rng.lognormvariate(10.6, 0.5) * size, -2))
        deal = {
            "external_id": f"006{rep.user.pk:03d}{self.counter:05d}",
            "name": f"{account} — {rng.choice(DEAL_KINDS)}",
            "account": account,
            "amount": amount,
            "currency": CURRENCY_BY_REGION.get(rep.user.region, "USD"),
            "owner": rep.user,
            "created_date": created,
            "status": Deal.Status.OPEN,
            "closed_date": None,
            "stage": None,
        }
        index = len(self.deals)
        self.deals.append(deal)
        if rep.kind == "new_hire":
            # Smaller mid-market deals, often inbound: a shorter path, and more of it rides on skill.
            path = ["discovery", "solution-demo", "proposal", "closing"]
            if rng.random() < 0.4:
                path.insert(0, "prospecting")
            advance_base, skill_weight = 0.80, 1.5
            if rep.mentored:
                advance_base += 0.06  # the mentor reviews the deal with them
        else:
            path = STAGE_ORDER if rng.random() < 0.6 else STAGE_ORDER[1:]
            advance_base, skill_weight = 0.72, 1.2
        day = created
        for stage in path:
            position = STAGE_ORDER.index(stage)
            deal["stage"] = self.stages[stage]
            if day > today:
                return
            duration = {"rainmaker": (5, 16), "experienced": (7, 20), "new_hire": (5, 13)}[rep.kind]
            duration = rng.randint(*duration)
            weights = {
                "rainmaker": [0, 25, 45, 30],
                "experienced": [5, 35, 40, 20],
                "new_hire": [10, 40, 35, 15],
            }[rep.kind]
            if position >= 4 or rep.user.username == "newhire":  # late-stage deals get more attention
                weights = [0, 20, 45, 35]
            count = rng.choices([0, 1, 2, 3], weights=weights)[0]
            outcomes = []
            pending_indexes = []
            for page, t in self.pick(rep, stage, day, count):
                when = day + timedelta(days=rng.randint(0, max(1, int(duration * 0.6))))
                if when > today:
                    continue
                p = _clip(BASE_RATE[stage] + rep.skill(when) + self.effect(t, when))
                success = rng.random() < p
                outcomes.append(success)
                practised_at = timezone.make_aware(
                    datetime.combine(when, datetime.min.time())
                    + timedelta(hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
                )
                practised_at = min(practised_at, now - timedelta(minutes=30))
                recent = (today - when).days <= 12
                if success:
                    response = _choice(rng, SUCCESS_RESPONSES[stage])
                else:
                    response = _choice(rng, [(Response.NO_RESPONSE, 4), (Response.STALLED, 4)])
                if recent and rng.random() < 0.55:
                    response = Response.PENDING
                source = _choice(
                    rng, [(PracticeSource.MANUAL, 75), (PracticeSource.IMPORT, 15), (PracticeSource.API, 10)]
                )
                note = rng.choice(NOTES) if rng.random() < 0.18 else ""
                self.practices.append(
                    Practice(
                        rep=rep.user,
                        technique=page,
                        stage=self.stages[stage],
                        persona=rng.choice(self.personas_of[page.pk]) if self.personas_of[page.pk] else None,
                        practised_at=practised_at,
                        response=response,
                        responded_at=None
                        if response == Response.PENDING
                        else practised_at + timedelta(days=rng.randint(0, 4)),
                        note=note,
                        note_html=render_markdown(note),
                        source=source,
                        external_id=None
                        if source == PracticeSource.MANUAL
                        else f"{source}-{len(self.practices) + 1:06d}",
                        created_at=practised_at,
                    )
                )
                self.practice_deal.append(index)
                if response == Response.PENDING:
                    pending_indexes.append(len(self.practices) - 1)
            # Did the deal move on? Good responses move it; rainmakers keep deals alive.
            tried = len(outcomes)
            wins = sum(outcomes)
            advance = advance_base + (0.35 * (wins / tried - 0.5) if tried else 0) + rep.skill(day) * skill_weight
            moved_on = rng.random() < min(0.92, max(0.15, advance))
            next_day = day + timedelta(days=duration)
            if next_day > today:
                return  # still at this stage
            if stage == "closing" and moved_on:
                deal.update(status=Deal.Status.WON, closed_date=next_day)
                for i in pending_indexes:
                    self.moved[i] = Response.WON
                return
            if not moved_on:
                if (today - next_day).days < 45 and rng.random() < 0.5:
                    for i in pending_indexes:
                        self.moved[i] = Response.STALLED
                    return  # stalled, still open
                deal.update(status=Deal.Status.LOST, closed_date=next_day)
                for i in pending_indexes:
                    self.moved[i] = Response.LOST
                return
            for i in pending_indexes:
                self.moved[i] = Response.STAGE_ADVANCED
            day = next_day

    def run(self, reps: list[Rep]) -> None:
        rng, today = self.ctx.rng, self.ctx.now.date()
        for rep in self.ctx.progress(reps, desc="deals"):
            begin = max(today - timedelta(days=HISTORY_DAYS), rep.start + timedelta(days=5))
            every = {"rainmaker": 4, "experienced": 5, "new_hire": 6}[rep.kind]
            if rep.user.username == "newhire":
                every = 2  # the demo's new hire is busy: a full "My practice" after three weeks
            day = begin
            while day <= today - timedelta(days=2):
                self.deal(rep, day)
                day += timedelta(days=max(1, int(rng.expovariate(1 / every))))


def seed(ctx: DemoContext) -> None:
    users_by_name: dict[str, User] = ctx.shared["users_by_username"]
    stages = {s.slug: s for s in SalesStage.objects.all()}
    personas = {p.slug: p for p in BuyerPersona.objects.all()}
    industries = {i.slug: i for i in Industry.objects.all()}
    skills = {s.name: s for s in SkillTag.objects.all()}
    terms = (stages, personas, industries, skills)

    # Wagtail e-mails moderators on workflow events; the demo's moderation history is not news.
    muted = _mute_wagtail_emails()
    try:
        published = _publish_techniques(ctx, users_by_name, terms)
        rainmakers = [u for u in ctx.shared["users"] if u.is_rainmaker]
        _reviews(ctx, published, rainmakers)

        pool: dict[str, list] = {}
        for page, t in published:
            pool.setdefault(t.stage, []).append((page, t))
        personas_of = {page.pk: [personas[k] for k in t.personas if k in personas] for page, t in published}
        sim = Simulation(ctx=ctx, pool=pool, stages=stages, personas_of=personas_of)
        sim.run(_reps(ctx, ctx.shared["users"]))

        deals = Deal.objects.bulk_create([Deal(**d) for d in sim.deals], batch_size=500)
        for practice, deal_index in zip(sim.practices, sim.practice_deal, strict=True):
            practice.deal = deals[deal_index]
        Practice.objects.bulk_create(sim.practices, batch_size=1000)
        ctx.refresh_planner_stats()  # what follows reads thousands of fresh deals and practices
        # The CRM import moved some deals of pending practices: ask the reps what happened.
        moved_deals = {}
        for i, suggestion in sim.moved.items():
            moved_deals[sim.practices[i].deal_id] = suggestion
        followups_ask(moved=moved_deals)

        _moderation_queue(ctx, users_by_name, terms, published)
    finally:
        _unmute(muted)

    stats.recompute(None, now=ctx.now)
    ctx.shared["techniques"] = [page for page, _ in published]
    ctx.shared["techniques_by_slug"] = {page.slug: page for page, _ in published}
    ctx.shared["technique_true_effects"] = {page.slug: t.effect for page, t in published}
    ctx.shared["technique_true_lift"] = _expected_lifts(published)
    ctx.shared["technique_recent_effects"] = {
        page.slug: t.recent_effect for page, t in published if t.recent_effect is not None
    }
    ctx.log(
        f"  {len(published)} techniques, {len(deals)} deals, {len(sim.practices)} practices, "
        f"{len(PENDING_SUBMISSIONS) + 2} in moderation"
    )


def _expected_lifts(published) -> dict[str, float]:
    """The lift each technique should show against its baseline (the other techniques at its
    stage, weighted by how often they are used): its true effect minus theirs."""
    out = {}
    for page, t in published:
        others = [(o.popularity, o.effect) for _, o in published if o.stage == t.stage and o is not t]
        weight = sum(w for w, _ in others)
        baseline = sum(w * e for w, e in others) / weight if weight else 0.0
        out[page.slug] = round(t.effect - baseline, 3)
    return out


def _mute_wagtail_emails() -> list[tuple[ModelSignal, object, object, str]]:
    from wagtail.admin import signal_handlers as handlers

    pairs = [
        (task_submitted, handlers.task_submission_email_notifier, "group_approval_task_submitted_email_notification"),
        (
            workflow_submitted,
            handlers.workflow_submission_email_notifier,
            "workflow_state_submitted_email_notification",
        ),
        (workflow_rejected, handlers.workflow_rejection_email_notifier, "workflow_state_rejected_email_notification"),
        (workflow_approved, handlers.workflow_approval_email_notifier, "workflow_state_approved_email_notification"),
    ]
    muted = []
    for signal, receiver, uid in pairs:
        sender = signal_sender(uid)
        if signal.disconnect(receiver, sender=sender, dispatch_uid=uid):
            muted.append((signal, receiver, sender, uid))
    return muted


def signal_sender(uid: str):
    from wagtail.models import TaskState, WorkflowState

    return TaskState if uid.startswith("group_approval") else WorkflowState


def _unmute(muted) -> None:
    for signal, receiver, sender, uid in muted:
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
