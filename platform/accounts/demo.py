"""Demo people: a believable B2B sales team across regions, with the four fixed sign-ins."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password

from core.demo import DEMO_PASSWORD, DemoContext
from core.markdown import render_markdown
from taxonomy.models import SkillTag

from .models import Region, Role, Team, User
from .services import user_set_roles

TEAMS = ["Enterprise East", "Enterprise West", "Mid-Market EMEA", "APAC Growth"]

# username, name, roles, title, team, region, timezone, days since start, expertise, bio
FIXED = [
    (
        "newhire",
        "Nina Patel",
        ["new_hire"],
        "Account Executive",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        24,
        ["Discovery questioning", "Prospecting"],
        "Joined from a SaaS SDR team three weeks ago. "
        "Learning enterprise discovery and how to get to the economic buyer.",
    ),
    (
        "rainmaker",
        "Marcus Reyes",
        ["rainmaker"],
        "Senior Enterprise AE",
        0,
        Region.NORTH_AMERICA,
        "America/Chicago",
        2290,
        ["Multi-threading", "Pricing and value", "Negotiation", "Mutual action plans"],
        "President's Club four years running. I multi-thread early and put a **mutual action plan** "
        "in front of every economic buyer.",
    ),
    (
        "mentor",
        "Sofia Lindqvist",
        ["mentor"],
        "Sales Coach, EMEA",
        2,
        Region.EMEA,
        "Europe/Stockholm",
        3100,
        ["Discovery questioning", "Objection handling", "Champion building"],
        "Former regional VP, now I coach. Short weekly check-ins, one skill at a time, and a number to move.",
    ),
    (
        "manager",
        "Dana Okafor",
        ["manager"],
        "Director of Sales Enablement",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        1500,
        ["Forecasting", "Business case"],
        "I run onboarding and enablement. Ask me for access, invitations, or the numbers behind a technique.",
    ),
]

OTHERS = [
    (
        "priya.raman",
        "Priya Raman",
        ["rainmaker", "mentor"],
        "Principal AE",
        1,
        Region.NORTH_AMERICA,
        "America/Los_Angeles",
        2650,
        ["Procurement navigation", "Negotiation", "Closing"],
        "Twelve years closing seven-figure deals with procurement-led buyers.",
    ),
    (
        "jonas.weber",
        "Jonas Weber",
        ["rainmaker"],
        "Enterprise AE, DACH",
        2,
        Region.EMEA,
        "Europe/Berlin",
        1980,
        ["Discovery questioning", "Business case", "Executive presence"],
        "Manufacturing and logistics accounts. I quantify the pain before I demo.",
    ),
    (
        "aisha.bello",
        "Aisha Bello",
        ["rainmaker", "mentor"],
        "Strategic AE",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        2400,
        ["Champion building", "Multi-threading", "Competitive positioning"],
        "I win against incumbents by building champions who sell for me.",
    ),
    (
        "kenji.sato",
        "Kenji Sato",
        ["rainmaker"],
        "Senior AE, Japan",
        3,
        Region.APAC,
        "Asia/Tokyo",
        1700,
        ["Mutual action plans", "Executive presence", "Closing"],
        "Consensus selling in Japanese enterprises: patience, documents and a clear plan.",
    ),
    (
        "lucia.fernandez",
        "Lucía Fernández",
        ["rainmaker"],
        "Mid-Market AE",
        2,
        Region.EMEA,
        "Europe/Madrid",
        1300,
        ["Deal re-engagement", "Objection handling", "Prospecting"],
        "I revive dark deals. Nothing is lost until the buyer says no.",
    ),
    (
        "tom.becker",
        "Tom Becker",
        ["rainmaker", "mentor"],
        "Enterprise AE",
        1,
        Region.NORTH_AMERICA,
        "America/Denver",
        2100,
        ["Demo delivery", "Competitive positioning", "Business case"],
        "Demos that tell the buyer's story, not ours.",
    ),
    (
        "mei.chen",
        "Mei Chen",
        ["rainmaker"],
        "Account Director, ANZ",
        3,
        Region.APAC,
        "Australia/Sydney",
        1850,
        ["Pricing and value", "Negotiation", "Procurement navigation"],
        "Price is a conversation about value. I never discount without a trade.",
    ),
    (
        "rafael.costa",
        "Rafael Costa",
        ["rainmaker"],
        "Enterprise AE, LATAM",
        1,
        Region.LATAM,
        "America/Sao_Paulo",
        1600,
        ["Multi-threading", "Champion building", "Closing"],
        "Relationships across the buying committee, from the end users up.",
    ),
    (
        "olivia.grant",
        "Olivia Grant",
        ["mentor"],
        "Regional Sales Manager",
        0,
        Region.NORTH_AMERICA,
        "America/Toronto",
        2900,
        ["Forecasting", "Discovery questioning", "Mutual action plans"],
        "First-line manager and mentor. Deal reviews with one question: what does the buyer think happens next?",
    ),
    (
        "samir.haddad",
        "Samir Haddad",
        ["mentor"],
        "Sales Coach",
        2,
        Region.EMEA,
        "Europe/London",
        2700,
        ["Objection handling", "Executive presence", "Pricing and value"],
        "Role-play every week. Brief feedback right after the call beats a long review later.",
    ),
    (
        "hannah.kim",
        "Hannah Kim",
        ["mentor", "rainmaker"],
        "Senior AE, Korea",
        3,
        Region.APAC,
        "Asia/Seoul",
        2300,
        ["Demo delivery", "Champion building", "Prospecting"],
        "From SDR to top AE in two years. Happy to share what sped my ramp.",
    ),
    (
        "erik.nilsson",
        "Erik Nilsson",
        ["manager"],
        "VP Sales, EMEA",
        2,
        Region.EMEA,
        "Europe/Stockholm",
        3300,
        ["Forecasting", "Negotiation"],
        "Runs the EMEA teams.",
    ),
    (
        "grace.liu",
        "Grace Liu",
        ["manager"],
        "Head of Sales, APAC",
        3,
        Region.APAC,
        "Asia/Singapore",
        2600,
        ["Forecasting", "Executive presence"],
        "Runs the APAC teams.",
    ),
    # Experienced reps without a special role
    (
        "daniel.moore",
        "Daniel Moore",
        [],
        "Account Executive",
        1,
        Region.NORTH_AMERICA,
        "America/Los_Angeles",
        700,
        ["Prospecting"],
        "",
    ),
    (
        "chloe.martin",
        "Chloé Martin",
        [],
        "Account Executive, France",
        2,
        Region.EMEA,
        "Europe/Paris",
        820,
        ["Demo delivery"],
        "",
    ),
    (
        "ben.walker",
        "Ben Walker",
        [],
        "Mid-Market AE",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        900,
        ["Objection handling"],
        "",
    ),
    (
        "lucas.silva",
        "Lucas Silva",
        [],
        "Account Executive",
        1,
        Region.LATAM,
        "America/Sao_Paulo",
        640,
        ["Prospecting"],
        "",
    ),
    # New hires (weeks 0-26)
    (
        "emma.johnson",
        "Emma Johnson",
        ["new_hire"],
        "Account Executive",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        45,
        ["Prospecting"],
        "Came from customer success; strong on product, learning to run discovery.",
    ),
    (
        "liam.obrien",
        "Liam O'Brien",
        ["new_hire"],
        "Account Executive",
        2,
        Region.EMEA,
        "Europe/Dublin",
        70,
        [],
        "First enterprise role. Want to get better at pricing conversations.",
    ),
    (
        "zoe.nguyen",
        "Zoe Nguyen",
        ["new_hire"],
        "Account Executive",
        3,
        Region.APAC,
        "Australia/Melbourne",
        30,
        ["Demo delivery"],
        "",
    ),
    (
        "noah.fischer",
        "Noah Fischer",
        ["new_hire"],
        "Mid-Market AE",
        2,
        Region.EMEA,
        "Europe/Berlin",
        100,
        [],
        "Ex-consultant; comfortable with executives, new to quota.",
    ),
    ("sara.ali", "Sara Ali", ["new_hire"], "Account Executive", 1, Region.NORTH_AMERICA, "America/Chicago", 14, [], ""),
    (
        "mateo.rossi",
        "Mateo Rossi",
        ["new_hire"],
        "Account Executive",
        2,
        Region.EMEA,
        "Europe/Rome",
        130,
        ["Prospecting"],
        "",
    ),
    (
        "yuki.tanaka",
        "Yuki Tanaka",
        ["new_hire"],
        "Account Executive",
        3,
        Region.APAC,
        "Asia/Tokyo",
        60,
        [],
        "Moved from partner sales; learning direct enterprise deals.",
    ),
    (
        "olivia.brown",
        "Olivia Brown",
        ["new_hire"],
        "Account Executive",
        1,
        Region.NORTH_AMERICA,
        "America/Denver",
        160,
        ["Objection handling"],
        "",
    ),
    (
        "diego.ramirez",
        "Diego Ramírez",
        ["new_hire"],
        "Account Executive, LATAM",
        1,
        Region.LATAM,
        "America/Mexico_City",
        90,
        [],
        "",
    ),
    (
        "amara.okoye",
        "Amara Okoye",
        ["new_hire"],
        "Account Executive",
        2,
        Region.EMEA,
        "Africa/Lagos",
        40,
        ["Prospecting"],
        "",
    ),
    (
        "ethan.clark",
        "Ethan Clark",
        ["new_hire"],
        "Mid-Market AE",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        180,
        [],
        "",
    ),
    (
        "isabel.santos",
        "Isabel Santos",
        ["new_hire"],
        "Account Executive",
        1,
        Region.LATAM,
        "America/Sao_Paulo",
        20,
        [],
        "",
    ),
]

# Reps who joined 6-9 months ago and have ramped (no longer new hires): their first deals and
# first wins are in the simulated history, so ramp time can be compared, mentored vs not.
ALUMNI = [
    (
        "fatima.zahra",
        "Fatima Zahra",
        [],
        "Account Executive, Middle East",
        2,
        Region.EMEA,
        "Asia/Dubai",
        268,
        ["Multi-threading"],
        "",
    ),
    ("arjun.mehta", "Arjun Mehta", [], "Account Executive", 3, Region.APAC, "Asia/Kolkata", 266, ["Business case"], ""),
    (
        "grace.obi",
        "Grace Obi",
        [],
        "Account Executive",
        0,
        Region.NORTH_AMERICA,
        "America/New_York",
        262,
        ["Prospecting"],
        "",
    ),
    ("henrik.dahl", "Henrik Dahl", [], "Account Executive, Nordics", 2, Region.EMEA, "Europe/Oslo", 251, [], ""),
    (
        "priyanka.das",
        "Priyanka Das",
        [],
        "Account Executive",
        3,
        Region.APAC,
        "Asia/Kolkata",
        244,
        ["Demo delivery"],
        "",
    ),
    ("marco.bianchi", "Marco Bianchi", [], "Mid-Market AE", 2, Region.EMEA, "Europe/Rome", 236, [], ""),
    ("julia.santos", "Júlia Santos", [], "Account Executive", 1, Region.LATAM, "America/Sao_Paulo", 229, [], ""),
    ("kevin.wright", "Kevin Wright", [], "Account Executive", 1, Region.NORTH_AMERICA, "America/Chicago", 221, [], ""),
    ("aiko.mori", "Aiko Mori", [], "Account Executive", 3, Region.APAC, "Asia/Tokyo", 214, [], ""),
    (
        "sean.murphy",
        "Seán Murphy",
        [],
        "Mid-Market AE",
        2,
        Region.EMEA,
        "Europe/Dublin",
        207,
        ["Objection handling"],
        "",
    ),
    ("nadia.karim", "Nadia Karim", [], "Account Executive", 0, Region.NORTH_AMERICA, "America/Toronto", 200, [], ""),
    ("tobias.klein", "Tobias Klein", [], "Account Executive", 2, Region.EMEA, "Europe/Berlin", 193, [], ""),
]
# Who mentored which of them in their first months (the rest ramped alone). The one source of
# who had a mentor: mentoring.demo gives exactly these completed mentorships and the techniques
# seeder ramps exactly these faster (ctx.shared["alumni_mentor_of"]).
ALUMNI_MENTOR_OF = {
    "grace.obi": "olivia.grant",
    "priyanka.das": "hannah.kim",
    "julia.santos": "priya.raman",
    "aiko.mori": "hannah.kim",
    "sean.murphy": "samir.haddad",
    "tobias.klein": "mentor",
}

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Robin",
    "Drew",
    "Kai",
    "Noor",
    "Lena",
    "Omar",
    "Ines",
    "Max",
    "Ana",
    "Ravi",
    "Elif",
    "Tariq",
    "Maya",
    "Jon",
]
LAST = [
    "Andersen",
    "Brooks",
    "Carter",
    "Diaz",
    "Evans",
    "Fox",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Khan",
    "Lopez",
    "Müller",
    "Novak",
    "Ortiz",
    "Park",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Wong",
    "Young",
]
ZONES = [
    (Region.NORTH_AMERICA, "America/New_York"),
    (Region.EMEA, "Europe/London"),
    (Region.APAC, "Asia/Singapore"),
    (Region.LATAM, "America/Sao_Paulo"),
]


def seed(ctx: DemoContext) -> None:
    teams = [Team.objects.create(name=name, slug=name.lower().replace(" ", "-")) for name in TEAMS]
    skills = {s.name: s for s in SkillTag.objects.all()}
    password = make_password(DEMO_PASSWORD)  # hash once, share: hashing 40 times is slow
    today = ctx.now.date()
    people: list[User] = []

    rows = list(FIXED) + list(OTHERS) + list(ALUMNI)
    # --scale N adds synthetic reps and new hires for benchmarks.
    for i in range((ctx.scale - 1) * len(OTHERS)):
        region, tz = ZONES[i % len(ZONES)]
        first, last = ctx.rng.choice(FIRST), ctx.rng.choice(LAST)
        role = ctx.rng.choices([["new_hire"], [], ["rainmaker"], ["mentor"]], weights=[4, 4, 1, 1])[0]
        rows.append(
            (
                f"{first}.{last}.{i}".lower(),
                f"{first} {last}",
                role,
                "Account Executive",
                i % len(TEAMS),
                region,
                tz,
                ctx.rng.randint(5, 2500),
                [ctx.rng.choice(list(skills))],
                "",
            )
        )

    for username, name, roles, title, team, region, tz, days, expertise, bio in ctx.progress(rows, desc="people"):
        user = User.objects.create(
            username=username,
            email=f"{username.replace('.', '_')}@rainmaker.example",
            password=password,
            display_name=name,
            title=title,
            team=teams[team],
            region=region,
            timezone=tz,
            start_date=today - timedelta(days=days),
            bio=bio,
            bio_html=render_markdown(bio),
        )
        user.expertise.set([skills[s] for s in expertise if s in skills])
        if roles:
            user_set_roles(user=user, roles=set(roles))
        people.append(user)

    by_username = {u.username: u for u in people}
    by_username["manager"].is_staff = True
    by_username["manager"].save(update_fields=["is_staff"])
    # Reporting lines: each team's reps report to a manager.
    managers = [by_username["manager"], by_username["manager"], by_username["erik.nilsson"], by_username["grace.liu"]]
    for user in people:
        if not user.is_manager and user.team_id:
            user.manager = managers[teams.index(next(t for t in teams if t.pk == user.team_id))]
            user.save(update_fields=["manager"])

    # Who mentors whom in the demo (used by later seeders so that outcomes, ramp times and
    # mentorships tell one consistent story: about two thirds of new hires have a mentor).
    # `newhire` has none yet: the demo shows them finding one. `mentor` coaches two.
    mentors = [u for u in people if u.is_mentor]
    new_hires = [u for u in people if u.is_new_hire and u.username != "newhire"]
    mentor_of = {}
    for i, hire in enumerate(new_hires):
        if i % 3 != 2:
            mentor_of[hire.username] = "mentor" if i in (0, 3) else mentors[i % len(mentors)].username
    ctx.shared["mentor_of"] = mentor_of
    # Alumni ramped in the simulated history; those in alumni_mentor_of had a mentor then.
    ctx.shared["alumni_mentor_of"] = {
        a: m for a, m in ALUMNI_MENTOR_OF.items() if a in by_username and m in by_username
    }
    ctx.shared["ramping"] = {u.username for u in people if u.is_new_hire} | {row[0] for row in ALUMNI}

    ctx.shared["users"] = people
    ctx.shared["users_by_username"] = by_username
    ctx.shared["users_by_role"] = {role: [u for u in people if u.has_role(role)] for role in Role.values}
    ctx.shared["teams"] = teams
    ctx.log(f"  {len(people)} people in {len(teams)} teams")
