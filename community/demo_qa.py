"""Demo questions and answers: 150+ questions a B2B sales team asks, answered by its rainmakers.

Runs after the people (and techniques) seeders. Answers cite published techniques when any
exist (`TechniquePage.objects.live()`), matched by stage and skill; without techniques the
answers simply cite none. A few recent questions stay unanswered and are routed to the demo
`rainmaker` and `mentor`. Deterministic (ctx.rng only) and fast: rows are bulk-written, and
reputation is recomputed from its events at the end.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F

from community.demo_qa_content import (
    ANSWER_OPENERS,
    CLOSERS,
    COMMENTS,
    DEAL_CONTEXTS,
    TOPICS,
    UNANSWERED,
)
from community.models import (
    Answer,
    AnswerCitation,
    Comment,
    DealSize,
    Flag,
    Follow,
    FollowTarget,
    Post,
    PostRevision,
    Question,
    QuestionRouting,
    Vote,
)
from core.demo import DemoContext
from core.markdown import render_markdown
from notifications.services import notify
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from .qa import reputation, routing


def _when(ctx: DemoContext, days_ago: float):
    return ctx.now - timedelta(days=days_ago, minutes=ctx.rng.randint(0, 600))


def seed(ctx: DemoContext) -> None:
    from community.models import TechniquePage

    rng = ctx.rng
    users = ctx.shared.get("users") or []
    by_username = ctx.shared.get("users_by_username") or {u.username: u for u in users}
    if not users:
        return
    answerers = [u for u in users if (u.is_rainmaker or u.is_mentor) and u.username not in ("rainmaker", "mentor")]
    fixed_answerers = [by_username[n] for n in ("rainmaker", "mentor") if n in by_username]
    askers = [u for u in users if u.is_new_hire or not (u.is_rainmaker or u.is_mentor or u.is_manager)]
    everyone = [u for u in users if not u.is_manager] or users
    stages = {s.name: s for s in SalesStage.objects.all()}
    personas = {p.name: p for p in BuyerPersona.objects.all()}
    skills = {s.name: s for s in SkillTag.objects.all()}
    industries = list(Industry.objects.all())
    expertise: dict[int, set[int]] = {}
    for uid, sid in users[0].__class__.expertise.through.objects.values_list("user_id", "skilltag_id"):
        expertise.setdefault(uid, set()).add(sid)
    techniques = list(TechniquePage.objects.live().specific().order_by("pk")) if TechniquePage else []
    tech_skills: dict[int, set[int]] = {}
    if techniques:
        through = TechniquePage.skills.through
        for tid, sid in through.objects.filter(techniquepage_id__in=[t.pk for t in techniques]).values_list(
            "techniquepage_id", "skilltag_id"
        ):
            tech_skills.setdefault(tid, set()).add(sid)

    questions: list[tuple[Question, dict]] = []
    rows = [(topic, title, detail) for topic in TOPICS for title, detail in topic["questions"]]
    rng.shuffle(rows)
    n_rows = len(rows)
    for i, (topic, title, detail) in enumerate(ctx.progress(rows, desc="questions")):
        asker = rng.choice(askers) if rng.random() < 0.85 else rng.choice(everyone)
        # Older questions first; a fifth of them this month.
        days_ago = 3 + (n_rows - i) * (150 / n_rows) * rng.uniform(0.7, 1.0)
        created = _when(ctx, days_ago)
        industry = rng.choice(industries) if industries else None
        size = rng.choice(DealSize.values)
        deal_stage = stages.get(topic["stage"])
        body = detail
        told_context = rng.random() < 0.7
        if told_context:
            lead = rng.choice(DEAL_CONTEXTS).format(
                size=DealSize(size).label,
                industry=(industry.name if industry else "software"),
                deal_stage=(deal_stage.name if deal_stage else "proposal"),
            )
            body = f"{lead} and I'm stuck. {detail}"
        body += f"\n\n{rng.choice(CLOSERS)}"
        # A body that names the deal carries the same context in the structured fields.
        with_context = rng.random() < 0.6 or told_context
        q = Question(
            author=asker,
            title=title,
            body=body,
            body_html=render_markdown(body),
            stage=stages.get(topic["stage"]),
            persona=personas.get(topic["persona"]) if rng.random() < 0.8 else None,
            deal_industry=industry if with_context else None,
            deal_size=size if with_context else "",
            deal_stage=deal_stage if with_context else None,
            created_at=created,
            last_activity_at=created,
        )
        q.save()
        tag_objs = [skills[name] for name in topic["tags"] if name in skills]
        q.tags.set(tag_objs[: rng.randint(1, len(tag_objs))] if tag_objs else [])
        questions.append((q, topic))

    revisions = [
        PostRevision(post_id=q.pk, number=1, editor=q.author, title=q.title, body=q.body, created_at=q.created_at)
        for q, _ in questions
    ]
    follows = [Follow(user=q.author, target=FollowTarget.QUESTION, question=q) for q, _ in questions]

    # Answers, by the people whose expertise fits best (with some randomness).
    citations: list[AnswerCitation] = []
    all_posts: list[Post] = []
    for q, topic in ctx.progress(questions, desc="answers"):
        all_posts.append(q)
        topic_tags = {skills[n].pk for n in topic["tags"] if n in skills}
        pool = sorted(
            answerers + fixed_answerers,
            key=lambda u: (-len(expertise.get(u.pk, set()) & topic_tags) - rng.random() * 1.5, u.pk),
        )
        pool = [u for u in pool if u.pk != q.author_id]
        n_answers = rng.choices([1, 2, 3, 4], weights=[3, 4, 3, 1])[0]
        texts = rng.sample(topic["answers"], k=min(n_answers, len(topic["answers"])))
        q_answers = []
        openers = rng.sample(ANSWER_OPENERS, k=min(len(texts), len(ANSWER_OPENERS)))
        t = q.created_at
        for j, text in enumerate(texts):
            author = pool[j] if j < len(pool) else rng.choice(pool)
            t = t + timedelta(hours=rng.uniform(0.3, 30))
            if t > ctx.now:
                t = ctx.now - timedelta(minutes=rng.randint(1, 90))
            body = openers[j % len(openers)] + text
            a = Answer(question=q, author=author, body=body, body_html=render_markdown(body), created_at=t)
            a.save()
            q_answers.append(a)
            all_posts.append(a)
            revisions.append(PostRevision(post_id=a.pk, number=1, editor=author, body=body, created_at=t))
            if techniques and rng.random() < 0.45:
                stage_id = q.stage_id
                fits = [
                    tech
                    for tech in techniques
                    if tech.stage_id == stage_id or tech_skills.get(tech.pk, set()) & topic_tags
                ] or techniques
                for pos, tech in enumerate(rng.sample(fits, k=min(len(fits), rng.choice([1, 1, 2])))):
                    citations.append(AnswerCitation(answer=a, technique=tech, position=pos))
        last = max([a.created_at for a in q_answers] + [q.created_at])
        Question.objects.filter(pk=q.pk).update(answer_count=len(q_answers), last_activity_at=last)
        q.answer_count = len(q_answers)
        q._answers = q_answers  # type: ignore[attr-defined]

    AnswerCitation.objects.bulk_create(citations, batch_size=500)

    # Votes: most posts get a few; good answers more.
    votes: list[Vote] = []
    totals: dict[int, list[int]] = {}
    for post in all_posts:
        is_answer = isinstance(post, Answer)
        n = rng.choices([0, 1, 2, 3, 5, 8, 12], weights=[2, 3, 3, 3, 2, 1, 1 if is_answer else 0.2])[0]
        voters = rng.sample(everyone, k=min(n, len(everyone)))
        up = down = 0
        for voter in voters:
            if voter.pk == post.author_id:
                continue
            value = 1 if rng.random() < (0.9 if is_answer else 0.85) else -1
            when = post.created_at + timedelta(hours=rng.uniform(1, 72))
            when = min(when, ctx.now)
            votes.append(Vote(post_id=post.pk, user=voter, value=value, created_at=when, updated_at=when))
            up, down = up + (value == 1), down + (value == -1)
        totals[post.pk] = [up, down]
    Vote.objects.bulk_create(votes, batch_size=1000)
    for pk, (up, down) in totals.items():
        if up or down:
            Post.objects.filter(pk=pk).update(score=up - down, upvotes=up, downvotes=down)

    # Accepted answers: the asker picks the best-voted one on about 65% of questions.
    for q, _ in questions:
        answers = q._answers  # type: ignore[attr-defined]
        if not answers or rng.random() > 0.65:
            continue
        best = max(answers, key=lambda a: (totals.get(a.pk, [0, 0])[0] - totals.get(a.pk, [0, 0])[1], -a.pk))
        when = min(best.created_at + timedelta(hours=rng.uniform(2, 48)), ctx.now)
        Answer.objects.filter(pk=best.pk).update(is_accepted=True)
        Question.objects.filter(pk=q.pk).update(accepted_answer=best, closed_at=when, last_activity_at=when)

    # Comments: clarifications on about a third of the posts.
    comments: list[Comment] = []
    counts: dict[int, int] = {}
    for post in all_posts:
        if rng.random() > 0.33:
            continue
        for _ in range(rng.choice([1, 1, 2])):
            author = rng.choice(everyone)
            text = rng.choice(COMMENTS)
            when = min(post.created_at + timedelta(hours=rng.uniform(0.5, 48)), ctx.now)
            comments.append(
                Comment(post_id=post.pk, author=author, body=text, body_html=render_markdown(text), created_at=when)
            )
            counts[post.pk] = counts.get(post.pk, 0) + 1
    Comment.objects.bulk_create(comments, batch_size=1000)
    for pk, n in counts.items():
        Post.objects.filter(pk=pk).update(comment_count=F("comment_count") + n)

    # A few flags waiting in the managers' moderation queue.
    flag_notes = [
        ("wrong", "Offering a discount before discovery goes against our pricing policy."),
        ("spam", "Links to an external course, looks like self-promotion."),
        ("wrong", "This contradicts what legal told us about liability caps."),
    ]
    answers_only = [p for p in all_posts if isinstance(p, Answer)]
    for (reason, note), post in zip(flag_notes, rng.sample(answers_only, k=min(3, len(answers_only))), strict=False):
        flagger = rng.choice([u for u in everyone if u.pk != post.author_id])
        Flag.objects.create(post_id=post.pk, user=flagger, reason=reason, note=note, trusted=flagger.is_rainmaker)

    # "Asked to": who each question was routed to on posting (by the real routing rules),
    # which read the posts bulk-inserted above: the planner must know they are there.
    ctx.refresh_planner_stats()
    routings: list[QuestionRouting] = []
    for q, _ in questions[:: max(1, len(questions) // 60)]:
        for match in routing.rank_answerers(q):
            routings.append(
                QuestionRouting(
                    question=q,
                    user_id=match.user_id,
                    score=match.score,
                    reason="; ".join(match.reasons)[:200],
                    created_at=q.created_at,
                )
            )

    # A few recent questions nobody has answered yet, routed to the demo rainmaker and mentor.
    topic_by_key = {t["key"]: t for t in TOPICS}
    waiting = [u for u in askers if u.username == "newhire"] + [u for u in askers if u.username != "newhire"]
    for k, (key, title, detail) in enumerate(UNANSWERED):
        topic = topic_by_key[key]
        asker = waiting[k % min(len(waiting), 4)] if waiting else users[0]
        created = ctx.now - timedelta(hours=2 + k * 9)
        body = f"{detail}\n\n{rng.choice(CLOSERS)}"
        q = Question(
            author=asker,
            title=title,
            body=body,
            body_html=render_markdown(body),
            stage=stages.get(topic["stage"]),
            persona=personas.get(topic["persona"]),
            created_at=created,
            last_activity_at=created,
        )
        q.save()
        q.tags.set([skills[n] for n in topic["tags"] if n in skills])
        revisions.append(PostRevision(post_id=q.pk, number=1, editor=asker, title=title, body=body, created_at=created))
        follows.append(Follow(user=asker, target=FollowTarget.QUESTION, question=q))
        targets = [u for u in fixed_answerers if u.pk != asker.pk]
        extra = [m for m in routing.rank_answerers(q, limit=3) if m.user_id not in {u.pk for u in targets}]
        for u in targets:
            routings.append(
                QuestionRouting(
                    question=q, user=u, score=10, reason="expertise in " + ", ".join(topic["tags"]), created_at=created
                )
            )
            notify(
                recipient=u,
                kind="qa.routed",
                title=f"{asker.name} asks you: {title}",
                url=q.get_absolute_url(),
                actor=asker,
                dedupe_key=f"qa-routed:{q.pk}",
            )
        for m in extra[: max(0, 3 - len(targets))]:
            routings.append(
                QuestionRouting(
                    question=q, user_id=m.user_id, score=m.score, reason="; ".join(m.reasons)[:200], created_at=created
                )
            )
    QuestionRouting.objects.bulk_create(routings, batch_size=500, ignore_conflicts=True)
    PostRevision.objects.bulk_create(revisions, batch_size=1000)
    Follow.objects.bulk_create(follows, batch_size=1000, ignore_conflicts=True)
    # The demo new hire follows the stages they struggle with.
    if "newhire" in by_username:
        for name in ("Discovery", "Negotiation"):
            if name in stages:
                Follow.objects.get_or_create(user=by_username["newhire"], target=FollowTarget.STAGE, stage=stages[name])

    reputation.recompute_all()
    ctx.shared["questions"] = [q for q, _ in questions]
    ctx.log(
        f"Questions and answers: {Question.objects.count()} questions, {Answer.objects.count()} answers, "
        f"{len(votes)} votes, {len(comments)} comments, {len(citations)} technique citations."
    )
