"""Demo discussion threads: team rooms with history and discussions on the published techniques.

Runs after the techniques and Q&A seeders (settings.DEMO_SEEDERS): it attaches discussions to
whatever published techniques exist and simply skips them when there are none. Messages are
written in bulk with their sequence numbers (the same numbering the services give), so the
seeder stays fast; read states leave `newhire` a few unread messages to find.
"""

from __future__ import annotations

from datetime import timedelta

from core.demo import DemoContext
from core.markdown import find_mentions, render_markdown

from .models import Message, TechniquePage, Thread, ThreadKind, ThreadMember, ThreadReadState

# (author, text, index of the message replied to or None)
ROOMS = [
    (
        "#deal-desk",
        "Live deal strategy: pricing, approvals, paper process. Bring the deal, get a plan.",
        [
            (
                "jonas.weber",
                "Kessler Logistics wants 18% off to sign before quarter end. Champion says the CFO "
                "'needs a win'. I have approval up to 12%. How would you play it?",
                None,
            ),
            (
                "rainmaker",
                "Don't trade discount for a date they already want. Ask what the CFO is measured on "
                "this year. If it's opex, offer a **ramped year one** instead of a lower list price.",
                0,
            ),
            (
                "priya.raman",
                "+1. And get the trade in writing: any concession is tied to a signed order form by "
                "the 28th *and* a case study. No give without a get.",
                1,
            ),
            ("jonas.weber", "CFO is measured on cost per shipment. A ramp fits: 60/80/100 over three quarters.", 1),
            (
                "manager",
                "Ramps up to 40% in year one don't need deal-desk approval. Above that, loop me in "
                "before you put it in writing.",
                3,
            ),
            (
                "jonas.weber",
                "Sent the ramp proposal with the mutual action plan attached. Signature meeting booked for Thursday.",
                None,
            ),
            (
                "aisha.bello",
                "Nice. Ask the champion to pre-brief the CFO on the MAP so Thursday is a formality, not a negotiation.",
                5,
            ),
            (
                "newhire",
                "Question from the newest seat: when procurement comes in late, do you restart the "
                "pricing conversation or hold the line?",
                None,
            ),
            (
                "priya.raman",
                "Hold the line, and re-anchor on value. Procurement's job is to ask; yours is to "
                "show the business case already priced the risk. @newhire happy to walk you through my "
                "procurement prep doc.",
                7,
            ),
            ("newhire", "Yes please! I have Norvik Foods going to procurement next week.", 8),
            (
                "rafael.costa",
                "LATAM note: in Brazil, legal review often runs parallel to procurement. Send the "
                "MSA redlines the same day you send the order form or you lose two weeks.",
                None,
            ),
            (
                "tom.becker",
                "Halvorsen Health just moved the decision to next quarter. Budget froze. "
                "Anyone re-engaged a frozen budget successfully?",
                None,
            ),
            (
                "aisha.bello",
                "Ask for the cost of waiting. If they can't name one, it was never a priority; if "
                "they can, take it to the economic buyer with a one-page 'cost of delay'.",
                11,
            ),
            (
                "kenji.sato",
                "In Japan I also ask whether a smaller first phase fits the remaining budget. "
                "Consensus is easier on a smaller decision.",
                11,
            ),
        ],
    ),
    (
        "#enablement",
        "Onboarding, certifications, new playbooks and call reviews. Dana posts what's new here first.",
        [
            (
                "manager",
                "This month's focus: **discovery that surfaces budget**. Every new hire records one "
                "discovery call and shares it in their coaching thread by Friday.",
                None,
            ),
            (
                "mentor",
                "For the reviews I'll score three things: did you quantify the pain, did you find "
                "out who signs, did you agree a next step with a date.",
                0,
            ),
            (
                "emma.johnson",
                "Is there a template for the pain quantification? I keep ending up with 'it's slow' and no number.",
                1,
            ),
            (
                "jonas.weber",
                "Ask 'how many times a week does that happen?' and 'what does one of those cost "
                "you?'. Multiply in front of them. They trust their own numbers.",
                2,
            ),
            (
                "manager",
                "New in the techniques library: the *mutual action plan* template, with outcome "
                "numbers from 140 logged uses. Have a look before your next proposal.",
                None,
            ),
            (
                "liam.obrien",
                "Used the MAP template on a mid-market deal this week. The buyer added two "
                "steps I hadn't thought of (security review, board sign-off). Saved us a surprise.",
                4,
            ),
            (
                "samir.haddad",
                "That's the point of it: the buyer tells you their process. Log the outcome on "
                "the technique so the numbers keep improving.",
                5,
            ),
            ("newhire", "Shadowing Marcus on a negotiation call tomorrow. Anything I should watch for?", None),
            (
                "rainmaker",
                "Watch how little I talk after the price. Silence is a tool. And note every "
                "question they ask: those are the real objections.",
                7,
            ),
            (
                "manager",
                "Reminder: certification role-plays on Tuesday. Pick one objection from the "
                "library and handle it live; peers vote with a number out of five.",
                None,
            ),
            ("zoe.nguyen", "Can APAC do the role-plays on Wednesday morning our time? Tuesday is 2 a.m. here.", 9),
            (
                "grace.liu",
                "Yes, I'll run an APAC session Wednesday 10:00 SGT. @zoe.nguyen @yuki.tanaka see you there.",
                10,
            ),
        ],
    ),
    (
        "#emea-pipeline",
        "EMEA pipeline reviews, forecast calls and deals that need a second pair of eyes.",
        [
            (
                "erik.nilsson",
                "Forecast call Monday. Commit deals need a signed MAP and a named economic "
                "buyer. If either is missing, it's best case, not commit.",
                None,
            ),
            ("lucia.fernandez", "Grupo Alameda: MAP signed, EB is the COO. Moving to commit.", 0),
            (
                "chloe.martin",
                "Maison Delorme is stuck at solution: their IT lead keeps asking for another demo. Third one booked.",
                None,
            ),
            (
                "mentor",
                "A third demo is usually a champion problem, not a product problem. Who benefits "
                "if this goes through, and have they seen the business case?",
                2,
            ),
            (
                "chloe.martin",
                "Honestly, I don't know who benefits beyond IT. I'll ask the IT lead who else loses sleep over this.",
                3,
            ),
            (
                "jonas.weber",
                "Try the multi-threading play: ask IT to introduce you to ops 'to make sure the "
                "rollout plan works for them'. Nobody says no to that.",
                4,
            ),
            (
                "liam.obrien",
                "Dublin: Brennan Freight asked for a reference in logistics. Anyone have a happy "
                "customer who'd take a call?",
                None,
            ),
            (
                "jonas.weber",
                "Kessler Logistics, once Thursday is done 🙂. Until then, Nordhafen Shipping "
                "did a reference for me last quarter.",
                6,
            ),
            (
                "erik.nilsson",
                "Pipeline coverage for Q1 is 2.6x. We need 3x. Everyone: one new "
                "multi-threaded opportunity each by the end of the month.",
                None,
            ),
            (
                "noah.fischer",
                "Booked a discovery with Vogel Maschinenbau's plant director through a "
                "LinkedIn intro from their procurement lead. First one of mine!",
                8,
            ),
            (
                "mentor",
                "Great start @noah.fischer. Prepare three questions on cost of downtime before "
                "the call; we'll review them in our thread.",
                9,
            ),
        ],
    ),
]

