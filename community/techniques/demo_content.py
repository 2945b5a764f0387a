"""The demo team's technique knowledge base: what its rainmakers actually do on deals.

Each technique carries its TRUE effect (percentage points added to the chance that the buyer
responds well) and how popular it is; the demo seeder draws outcomes around those effects,
so "proven" techniques really are better and some are no better, or worse. Effects:
strong +0.18, good +0.10, small +0.04, none 0, negative -0.14.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoTechnique:
    title: str
    author: str
    stage: str  # SalesStage slug
    summary: str
    situation: str
    approach: str
    effect: float
    popularity: float = 1.0
    personas: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    talk_track: tuple[str, str] | None = None  # (when, words)
    objections: tuple[tuple[str, str], ...] = ()
    pitfalls: str = ""
    quote: tuple[str, str] | None = None
    # Effect in the last 90 days when it differs (drift), e.g. a tactic buyers now recognise.
    recent_effect: float | None = None
    extra: dict = field(default_factory=dict)


STRONG, GOOD, SMALL, NONE, NEGATIVE = 0.18, 0.10, 0.04, 0.0, -0.14

TECHNIQUES: list[DemoTechnique] = [
    # --- Prospecting ------------------------------------------------------------------------
    DemoTechnique(
        title="Open with their trigger event, not your product",
        author="lucia.fernandez",
        stage="prospecting",
        summary="A first message about the buyer's own news (funding, new exec, expansion) gets twice the replies.",
        personas=("executive-sponsor", "champion"),
        skills=("Prospecting",),
        effect=GOOD,
        popularity=2.0,
        situation="Cold outreach to an account that fits, where something **just changed**: a new CRO, a funding "
        "round, an acquisition, a new region opening, a hiring spree in one function.",
        approach="1. Find the trigger in the last 30 days (press release, LinkedIn job posts, earnings call).\n"
        "2. Write one sentence about what that change usually *breaks* for teams like theirs.\n"
        "3. Ask a question about it. No product name in the first message.\n"
        "4. Only in the second touch, offer a 20-minute conversation with one concrete takeaway.",
        talk_track=(
            "first e-mail",
            "Saw you're opening the Dublin office in Q3. When teams add a region that fast, the first thing "
            "that usually breaks is handover between SDRs and AEs across time zones. Is that on your radar yet?",
        ),
        objections=(
            (
                "Just send me some information.",
                "Happy to. So I send the one page that matters: is the handover across regions the issue, "
                "or is it ramping the new hires there?",
            ),
        ),
        pitfalls="A trigger older than a month reads like a template. And don't congratulate them on the funding "
        "round: everyone does.",
    ),
    DemoTechnique(
        title="Warm referral from a customer peer in the same industry",
        author="rafael.costa",
        stage="prospecting",
        summary="Ask a happy customer to introduce you to one peer they respect; "
        "meetings book at roughly double the rate.",
        personas=("champion", "economic-buyer"),
        skills=("Prospecting", "Champion building"),
        industries=("manufacturing", "logistics"),
        effect=STRONG,
        popularity=2.4,
        situation="You have a customer who got a measurable result in the last six months, and a target account "
        "in the same industry and region that has not answered cold outreach.",
        approach="1. Ask your customer champion *which peers they talk to*, rather than pitching the target.\n"
        "2. Offer to write the intro for them: three lines, their voice, the result in one number.\n"
        "3. Ask them to send it from their own mailbox, copying you.\n"
        "4. Reply within the hour and propose a time; mention the customer's result, not your product.",
        talk_track=(
            "asking your customer",
            "You cut picking errors by 30% this year. Who else in the Midwest logistics group would want to "
            "hear how you did it? I'll draft the note; you just send it if you're comfortable.",
        ),
        pitfalls="Never ask the same customer twice in a quarter. Thank them when the meeting happens, not "
        "only when the deal closes.",
        quote=("Three of my five biggest deals last year started with a customer's e-mail, not mine.", "Rafael Costa"),
    ),
    DemoTechnique(
        title="Three-touch sequence, one useful insight per touch",
        author="hannah.kim",
        stage="prospecting",
        summary="Short sequences where every message teaches something beat long 'just checking in' cadences.",
        personas=("end-user", "champion"),
        skills=("Prospecting",),
        effect=GOOD,
        recent_effect=-0.10,
        popularity=1.8,
        situation="Outbound to mid-market accounts where you have no warm path in and no trigger event.",
        approach="1. Touch 1 (e-mail): one benchmark from similar companies, one question.\n"
        "2. Touch 2 (LinkedIn, 3 days later): a two-line observation about their public hiring or tooling.\n"
        "3. Touch 3 (call + voicemail, 4 days later): refer to touch 1, ask for 15 minutes.\n"
        "4. Stop. Recycle the account in 90 days with a new insight.",
        talk_track=(
            "touch 1",
            "Teams your size usually take 5-6 months to ramp a new AE; the fastest we see do it in 3. "
            "Curious where you land?",
        ),
        pitfalls="The benchmark must be real and sourced. Since spring, several prospects reply that they "
        "get the same 'ramp benchmark' mail from three vendors: refresh the insight.",
    ),
    DemoTechnique(
        title="Ask for the problem owner, not for a meeting",
        author="rainmaker",
        stage="prospecting",
        summary="Asking 'who owns this problem?' gets forwarded to the right person instead of ignored.",
        personas=("end-user", "technical-evaluator"),
        skills=("Prospecting", "Multi-threading"),
        effect=GOOD,
        popularity=1.6,
        situation="You reached someone at the account, but they are clearly not the person who owns the problem "
        "or the budget.",
        approach="1. Don't pitch them.\n2. Name the problem in one sentence.\n"
        "3. Ask who owns it, by role, and whether they would mind pointing you there.\n"
        "4. When they forward you, ask if you can mention their name.",
        talk_track=(
            "cold call",
            "I may have the wrong person, so quick question: who on your side owns onboarding time for new "
            "sales hires? Is that enablement, or the sales leaders themselves?",
        ),
        objections=(("Why do you want to know?", "So I don't waste your time with something that isn't yours."),),
        pitfalls="If you then e-mail the owner without the referrer's permission, you burn both contacts.",
    ),
    DemoTechnique(
        title="Voicemail that names a peer company",
        author="tom.becker",
        stage="prospecting",
        summary="Leave a 20-second voicemail naming a similar customer; it feels personal but reply rates barely move.",
        personas=("economic-buyer",),
        skills=("Prospecting",),
        effect=NONE,
        popularity=1.0,
        situation="Calling directors or VPs who never pick up the phone.",
        approach="1. Keep it under 20 seconds.\n2. Name one peer company (with permission).\n"
        "3. State the outcome, then your number twice.",
        talk_track=(
            "voicemail",
            "Hi Jordan, Tom from Rainmaker. Northwind cut their ramp time by six weeks this year; worth "
            "a quick conversation? 415 555 0142, again 415 555 0142.",
        ),
        pitfalls="We expected this to work better than it does: the numbers say it is no better than our "
        "usual voicemail. Keep it as a habit if you like it, but don't count on it.",
    ),
    DemoTechnique(
        title="The 'should I close the loop?' break-up e-mail",
        author="lucia.fernandez",
        stage="prospecting",
        summary="After four unanswered touches, a polite last message often gets the reply the others didn't.",
        personas=("champion",),
        skills=("Prospecting", "Deal re-engagement"),
        effect=SMALL,
        popularity=0.25,
        situation="A prospect opened your e-mails but never replied, after at least four touches.",
        approach="Send one short message that gives them an easy way out, and a one-word way back in.",
        talk_track=(
            "last e-mail",
            "I haven't heard back, which usually means the timing is wrong. Shall I close the loop for now? "
            "A one-word reply ('later' or 'now') is plenty.",
        ),
        pitfalls="Only once per contact per year, and never sarcastic.",
    ),
    # --- Discovery ----------------------------------------------------------------------------
    DemoTechnique(
        title="Surface the budget by asking how the last purchase of this size was approved",
        author="rainmaker",
        stage="discovery",
        summary="Instead of 'what's your budget?', ask how they bought something similar: you learn budget, "
        "approvers and timing in one answer.",
        personas=("champion", "economic-buyer"),
        skills=("Discovery questioning", "Pricing and value"),
        effect=STRONG,
        popularity=3.0,
        situation="First or second discovery call. The champion is keen but goes vague when money comes up "
        "('we'll find the budget if it's right').",
        approach="1. Ask about a *past* purchase of similar size (a CRM, a data platform, an agency).\n"
        "2. Follow the story: who raised it, who approved, how long it took, what almost killed it.\n"
        "3. Mirror their numbers back: 'So around 150k needed the CFO and took about 8 weeks?'\n"
        "4. Only then ask whether this project would follow the same path.",
        talk_track=(
            "discovery, after the pain is clear",
            "Let's say this goes well. The last time you bought something in this range, your CRM maybe, "
            "how did that get approved? Who signed, and how long did it take from 'yes' to signature?",
        ),
        objections=(
            (
                "We don't have a budget for this yet.",
                "That's normal at this stage. When the CRM came up, was there a budget then, or did someone "
                "make the case and find it?",
            ),
            (
                "I can sign this myself.",
                "Great, that makes things simpler. Up to what amount can you sign without anyone else?",
            ),
        ),
        pitfalls="- Don't ask for the *name* of the approver first: ask for the process, names come with it.\n"
        "- If they say 'it depends', ask what it depended on last time.",
        quote=("Budget questions get defended. Stories about the last purchase get told.", "Marcus Reyes"),
    ),
    DemoTechnique(
        title="Quantify the cost of doing nothing before you demo",
        author="jonas.weber",
        stage="discovery",
        summary="Put a number on the problem with the buyer's own figures before showing anything; "
        "it turns a nice-to-have into a line in their plan.",
        personas=("economic-buyer", "champion"),
        skills=("Discovery questioning", "Business case"),
        industries=("manufacturing", "logistics"),
        effect=STRONG,
        popularity=2.6,
        situation="The buyer agrees the problem exists but treats it as an annoyance, not a priority.",
        approach="1. Ask how often the problem happens (per week, per deal, per new hire).\n"
        "2. Ask what one occurrence costs: hours, lost deals, overtime, churn.\n"
        "3. Multiply *with them* on the call, in their spreadsheet if possible.\n"
        "4. Ask: 'Is that number big enough that someone above you would care?'",
        talk_track=(
            "discovery",
            "You said a new AE takes about six months to close their first deal. If we shaved one month "
            "off for each of the 12 you hire this year, what would that be worth in pipeline?",
        ),
        objections=(
            (
                "I don't have those numbers.",
                "A rough guess is fine, we'll mark it as an estimate. Who would have the real one?",
            ),
        ),
        pitfalls="Never present *your* estimate of their cost. If it isn't their number, it won't survive the CFO.",
    ),
    DemoTechnique(
        title="'Walk me through your last quarter'",
        author="jonas.weber",
        stage="discovery",
        summary="An open question about the last quarter surfaces real pain faster than "
        "a list of qualifying questions.",
        personas=("champion", "end-user"),
        skills=("Discovery questioning",),
        effect=GOOD,
        popularity=1.8,
        situation="Early discovery with a manager who answers checklist questions with 'fine' or 'it depends'.",
        approach="Ask them to tell the story of their last quarter. Listen for the moments they slow down, "
        "sigh, or say 'honestly'. Ask about those moments, one at a time.",
        talk_track=(
            "discovery opener",
            "Before I ask anything specific: walk me through last quarter. What went well, and what kept you "
            "up at night?",
        ),
        pitfalls="Don't interrupt the story with your product. Take notes on their words; reuse them in the recap.",
    ),
    DemoTechnique(
        title="Map the buying committee: ask who else feels the pain",
        author="aisha.bello",
        stage="discovery",
        summary="Ask your contact who else is affected; you find the second and third thread before you need them.",
        personas=("champion", "end-user"),
        skills=("Multi-threading", "Discovery questioning"),
        effect=GOOD,
        popularity=2.0,
        situation="You have one enthusiastic contact and no one else at the account knows about the deal.",
        approach="1. Ask who else feels the pain day to day, and who would have to change how they work.\n"
        "2. Ask who would *object*.\n3. Offer to meet those people with your contact, not around them.\n"
        "4. Write the names and roles into the opportunity the same day.",
        talk_track=(
            "end of the first discovery call",
            "Who else lives with this problem? And honestly, who would be the most sceptical if we changed it?",
        ),
        pitfalls="Going around your champion to reach the others kills trust. Always with them, never behind them.",
    ),
    DemoTechnique(
        title="Handle 'we're happy with our current vendor'",
        author="aisha.bello",
        stage="discovery",
        summary="Agree, then ask what would have to be true for them to look: you find the gap the incumbent leaves.",
        personas=("economic-buyer", "champion", "technical-evaluator"),
        skills=("Objection handling", "Competitive positioning"),
        effect=GOOD,
        popularity=2.2,
        situation="The buyer says they are happy with the incumbent, often in the first five minutes.",
        approach="1. Agree sincerely; don't criticise the incumbent.\n"
        "2. Ask what they like most about them (you learn the bar).\n"
        "3. Ask what they'd improve if they could change one thing.\n"
        "4. Ask when the contract renews, and who decides on the renewal.",
        talk_track=(
            "when they say it",
            "That's good to hear, switching is painful and you shouldn't do it for nothing. If you could "
            "change one thing about how it works today, what would it be?",
        ),
        objections=(
            (
                "We're happy with our current vendor.",
                "Good. What do you like most about them? ... And if you could change one thing?",
            ),
            (
                "We're locked in until next year.",
                "Makes sense. When does the renewal conversation start on your side, and who runs it?",
            ),
        ),
        pitfalls="If you hear 'nothing, really' twice, stop. Ask for permission to check back before the renewal.",
    ),
    DemoTechnique(
        title="Anchor the budget range on comparable projects",
        author="mei.chen",
        stage="discovery",
        summary="Share what similar companies invest and ask where they'd land; buyers correct a range more easily "
        "than they volunteer a number.",
        personas=("economic-buyer",),
        skills=("Pricing and value", "Discovery questioning"),
        effect=SMALL,
        popularity=1.0,
        situation="The budget question keeps getting deflected and you need to know whether you are in range.",
        approach="Give a range from real deals of similar scope, then ask whether they are below, inside or above it.",
        talk_track=(
            "discovery",
            "Teams of your size usually invest between 60 and 90 thousand a year for this. "
            "Is that in the range you had in mind, or far off?",
        ),
        pitfalls="The range must be honest. An inflated anchor gets remembered in negotiation.",
    ),
    DemoTechnique(
        title="Ask 'why' three times on the stated pain",
        author="hannah.kim",
        stage="discovery",
        summary="Drilling down on the first pain they mention; feels thorough, but the numbers show no lift.",
        personas=("end-user",),
        skills=("Discovery questioning",),
        effect=NONE,
        popularity=1.2,
        situation="The buyer names a surface problem ('our reports are slow').",
        approach="Ask 'why does that matter?' up to three times to reach the business impact.",
        pitfalls="Buyers find three 'whys' in a row interrogating. Vary the wording: 'what happens then?', "
        "'who notices?'. The evidence so far says it is no better than our usual discovery.",
    ),
    DemoTechnique(
        title="Let the buyer draw their current process",
        author="tom.becker",
        stage="discovery",
        summary="Hand over the whiteboard: the buyer draws how work flows today and marks where it hurts.",
        personas=("technical-evaluator", "end-user"),
        skills=("Discovery questioning", "Demo delivery"),
        effect=GOOD,
        popularity=0.2,
        situation="On-site or video discovery with an operational team lead.",
        approach="Ask them to draw the process from first trigger to done. Ask them to circle the two worst "
        "steps. Photograph it and reuse it in your demo.",
        pitfalls="Don't take the pen back.",
    ),
    DemoTechnique(
        title="Discovery recap e-mail within the hour",
        author="kenji.sato",
        stage="discovery",
        summary="Send the buyer's problems back in their own words within an hour; it earns the next meeting.",
        personas=("champion",),
        skills=("Discovery questioning", "Mutual action plans"),
        effect=GOOD,
        popularity=2.0,
        situation="After every discovery call.",
        approach="1. Subject: 'What I heard'.\n2. Three bullets of their problems, in their words.\n"
        "3. One bullet of what you don't know yet.\n4. A proposed next step with a date.\n"
        "5. Ask them to correct anything you got wrong.",
        talk_track=(
            "recap e-mail",
            "What I heard: (1) new AEs take ~6 months to first close; (2) your best people's deal know-how "
            "isn't written down; (3) managers can't see which practices work. Did I get that right? "
            "Proposed next step: 45 minutes with Sam from enablement on Thursday.",
        ),
        pitfalls="A recap that describes *your* product is not a recap.",
    ),
    # --- Qualification ----------------------------------------------------------------------
    DemoTechnique(
        title="Test your champion: ask them to set up the meeting with their boss",
        author="aisha.bello",
        stage="qualification",
        summary="A real champion gets you in front of power; a coach only gives you information. Find out which early.",
        personas=("champion", "economic-buyer"),
        skills=("Champion building", "Multi-threading"),
        effect=STRONG,
        popularity=2.5,
        situation="Your contact is friendly and shares information, and you are assuming they are your champion.",
        approach="1. Ask them to arrange a 20-minute meeting with the budget owner, with them present.\n"
        "2. Offer to prepare the agenda and a one-page brief they can forward.\n"
        "3. Watch what happens: a champion books it within a week; a coach finds reasons to wait.\n"
        "4. If they won't, keep them as a coach and find another champion.",
        talk_track=(
            "end of qualification",
            "You've been a great guide. To make this real, I think your VP needs to hear it from you, with "
            "me there for questions. Could you set up 20 minutes next week? I'll send you a one-pager.",
        ),
        objections=(
            (
                "She's too busy right now.",
                "Understood. What would make it worth 20 minutes of her time? Let's build the agenda around that.",
            ),
        ),
        pitfalls="Don't treat a 'no' as failure: it is the most useful qualification you'll get this month.",
        quote=("A champion has power and uses it for you. Everyone else is a coach.", "Aisha Bello"),
    ),
    DemoTechnique(
        title="Ask what happens if they do nothing this year",
        author="priya.raman",
        stage="qualification",
        summary="If doing nothing is fine, the deal will slip. Asking it openly separates real projects from interest.",
        personas=("economic-buyer", "champion"),
        skills=("Discovery questioning", "Closing"),
        effect=GOOD,
        popularity=1.7,
        situation="The buyer is interested and the demo went well, but there's no deadline or owner.",
        approach="Ask what happens if the project doesn't happen this year. Listen for consequences with owners "
        "and dates. No consequence, no deal this quarter: forecast it honestly.",
        talk_track=(
            "qualification",
            "Let me ask a blunt one: if this doesn't happen this year, what happens? Who feels it first?",
        ),
        pitfalls="Ask it with curiosity, not as a pressure tactic.",
    ),
    DemoTechnique(
        title="Confirm the decision process in writing: who, when, criteria",
        author="kenji.sato",
        stage="qualification",
        summary="Write down who decides, by when and on what criteria, and have the champion correct it.",
        personas=("champion", "procurement"),
        skills=("Mutual action plans", "Forecasting"),
        effect=GOOD,
        popularity=1.6,
        situation="You're entering the evaluation and the buyer's process is only known 'roughly'.",
        approach="Send a short table: step, owner, date, criteria. Ask the champion to fix it. Revisit it at "
        "every meeting; the changes tell you how the deal is going.",
        pitfalls="A process you wrote and the buyer never touched is a guess.",
    ),
    DemoTechnique(
        title="Disqualify early: 'are we here to make up the numbers?'",
        author="priya.raman",
        stage="qualification",
        summary="Ask openly whether a favourite already exists; you save weeks on deals you can't win.",
        personas=("procurement", "champion"),
        skills=("Competitive positioning", "Forecasting"),
        effect=SMALL,
        popularity=0.9,
        situation="An RFP or a 'we're looking at three vendors' evaluation arrives with no prior relationship.",
        approach="Ask, privately and kindly, whether there's a preferred vendor and what it would take to win. "
        "If the answer is vague and the requirements read like a competitor's datasheet, walk away politely.",
        talk_track=(
            "private call with the champion",
            "I'd rather ask than guess: is there a vendor you're leaning towards already? It's fine if there is; "
            "I'd just rather put our effort where we can really help.",
        ),
    ),
    DemoTechnique(
        title="Find the compelling event: what date matters to them?",
        author="rafael.costa",
        stage="qualification",
        summary="Ask for the business date that makes this urgent; in our data it hasn't moved results yet.",
        personas=("economic-buyer",),
        skills=("Closing", "Forecasting"),
        effect=NONE,
        popularity=1.1,
        situation="Mid-cycle, no deadline in sight.",
        approach="Ask what date matters: a board meeting, a go-live, a hiring wave. Tie the plan to it.",
        pitfalls="Invented urgency ('the price goes up Friday') is not a compelling event.",
    ),
    # --- Solution / demo ------------------------------------------------------------------
    DemoTechnique(
        title="Demo only the three things discovery found",
        author="tom.becker",
        stage="solution-demo",
        summary="A tailored 30-minute demo of three discovered problems beats the full tour, every time.",
        personas=("technical-evaluator", "end-user", "champion"),
        skills=("Demo delivery",),
        effect=STRONG,
        popularity=2.8,
        situation="You have a demo booked and a discovery recap the buyer confirmed.",
        approach="1. Open by restating the three problems, in their words. Ask if anything changed.\n"
        "2. For each: show the before (their current way), then the after, in under 8 minutes.\n"
        "3. After each, ask 'how would this change your week?'\n"
        "4. Stop after three. Offer the rest as a follow-up if they ask.",
        talk_track=(
            "demo opener",
            "Last time you told me three things hurt most: ramp time, know-how that walks out the door, and not "
            "seeing what works. I'll show you those three and nothing else. Stop me anytime.",
        ),
        objections=(
            (
                "Can you just show us everything?",
                "Sure, afterwards. First let's make sure the three that matter most work for you; "
                "the rest is easier to judge then.",
            ),
        ),
        pitfalls="If discovery didn't find three problems, reschedule the demo. Demoing to find the pain is "
        "the most expensive discovery there is.",
    ),
    DemoTechnique(
        title="Start the demo with the end-state dashboard",
        author="tom.becker",
        stage="solution-demo",
        summary="Show the result first (the manager's view), then how you get there.",
        personas=("economic-buyer", "executive-sponsor"),
        skills=("Demo delivery", "Executive presence"),
        effect=SMALL,
        popularity=1.2,
        situation="Demos with senior people who may leave after 15 minutes.",
        approach="Open on the outcome screen they would see every Monday. Then walk backwards to the workflow.",
        pitfalls="Use their data or realistic sample data, never lorem ipsum.",
    ),
    DemoTechnique(
        title="Hand the technical evaluator the keyboard for ten minutes",
        author="hannah.kim",
        stage="solution-demo",
        summary="Let the evaluator drive a sandbox live; they trust what they did themselves.",
        personas=("technical-evaluator",),
        skills=("Demo delivery", "Champion building"),
        effect=GOOD,
        popularity=0.9,
        situation="A technical evaluator who has seen too many polished demos and doubts 'it really works'.",
        approach="Prepare a sandbox with their sample data. Give them a task ('import these 20 deals and find "
        "the stalled ones'). Stay quiet; help only when asked.",
        pitfalls="Test the sandbox an hour before. A failing setup does more harm than no hands-on at all.",
    ),
    DemoTechnique(
        title="Send the pre-filled security pack before they ask",
        author="jonas.weber",
        stage="solution-demo",
        summary="Security reviews stall deals for weeks; sending the answers first shortens them and builds trust.",
        personas=("technical-evaluator", "legal"),
        skills=("Procurement navigation",),
        industries=("financial-services", "healthcare"),
        effect=GOOD,
        popularity=1.5,
        situation="Any deal in a regulated industry, right after the technical evaluation starts.",
        approach="Send our completed standard questionnaire, the SOC 2 report (under NDA) and the data-flow "
        "diagram, with a named contact in our security team.",
        talk_track=(
            "after the demo",
            "Security reviews usually take the longest, so here is everything your team typically asks, "
            "answered. Tell me who should get it and I'll connect them with Ana in our security team.",
        ),
    ),
    DemoTechnique(
        title="Industry proof within 48 hours of the demo",
        author="rafael.costa",
        stage="solution-demo",
        summary="Follow the demo with a case study from their industry; useful, but our numbers show no lift so far.",
        personas=("champion", "economic-buyer"),
        skills=("Competitive positioning", "Business case"),
        effect=NONE,
        popularity=1.3,
        situation="After a demo, while interest is high.",
        approach="Send one case study from the same industry and size, with the one metric that matches their pain.",
        pitfalls="Generic case studies are skipped. If you don't have one in their industry, send a customer quote "
        "instead.",
    ),
    # --- Proposal -------------------------------------------------------------------------
    DemoTechnique(
        title="Mutual action plan from the first proposal conversation",
        author="kenji.sato",
        stage="proposal",
        summary="Build the path to signature with the buyer, dates and owners on both sides; deals with a plan "
        "close more and slip less.",
        personas=("champion", "economic-buyer", "procurement"),
        skills=("Mutual action plans", "Closing"),
        effect=STRONG,
        popularity=3.0,
        situation="The buyer wants a proposal. You don't yet know every step between now and signature.",
        approach="1. Before sending numbers, propose building the plan together (a shared doc).\n"
        "2. Start from their go-live date and work backwards: legal, security, procurement, signature, kickoff.\n"
        "3. Every step has an owner on *their* side and a date.\n"
        "4. Review it at the start of every call. Steps that slip tell you the truth about the deal.",
        talk_track=(
            "proposal call",
            "Before I send numbers: you want to go live on 1 March. Shall we work backwards together and write "
            "down every step on both sides? I'll share the doc, you correct it.",
        ),
        objections=(
            (
                "We don't need a plan, just send the proposal.",
                "I will, today. The plan is for us both: it shows your boss the project is under control and tells "
                "me when to stay out of your way.",
            ),
        ),
        pitfalls="- A plan with only *your* tasks is a to-do list.\n"
        "- Don't make it a contract: keep it one page, living, editable by them.",
        quote=("Buyers don't buy on our timeline. They buy on a plan they helped write.", "Kenji Sato"),
    ),
    DemoTechnique(
        title="Three options, with the middle one as your recommendation",
        author="mei.chen",
        stage="proposal",
        summary="Present good/better/best, recommend the middle; buyers compare options instead of vendors.",
        personas=("economic-buyer", "procurement"),
        skills=("Pricing and value", "Negotiation"),
        effect=GOOD,
        popularity=2.0,
        situation="Writing the commercial proposal.",
        approach="Offer three scopes: a limited start, the one you recommend, and an expansive one. Explain the "
        "trade-offs in their terms. Say which you recommend and why.",
        pitfalls="Three options that differ only in price look like a trick. Differ in scope and outcome.",
    ),
    DemoTechnique(
        title="Write the business case in the economic buyer's words",
        author="jonas.weber",
        stage="proposal",
        summary="A one-page business case using the numbers and phrases the buyer gave you gets forwarded upstairs.",
        personas=("economic-buyer", "executive-sponsor"),
        skills=("Business case", "Executive presence"),
        effect=GOOD,
        popularity=1.7,
        situation="The champion must sell the project internally to someone you may never meet.",
        approach="One page: the problem (their words), the cost of doing nothing (their numbers), the plan, "
        "the investment, the payback. Send it as an editable document for your champion to make their own.",
        pitfalls="If it mentions our product more than their business, rewrite it.",
    ),
    DemoTechnique(
        title="Reframe price as cost per outcome",
        author="mei.chen",
        stage="proposal",
        summary="Express the price per hire ramped or per deal influenced; the same number feels smaller and "
        "easier to defend.",
        personas=("economic-buyer", "procurement"),
        skills=("Pricing and value", "Objection handling"),
        effect=GOOD,
        popularity=1.4,
        situation="The buyer reacts to the annual price as a lump sum ('that's a lot for software').",
        approach="Divide the price by the unit the buyer cares about (new hires ramped, deals, reps) and compare "
        "with what one unit is worth to them.",
        talk_track=(
            "pricing objection",
            "You hire 12 AEs this year. That's about 6,000 per hire, to bring each one to their first deal a "
            "month sooner. What's a month of a ramped AE worth to you?",
        ),
        objections=(
            (
                "That's more than we budgeted.",
                "Let's look at it per hire: if one month of ramp is worth more than 6,000, is the problem the price "
                "or the budget timing?",
            ),
        ),
        pitfalls="Only works with a unit value the buyer agreed to in discovery.",
    ),
    DemoTechnique(
        title="Walk through the proposal live before sending it",
        author="rainmaker",
        stage="proposal",
        summary="Never e-mail a proposal cold: present it on a call, then send it; fewer proposals go dark.",
        personas=("champion", "economic-buyer"),
        skills=("Closing", "Pricing and value"),
        effect=STRONG,
        popularity=2.3,
        situation="The buyer asks you to 'just send over the proposal'.",
        approach="1. Agree, and ask for 20 minutes to walk through it so nothing is misread.\n"
        "2. Present the recommendation, then the price, then the plan.\n"
        "3. Ask what they'll be asked internally and prepare the answers together.\n"
        "4. Send it right after the call.",
        talk_track=(
            "when asked to send the proposal",
            "Absolutely, I'll send it today. Can we take 20 minutes to walk through it first? Proposals get "
            "forwarded, and I want you to be able to answer every question your CFO will ask.",
        ),
        objections=(("Just send it, I'll read it.", "Of course. Can I call you tomorrow at 10 to answer questions?"),),
    ),
    DemoTechnique(
        title="Re-engage a stalled deal with new information, not a check-in",
        author="lucia.fernandez",
        stage="proposal",
        summary="Dark deals answer new information (a benchmark, a change, a peer's result), not 'just checking in'.",
        personas=("champion", "economic-buyer"),
        skills=("Deal re-engagement",),
        effect=GOOD,
        popularity=1.9,
        situation="The proposal went out and the buyer has gone quiet for two weeks or more.",
        approach="1. Find something genuinely new: a result from a similar customer, a change in their market, "
        "a product change that removes one of their concerns.\n"
        "2. Send it with one question that's easy to answer.\n"
        "3. If no answer in a week, try a different thread in the account.",
        talk_track=(
            "e-mail to a dark deal",
            "Since we last spoke, Helios Health went live with the same setup you looked at and cut ramp time "
            "by five weeks. Is the project still on your plan for Q2, or has something changed?",
        ),
        pitfalls="Three 'just checking in' e-mails teach the buyer that ignoring you is free.",
    ),
    DemoTechnique(
        title="The 'should I close your file?' e-mail for dark deals",
        author="lucia.fernandez",
        stage="proposal",
        summary="A respectful take-away gets a reply from most dark deals within days.",
        personas=("champion",),
        skills=("Deal re-engagement", "Closing"),
        effect=SMALL,
        popularity=1.0,
        situation="No reply for 30+ days after the proposal, after at least two value-adding follow-ups.",
        approach="Ask permission to close the opportunity. Give a one-word way to keep it open.",
        talk_track=(
            "last e-mail",
            "I haven't heard back, so I suspect priorities changed. Should I close the file on our side for now? "
            "If it's still alive, just reply 'open' and I'll keep it on my list.",
        ),
    ),
    # --- Negotiation ------------------------------------------------------------------------
    DemoTechnique(
        title="Never discount without a trade",
        author="mei.chen",
        stage="negotiation",
        summary="Every concession buys something: a longer term, a case study, an earlier signature. Discounts "
        "given for free invite the next request.",
        personas=("procurement", "economic-buyer"),
        skills=("Negotiation", "Pricing and value"),
        effect=STRONG,
        popularity=2.7,
        situation="The buyer asks for a discount, usually late, often through procurement.",
        approach="1. Never say yes or no right away: ask what the discount is for.\n"
        "2. Prepare your trades in advance: multi-year term, upfront payment, reference call, logo rights, "
        "signature date.\n"
        "3. Offer the concession only as an if-then: 'If you can sign by the 28th, I can...'\n"
        "4. Write down what was traded in the mutual action plan.",
        talk_track=(
            "discount request",
            "I understand. If I can get approval for that, what can you do on your side? For example, could "
            "we make it a two-year term, or have you as a reference for one call?",
        ),
        objections=(
            (
                "Your competitor gave us 20% off.",
                "They may have. What did they ask in return? ... Let's see what's worth it to both of us.",
            ),
            (
                "This is our final offer.",
                "I hear you. Help me understand which part matters most: the total, the first-year cost, "
                "or the payment terms?",
            ),
        ),
        pitfalls="Don't trade things the buyer doesn't value. Ask what's easy for them to give.",
    ),
    DemoTechnique(
        title="Answer 'your price is too high' with 'compared with what?'",
        author="priya.raman",
        stage="negotiation",
        summary="Ask what they compare the price with; the answer tells you whether it's budget, "
        "value or a competitor.",
        personas=("economic-buyer", "procurement"),
        skills=("Objection handling", "Pricing and value"),
        effect=GOOD,
        popularity=2.2,
        situation="A pricing objection, without detail.",
        approach="Ask, calmly, what they're comparing with. Then handle the real objection: budget (timing, "
        "phasing), value (back to the business case), or competitor (differences that matter to them).",
        talk_track=(
            "pricing objection",
            "Too high compared with what: another offer, your budget, or the value you expect?",
        ),
        objections=(
            (
                "Compared with doing it ourselves.",
                "Fair. How many people for how long? Let's put that next to our number.",
            ),
        ),
    ),
    DemoTechnique(
        title="Ask procurement for their process and calendar on day one",
        author="priya.raman",
        stage="negotiation",
        summary="Meet procurement early and ask how they run the process; no surprises in the last week of quarter.",
        personas=("procurement", "legal"),
        skills=("Procurement navigation", "Negotiation"),
        effect=STRONG,
        popularity=2.1,
        situation="Any deal above the buyer's procurement threshold, as soon as you're shortlisted.",
        approach="1. Ask your champion to introduce you to procurement early.\n"
        "2. Ask them: steps, documents, approvals, timing, month-end and year-end freezes.\n"
        "3. Put every step into the mutual action plan.\n"
        "4. Send our paperwork before they ask.",
        talk_track=(
            "first call with procurement",
            "I'd like to make your job easier, not harder. What does your process look like from here, and "
            "which dates should we plan around?",
        ),
        pitfalls="Procurement is not the enemy; treating them as one adds two weeks.",
    ),
    DemoTechnique(
        title="Multi-thread to the economic buyer when procurement stalls",
        author="rainmaker",
        stage="negotiation",
        summary="When procurement grinds, a short call between the economic buyer and your executive unblocks it.",
        personas=("economic-buyer", "procurement"),
        skills=("Multi-threading", "Executive presence"),
        effect=GOOD,
        popularity=1.6,
        situation="Procurement keeps asking for concessions or stops answering while the business wants to proceed.",
        approach="Ask your champion whether the economic buyer knows where it's stuck. Offer a 15-minute call "
        "with your VP to confirm the business outcome and the timeline, not to negotiate.",
        pitfalls="Never ask the economic buyer to overrule procurement. Ask them to confirm priority and timing.",
    ),
    DemoTechnique(
        title="Send the contract paper before the price is final",
        author="priya.raman",
        stage="negotiation",
        summary="Legal review runs in parallel with commercial talks instead of after them.",
        personas=("legal", "procurement"),
        skills=("Procurement navigation",),
        effect=SMALL,
        popularity=1.2,
        situation="Enterprise deals where legal review takes weeks.",
        approach="Send our MSA and DPA as soon as commercial terms are being discussed, "
        "with a redline-friendly version.",
    ),
    DemoTechnique(
        title="Decide your walk-away point before the call",
        author="kenji.sato",
        stage="negotiation",
        summary="Writing your limits down before negotiating keeps you calm; no measurable effect on outcomes yet.",
        personas=("procurement",),
        skills=("Negotiation",),
        effect=NONE,
        popularity=1.0,
        situation="Before any negotiation call.",
        approach="Write down: the best outcome, the acceptable one, the walk-away point, and what you'd trade. "
        "Share it with your manager.",
    ),
    DemoTechnique(
        title="End-of-quarter discount to pull the deal in",
        author="rafael.costa",
        stage="negotiation",
        summary="Offering an extra discount to sign before quarter-end. Tempting; the numbers say it hurts.",
        personas=("procurement", "economic-buyer"),
        skills=("Negotiation", "Closing"),
        effect=NEGATIVE,
        popularity=2.2,
        situation="The deal is likely next quarter and you're short of your number.",
        approach="Offer an additional discount valid only until the last day of the quarter.",
        pitfalls="Buyers learn our calendar and wait for the quarter-end. Our data shows these deals "
        "close *less* often. Trade for something real instead (see 'Never discount without a trade').",
    ),
    DemoTechnique(
        title="Executive sponsor call before the final round",
        author="aisha.bello",
        stage="negotiation",
        summary="A short exec-to-exec call before the last negotiation round; promising on a handful of deals.",
        personas=("executive-sponsor", "economic-buyer"),
        skills=("Executive presence", "Multi-threading"),
        effect=STRONG,
        popularity=0.22,
        situation="Strategic deals (>250k) where both sides have an executive sponsor.",
        approach="Brief your executive on one page. The call confirms the partnership and the outcome; "
        "it does not negotiate price.",
    ),
    # --- Closing ---------------------------------------------------------------------------
    DemoTechnique(
        title="Ask 'what could stop this from being signed?'",
        author="rainmaker",
        stage="closing",
        summary="One question, asked two weeks before signature, surfaces the blockers while you can still fix them.",
        personas=("champion", "economic-buyer"),
        skills=("Closing", "Forecasting"),
        effect=STRONG,
        popularity=2.6,
        situation="Verbal yes, signature expected in the next two to four weeks.",
        approach="1. Ask the champion, then the economic buyer, separately.\n"
        "2. For each blocker: who owns it, what they need, and by when.\n"
        "3. Add the blockers to the mutual action plan.\n"
        "4. Ask again a week later.",
        talk_track=(
            "two weeks before signature",
            "We're close, and I don't want surprises for either of us. What could still stop this from being "
            "signed by the 30th?",
        ),
        objections=(("Nothing, we're good.", "Great. Who else has to sign or approve, and do they know the date?"),),
        pitfalls="'Nothing' from the champion is not an answer from the signer. Ask both.",
    ),
    DemoTechnique(
        title="Reverse-timed close plan from the go-live date",
        author="kenji.sato",
        stage="closing",
        summary="Count back from their go-live to the signature date they actually need; the date becomes theirs.",
        personas=("champion", "executive-sponsor"),
        skills=("Mutual action plans", "Closing"),
        effect=GOOD,
        popularity=1.8,
        situation="The buyer agrees but the signature date keeps moving.",
        approach="Start from the go-live date they care about. Subtract onboarding, kickoff, provisioning. "
        "The result is the date they need to sign by, in their own plan.",
        talk_track=(
            "closing",
            "You want the new hires using it on 1 September. Onboarding takes four weeks and kickoff needs a "
            "week's notice, so to make that date we'd need the signature by 25 July. Does that work on your side?",
        ),
    ),
    DemoTechnique(
        title="Confirm signature logistics a week ahead",
        author="priya.raman",
        stage="closing",
        summary="Who signs, on which paper, through which tool, and who is on holiday: ask a week before.",
        personas=("procurement", "legal"),
        skills=("Closing", "Procurement navigation"),
        effect=GOOD,
        popularity=1.4,
        situation="The deal is agreed; signature is next week.",
        approach="Confirm signer, e-signature tool, PO requirement, vendor onboarding forms, and absences. "
        "Send everything pre-filled.",
        pitfalls="The most common last-week slip is a signer on holiday. Ask.",
    ),
    DemoTechnique(
        title="Assumptive close: 'which start date works for you?'",
        author="rafael.costa",
        stage="closing",
        summary="Asking for a start date as if the decision were made; experienced buyers push back and it hurts.",
        personas=("economic-buyer",),
        skills=("Closing",),
        effect=NEGATIVE,
        popularity=1.1,
        situation="End of a positive meeting, no explicit decision yet.",
        approach="Ask which of two start dates works best, as if the decision were made.",
        pitfalls="Enterprise buyers recognise the tactic and feel pushed. The data says it does worse than "
        "our baseline: ask what could stop the signature instead.",
    ),
    DemoTechnique(
        title="Handover call with customer success before signature",
        author="hannah.kim",
        stage="closing",
        summary="Introduce the onboarding lead before the contract is signed, so the buyer sees life after signature.",
        personas=("champion", "end-user"),
        skills=("Closing", "Champion building"),
        effect=SMALL,
        popularity=0.25,
        situation="Final week before signature, buyer nervous about the rollout.",
        approach="Invite our onboarding lead to a 20-minute call to walk through the first 30 days.",
    ),
]

# The team's standard playbook, published by enablement: what reps do by default. Popular, and
# the yardstick the rainmakers' techniques are measured against (their true effect is zero).
PLAYBOOK = [
    DemoTechnique(
        title="Team playbook: the standard outbound cadence",
        author="manager",
        stage="prospecting",
        summary="Our default sequence for new accounts: eight touches over three weeks, e-mail, phone and LinkedIn.",
        personas=("end-user", "champion"),
        skills=("Prospecting",),
        effect=NONE,
        popularity=4.0,
        situation="Any new target account without a warm path in.",
        approach="Day 1 e-mail, day 2 call, day 4 LinkedIn, day 7 e-mail, day 9 call, day 14 e-mail, day 17 call, "
        "day 21 break-up e-mail. Templates are in the CRM.",
        pitfalls="Personalise at least the first line of every e-mail.",
    ),
    DemoTechnique(
        title="Team playbook: the discovery call agenda",
        author="manager",
        stage="discovery",
        summary="The standard first-call structure: agenda, current situation, goals, budget, authority, timing.",
        personas=("champion", "end-user"),
        skills=("Discovery questioning",),
        effect=NONE,
        popularity=4.0,
        situation="Every first discovery call.",
        approach="1. Agree the agenda and the time.\n2. Current situation and tools.\n3. Goals for the year.\n"
        "4. Budget, authority, need, timing.\n5. Next step with a date.",
    ),
    DemoTechnique(
        title="Team playbook: qualify with the MEDDICC checklist",
        author="manager",
        stage="qualification",
        summary="Fill in metrics, economic buyer, decision criteria and process, pain, champion and competition.",
        personas=("champion",),
        skills=("Forecasting",),
        effect=NONE,
        popularity=3.5,
        situation="Before moving an opportunity past qualification in the CRM.",
        approach="Complete the MEDDICC fields on the opportunity. "
        "Anything unknown becomes a question for the next call.",
    ),
    DemoTechnique(
        title="Team playbook: the standard product demo",
        author="manager",
        stage="solution-demo",
        summary="The 45-minute product tour from the enablement deck, with the customer logo slide.",
        personas=("technical-evaluator", "end-user"),
        skills=("Demo delivery",),
        effect=NONE,
        popularity=3.5,
        situation="First demo for a qualified opportunity.",
        approach="Follow the demo script in the enablement folder: overview, the five core modules, integrations, "
        "security, customer logos, Q&A.",
    ),
    DemoTechnique(
        title="Team playbook: the proposal template",
        author="manager",
        stage="proposal",
        summary="Use the approved proposal template and send it within two days of the request.",
        personas=("champion", "procurement"),
        skills=("Pricing and value",),
        effect=NONE,
        popularity=3.5,
        situation="The buyer asks for a proposal.",
        approach="Fill in the template (scope, price, terms), have deal desk check it, send it by e-mail, follow up "
        "after three days.",
    ),
    DemoTechnique(
        title="Team playbook: the discount approval ladder",
        author="manager",
        stage="negotiation",
        summary="Up to 10% with your manager's approval, up to 20% with the VP's; deal desk above that.",
        personas=("procurement",),
        skills=("Negotiation",),
        effect=NONE,
        popularity=3.5,
        situation="The buyer asks for a better price.",
        approach="Request the approval in the CRM with the reason, then reply to the buyer with the approved number.",
    ),
    DemoTechnique(
        title="Team playbook: weekly check-in until signature",
        author="manager",
        stage="closing",
        summary="A short weekly call with the champion from verbal yes to signature.",
        personas=("champion",),
        skills=("Closing",),
        effect=NONE,
        popularity=3.0,
        situation="Verbal commitment received.",
        approach="Book a recurring 15-minute slot. Review open items, update the close date in the CRM.",
    ),
]
TECHNIQUES = TECHNIQUES + PLAYBOOK

# Submissions waiting in the moderation queue (shared through the same service as the form).
PENDING_SUBMISSIONS = [
    DemoTechnique(
        title="Ask the champion to rehearse the internal pitch with you",
        author="aisha.bello",
        stage="proposal",
        summary="Role-play the champion's pitch to their CFO before they give it; they walk in with answers.",
        personas=("champion",),
        skills=("Champion building", "Business case"),
        effect=GOOD,
        situation="The champion will present the business case internally without you.",
        approach="Offer a 30-minute rehearsal: you play the CFO. Ask the three toughest questions you've heard "
        "from CFOs this year. Fix the one-pager together afterwards.",
        talk_track=("before their internal meeting", "Want to try it on me first? I'll be your CFO for 20 minutes."),
    ),
    DemoTechnique(
        title="Price the pilot so it converts",
        author="mei.chen",
        stage="proposal",
        summary="Paid pilots with the full-price conversion agreed upfront turn into contracts twice as often.",
        personas=("economic-buyer", "procurement"),
        skills=("Pricing and value", "Negotiation"),
        effect=GOOD,
        situation="The buyer wants a free pilot before committing.",
        approach="Offer a short paid pilot with success criteria, an end date and the contract price agreed in "
        "advance if the criteria are met.",
    ),
    DemoTechnique(
        title="Use the renewal date to plan the switch from the incumbent",
        author="jonas.weber",
        stage="qualification",
        summary="Work back from the incumbent's renewal notice period to start the evaluation on time.",
        personas=("procurement", "economic-buyer"),
        skills=("Competitive positioning", "Mutual action plans"),
        effect=SMALL,
        situation="The buyer likes us but is under contract with a competitor.",
        approach="Find the notice period, count back the evaluation and procurement time, and agree the start "
        "date of the evaluation now.",
    ),
]
# One submission a manager sent back with a comment (the author has to edit it).
NEEDS_CHANGES = (
    DemoTechnique(
        title="Follow up every demo with a video",
        author="tom.becker",
        stage="solution-demo",
        summary="A short personal video after the demo.",
        situation="After demos.",
        approach="Record a video.",
        effect=NONE,
    ),
    "Good idea, but tell us when and how: how long is the video, what goes in it, and who is it for? "
    "Add a talk track so a new hire can copy it.",
)

REVIEW_COMMENTS_ENDORSE = [
    "Used this on three deals last month; it works exactly as written.",
    "This is how I coach it too. The talk track is gold for new hires.",
    "Worked with procurement-heavy buyers in EMEA as well.",
    "Clear, specific and easy to copy. Endorsed.",
    "",
    "",
    "I'd add: do it in the first week, not the third. Otherwise spot on.",
]
REVIEW_COMMENTS_CHANGES = [
    "Could you add what to do when the buyer refuses? That's where new hires get stuck.",
    "The approach is good but the talk track sounds scripted; make it more conversational.",
    "Add a pitfall about regulated industries: legal often needs to be involved earlier.",
]


# --- More of each technique: talk tracks, objections and pitfalls the authors added later. ---
_MORE: dict[str, dict] = {
    "Ask 'why' three times on the stated pain": {
        "talk_track": ("discovery", "Slow reports, got it. What happens when a report is late? And who notices first?"),
    },
    "Let the buyer draw their current process": {
        "talk_track": (
            "on the whiteboard",
            "Could you draw how a new deal flows today, from the first call to the signed order? "
            "Then circle the two steps that hurt most.",
        ),
        "objections": (("We're not really a whiteboard team.", "No problem: talk me through it and I'll draw."),),
    },
    "Confirm the decision process in writing: who, when, criteria": {
        "talk_track": (
            "after qualification",
            "I wrote down how I understood your decision process: who, when, and what you'll judge on. "
            "Could you correct anything I got wrong? It saves us both surprises.",
        ),
    },
    "Disqualify early: 'are we here to make up the numbers?'": {
        "pitfalls": "Ask it privately and kindly. Asked in front of the committee, it sounds like an accusation.",
    },
    "Find the compelling event: what date matters to them?": {
        "talk_track": (
            "mid-cycle",
            "Is there a date on your side that this needs to be live by? What happens on that date?",
        ),
    },
    "Start the demo with the end-state dashboard": {
        "talk_track": (
            "demo opener",
            "This is what your Monday would look like: every rep's practice and what it achieved. "
            "Let me show you how it gets there.",
        ),
    },
    "Hand the technical evaluator the keyboard for ten minutes": {
        "talk_track": (
            "halfway through the demo",
            "Want to drive? Here's a sandbox with your sample deals. Try to find the stalled ones.",
        ),
    },
    "Send the pre-filled security pack before they ask": {
        "pitfalls": "Send the SOC 2 report only under NDA, and keep the pack current: an outdated answer costs more "
        "trust than a late one.",
    },
    "Industry proof within 48 hours of the demo": {
        "talk_track": (
            "follow-up e-mail",
            "You asked how others in logistics did it: here is Northwind's story, one page. The number that "
            "matches your goal is on top.",
        ),
    },
    "Three options, with the middle one as your recommendation": {
        "talk_track": (
            "presenting the options",
            "Three ways to start. I'd recommend the middle one, because it covers the two teams that hire "
            "most this year without paying for the regions that don't.",
        ),
    },
    "Write the business case in the economic buyer's words": {
        "talk_track": (
            "sending the draft to the champion",
            "Here is a one-page draft, in your words from our calls. Make it yours: change anything, "
            "then it's your document, not mine.",
        ),
    },
    "The 'should I close your file?' e-mail for dark deals": {
        "pitfalls": "Use it once. Sent to a buyer who is merely busy, it reads as pressure; check their calendar "
        "(holidays, quarter-end) first.",
    },
    "Multi-thread to the economic buyer when procurement stalls": {
        "talk_track": (
            "to your champion",
            "Procurement has asked for a third round of discounts. Does your VP know we're stuck there? "
            "A 15-minute call with our VP could confirm the timeline, without touching price.",
        ),
    },
    "Send the contract paper before the price is final": {
        "talk_track": (
            "when price talks start",
            "While we settle the numbers, shall I send our MSA and DPA to your legal team? "
            "They usually take two to three weeks, and that way they run in parallel.",
        ),
        "pitfalls": "Send the redline-friendly Word version, not a PDF: a PDF costs a week of back-and-forth.",
    },
    "Decide your walk-away point before the call": {
        "talk_track": (
            "before the call, to your manager",
            "Best case three years at list, acceptable two years at 8% off, walk away below 15% or without "
            "a reference. Trades I can offer: payment terms, onboarding hours.",
        ),
        "pitfalls": "A walk-away point you don't share with your manager will move during the call.",
    },
    "End-of-quarter discount to pull the deal in": {
        "talk_track": (
            "what reps say (and shouldn't)",
            "If you can sign by Friday, I can get you an extra 10% off. After that I can't promise anything.",
        ),
    },
    "Executive sponsor call before the final round": {
        "talk_track": (
            "your executive's opening",
            "I wanted to hear from you directly what success looks like a year from now, and to tell you "
            "what we'll commit to make it happen.",
        ),
        "pitfalls": "If your executive starts negotiating price on the call, the procurement team will be back "
        "with a bigger ask the next day.",
    },
    "Reverse-timed close plan from the go-live date": {
        "pitfalls": "Use onboarding times you can really deliver; "
        "a plan that slips on our side ends the trick forever.",
    },
    "Confirm signature logistics a week ahead": {
        "talk_track": (
            "a week before",
            "To make the 30th easy: who signs, in DocuSign or your own tool, do you need a PO first, "
            "and is anyone away that week?",
        ),
    },
    "Assumptive close: 'which start date works for you?'": {
        "talk_track": ("end of the meeting", "Great meeting. Shall we start on the 1st or the 15th?"),
    },
    "Handover call with customer success before signature": {
        "talk_track": (
            "inviting the buyer",
            "Before you sign, would it help to meet Priya, who would run your onboarding? She'll walk you "
            "through the first 30 days.",
        ),
        "pitfalls": "Brief the onboarding lead first: they must not promise anything the contract doesn't cover.",
    },
    "Team playbook: the standard outbound cadence": {
        "talk_track": (
            "first e-mail template",
            "Hi {first name}, teams like {company} use Rainmaker to ramp new AEs faster. Worth 15 minutes next week?",
        ),
    },
    "Team playbook: the discovery call agenda": {
        "pitfalls": "Don't read BANT as a checklist; buyers notice and answer in kind.",
    },
    "Team playbook: qualify with the MEDDICC checklist": {
        "pitfalls": "Fields filled in from guesses look complete and aren't. Mark what the buyer actually confirmed.",
    },
    "Team playbook: the standard product demo": {
        "pitfalls": "45 minutes is long for senior buyers; agree the time at the start.",
    },
    "Team playbook: the proposal template": {
        "pitfalls": "Remove the sections that don't apply; a 14-page template for a pilot looks careless.",
    },
    "Team playbook: the discount approval ladder": {
        "pitfalls": "Approvals take a day or two; ask early, not on the last day of the quarter.",
    },
    "Team playbook: weekly check-in until signature": {
        "pitfalls": "A check-in without an agenda becomes 'any news?'. Bring the open items.",
    },
}


def _with_more(t: DemoTechnique) -> DemoTechnique:
    from dataclasses import replace

    more = _MORE.get(t.title)
    return replace(t, **more) if more else t


TECHNIQUES = [_with_more(t) for t in TECHNIQUES]