PRIVATE_ROOM = (
    "Rainmaker council",
    "Private: rainmakers and enablement review techniques before they go to the whole team.",
    ["rainmaker", "priya.raman", "aisha.bello", "jonas.weber", "kenji.sato", "manager"],
    [
        ("manager", "Three techniques are waiting for peer review. Can each of you take one this week?", None),
        ("priya.raman", "I'll take the procurement one. It overlaps with mine, so I'll merge the best of both.", 0),
        ("aisha.bello", "I'll review the champion-building one. The numbers look promising but it's only 14 uses.", 0),
        ("rainmaker", "Let's not promote anything to 'proven' under 30 decided uses. Small numbers flatter.", 2),
        ("manager", "Agreed. The page already says 'not enough data' below that; I'll hold the newsletter.", 3),
    ],
)

TECHNIQUE_TALK = [
    (
        "{asker}",
        "Tried this on a deal this week. The buyer engaged more than I expected. Does it still work "
        "when procurement is already in the room?",
        None,
    ),
    (
        "{author}",
        "Yes, but change the order: agree the outcome with the business owner first, then bring "
        "procurement in on the plan, not the price. Log how it went so we can see.",
        0,
    ),
    (
        "{peer}",
        "Same experience here. The part that matters most is getting the date for the next step "
        "on the call, not by e-mail afterwards.",
        None,
    ),
    ("{asker}", "Logged it: next step agreed, call with their CFO on Tuesday.", 1),
    ("{author}", "That's the pattern we see in the numbers too. Good luck on Tuesday, @{asker}!", 3),
    ("{newhire}", "Is there a shorter version for a first call? I don't want to overwhelm a champion.", None),
    ("{author}", "Open with just the first question and the date. The rest can wait for the second meeting.", 5),
]

ASKERS = ["emma.johnson", "liam.obrien", "zoe.nguyen", "noah.fischer", "daniel.moore", "chloe.martin"]
PEERS = ["aisha.bello", "kenji.sato", "tom.becker", "mei.chen", "lucia.fernandez", "hannah.kim"]


def write_history(
    ctx: DemoContext, thread: Thread, script, users, *, start_days_ago: float, end_hours_ago: float = 3
) -> list[Message]:
    """Write `script` [(username, Markdown, replied-to index or None)] as the thread's history, fast.

    For seeders (the mentoring seeder can fill coaching threads with it): bulk inserts with the
    same numbering the services use, no rate limit, no broadcast, no notifications.
    """
    now = ctx.now - timedelta(hours=end_hours_ago)
    step = (timedelta(days=start_days_ago) - timedelta(hours=end_hours_ago)) / max(1, len(script))
    when = ctx.now - timedelta(days=start_days_ago)
    known = set(users)
    rows: list[Message] = []
    for i, (username, text, _reply) in enumerate(script):
        author = users.get(username)
        if author is None:
            continue
        when = when + step * (0.6 + ctx.rng.random() * 0.8)
        when = min(when, now - timedelta(minutes=len(script) - i))
        mentions = [u for u in find_mentions(text) if u in known]
        rows.append(
            Message(
                thread=thread,
                author=author,
                client_id=f"demo-{thread.pk}-{i}",
                seq=len(rows) + 1,
                updated_seq=len(rows) + 1,
                body=text,
                body_html=render_markdown(text, known_usernames=mentions),
                created_at=when,
            )
        )
    Message.objects.bulk_create(rows)
    # Replies point at earlier rows of the same script (now saved, with their ids).
    by_index = {i: m for i, m in enumerate(rows)}
    replies = []
    for i, (_, _, reply_index) in enumerate(script[: len(rows)]):
        if reply_index is not None and reply_index in by_index and i in by_index:
            by_index[i].reply_to = by_index[reply_index]
            replies.append(by_index[i])
    Message.objects.bulk_update(replies, ["reply_to"])
    if rows:
        Thread.objects.filter(pk=thread.pk).update(
            last_seq=len(rows), message_count=len(rows), last_message_at=rows[-1].created_at
        )
        thread.last_seq = len(rows)
    # Everyone who wrote has read up to their last message.
    last_by_author: dict[int, int] = {}
    for m in rows:
        last_by_author[m.author_id] = m.seq
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(thread=thread, user_id=uid, last_read_seq=seq) for uid, seq in last_by_author.items()],
        ignore_conflicts=True,
    )
    return rows


def _set_read(thread: Thread, user, seq: int) -> None:
    ThreadReadState.objects.update_or_create(thread=thread, user=user, defaults={"last_read_seq": max(0, seq)})


def seed(ctx: DemoContext) -> None:
    users = ctx.shared.get("users_by_username") or {}
    if not users:
        return
    manager = users.get("manager")
    threads: list[Thread] = []
    for (days, hours), (title, topic, script) in zip(((21, 2), (14, 26), (10, 5)), ROOMS, strict=True):
        room = Thread.objects.create(kind=ThreadKind.ROOM, title=title, topic=topic, created_by=manager)
        write_history(ctx, room, script, users, start_days_ago=days, end_hours_ago=hours)
        threads.append(room)

    title, topic, members, script = PRIVATE_ROOM
    council = Thread.objects.create(kind=ThreadKind.ROOM, title=title, topic=topic, is_private=True, created_by=manager)
    ThreadMember.objects.bulk_create(
        [ThreadMember(thread=council, user=users[u], added_by=manager) for u in members if u in users]
    )
    write_history(ctx, council, script, users, start_days_ago=6)

    # Discussions on the published techniques (none yet is fine).
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(TechniquePage)
    techniques = list(TechniquePage.objects.live().select_related("author").order_by("path")[:8])
    for i, technique in enumerate(ctx.progress(techniques, desc="technique discussions")):
        author = technique.author.username if technique.author else "rainmaker"
        names = {
            "asker": ASKERS[i % len(ASKERS)],
            "peer": PEERS[i % len(PEERS)],
            "author": author,
            "newhire": "newhire" if i % 2 == 0 else ASKERS[(i + 3) % len(ASKERS)],
        }
        if names["peer"] == author:
            names["peer"] = "priya.raman"
        length = 4 + ctx.rng.randint(0, len(TECHNIQUE_TALK) - 4)
        script = [(who.format(**names), text.format(**names), r) for who, text, r in TECHNIQUE_TALK[:length]]
        thread = Thread.objects.create(
            kind=ThreadKind.TECHNIQUE,
            title=technique.title[:200],
            content_type=content_type,
            object_id=technique.pk,
            created_by=users.get(author),
        )
        write_history(ctx, thread, script, users, start_days_ago=4 + i * 2, end_hours_ago=6 + i * 9)

    # newhire follows the rooms and finds a few unread messages; the mentor follows EMEA.
    newhire = users.get("newhire")
    if newhire:
        deal_desk, enablement, _emea = threads
        _set_read(deal_desk, newhire, deal_desk.last_seq - 3)
        _set_read(enablement, newhire, enablement.last_seq - 2)
    if users.get("mentor"):
        _set_read(threads[2], users["mentor"], threads[2].last_seq)
    ctx.log(f"  discussions: {len(threads) + 1} rooms, {len(techniques)} technique threads")
