# ruff: noqa: RUF001 - prose: long lines and typographic quotes are the content
"""Demo content for questions and answers: what a B2B sales team really asks and answers.

Each topic has the stage and persona it usually sits at, its skill tags, questions as
(title, detail) and answers that the team's rainmakers and mentors give.
"""

from __future__ import annotations

TOPICS = [
    {
        "key": "pricing",
        "stage": "Proposal",
        "persona": "Economic buyer",
        "tags": ["Pricing and value", "Objection handling"],
        "questions": [
            (
                "CFO says we're 30% more expensive than the incumbent. How do I respond?",
                "She put the two quotes side by side on the call and asked why she should pay more for the same thing.",
            ),
            (
                "How do I defend price when the buyer only compares per-seat cost?",
                "They have a spreadsheet with three vendors and a single column: price per seat per month.",
            ),
            (
                "Buyer asked for a discount in the very first call. Too early to talk price?",
                "We had not even done discovery. He said 'just ballpark it and tell me your best discount'.",
            ),
            (
                "“Your price is too high” — but they won't say compared to what",
                "Every time I ask what they are comparing us with, the answer is 'just in general'.",
            ),
            (
                "Should I show the list price or lead with the discounted number?",
                "Manager approved 15% off already. Not sure whether to show list and discount, or only the net price.",
            ),
            (
                "How do I put a number on the cost of doing nothing?",
                "The champion agrees the pain is real, but the economic buyer keeps asking why this year.",
            ),
            (
                "Buyer wants monthly billing instead of annual upfront. Should I trade for it?",
                "Annual upfront is our default; finance says monthly is possible with a 10% uplift.",
            ),
            (
                "Our ROI calculator says 4x but the buyer doesn't believe the inputs",
                "He called the numbers 'vendor math'. The calculator uses industry averages, not their data.",
            ),
            (
                "How to present a three-option proposal without them picking the cheapest?",
                "I want to show good / better / best, but I'm worried they'll anchor on the bottom.",
            ),
            (
                "Price increase at renewal: how do I tell a happy customer it's going up 8%?",
                "Customer for three years, great adoption, never had an increase before.",
            ),
            (
                "Economic buyer approved the budget but at 60% of our quote",
                "She said 'this is the number I have, make it work'. The scope is fixed.",
            ),
            (
                "Competitor is giving the product away free for year one. How do we compete?",
                "Classic land-grab: free year one, full price from year two. The buyer loves 'free'.",
            ),
            (
                "When is it OK to walk away on price?",
                "We're at 40% off and they want more. My manager says it's my call.",
            ),
        ],
        "answers": [
            "Don't defend the price, **re-anchor on the cost of the problem**. Go back to the number you agreed in discovery (hours lost, deals slipped, churn) and put it next to the quote:\n\n> \"You told me the delays cost roughly 400k a year. We're 60k. What would have to be true for that not to be worth it?\"\n\nIf you never got that number in discovery, that's the real gap — go back and get it before you talk price again.",
            'Never give a discount without getting something back. My standard trade list, in order:\n\n1. Longer term (2–3 years)\n2. Upfront payment\n3. A case study or reference call\n4. Signature by a date that helps *your* quarter\n5. Bigger scope (more seats or modules)\n\nSay it out loud: *"I can look at that if we can do X."* Buyers respect a trade; they exploit a gift.',
            "Ask what they are comparing against, then make the comparison fair. Per-seat is rarely apples to apples: implementation, admin time, integrations and the features they'd buy as add-ons elsewhere. I build a one-page **total cost over three years** with their numbers and send it to the champion first so they can poke holes in it before the CFO sees it.",
            'Use the three-option structure but make the middle option the one you actually recommend, and *say so*: "Most teams your size choose B because…". Price the top option high enough that B looks reasonable, and make the bottom option genuinely limited (no SSO, no support SLA). Buyers pick the bottom when the options look the same except price.',
            "Silence works. When they say 'too expensive', pause, then ask: *\"Too expensive compared to what?\"* and wait. Most of the time it's one of three things: no budget, no perceived value, or a negotiation reflex. Each has a different answer, and you can't handle it until you know which one it is.",
            "For the free-year-one competitor: do the math for them over three years and show the total. Then ask who owns the migration risk in year two when the price jumps. Procurement teams hate surprise uplifts — frame yourself as the *predictable* option.",
        ],
    },
    {
        "key": "procurement",
        "stage": "Negotiation",
        "persona": "Procurement",
        "tags": ["Procurement navigation", "Negotiation"],
        "questions": [
            (
                "Procurement wants 20% off before they'll sign. The champion says budget is there.",
                "We got verbal from the VP last week. Now procurement joined and opened with a 20% ask.",
            ),
            (
                "How do I handle procurement that refuses to let me talk to the business sponsor?",
                "Since procurement took over, every email to my sponsor gets redirected to the buyer in procurement.",
            ),
            (
                "Procurement sent a 40-page MSA redline two days before quarter end",
                "Legal on our side needs a week. The customer wants to sign this quarter too, supposedly.",
            ),
            (
                "What do I do when procurement runs a reverse auction?",
                "They invited four vendors to an online auction for 'commodity software'. We're not a commodity.",
            ),
            (
                "Procurement asks for 'most favoured customer' pricing clause",
                "They want a clause saying nobody else gets a better price. Deal desk says no, but how do I say no?",
            ),
            (
                "Our payment terms are 30 days, procurement insists on net 90",
                "They say it's company policy, non-negotiable for all suppliers.",
            ),
            (
                "Procurement wants us to fill a 300-question vendor questionnaire",
                "It's half security, half finance, half ESG (yes, three halves). Due in five days.",
            ),
            (
                "How early should I get procurement involved?",
                "Last two deals died in procurement. I always seem to meet them too late.",
            ),
            (
                "Procurement is asking for uncapped liability",
                "Their template says unlimited liability for data breaches. Our legal caps at 12 months' fees.",
            ),
            (
                "New procurement lead wants to re-open a deal we already agreed",
                "The previous buyer left; the new one says 'I need to validate this is market price'.",
            ),
            (
                "Procurement asks for a price hold for 12 months on an unsigned quote",
                "They won't sign until next fiscal year but want today's price locked.",
            ),
            (
                "How do I find out procurement's real deadline?",
                "They say there's no rush, but the business says go-live is in Q3.",
            ),
        ],
        "answers": [
            "Procurement is measured on savings, so give them a *saving to report* that doesn't come out of price: multi-year price protection, waived implementation fee, extra training credits. Ask them directly: *\"What do you need to show internally to call this a good deal?\"* — you'll often get a very specific answer.",
            "Get in front of procurement **before** they get in front of you. In discovery, ask the champion: \"Who in procurement will see this, what's their process and what did they push back on last time?\" Then put procurement's steps in the mutual action plan with dates. Procurement surprises happen when we treat them as the last step.",
            "On the late redline: don't fight all 40 pages. Split the comments into (a) must-haves for us, (b) must-haves for them, (c) everything else. Offer to accept most of (c) if they sign by date X. And get *both* legal teams on one call — it cuts the email ping-pong from weeks to days.",
            "Keep the sponsor warm through value, not through the deal. Send the sponsor something useful that isn't about price (benchmark, implementation plan, a customer story) and copy procurement. You stay visible to the business without looking like you're going around procurement.",
            "For reverse auctions: ask to be excluded and explain why in writing — your solution isn't comparable line by line. If they refuse, submit once at a price you can live with and don't play the rounds. I've won more deals by *not* bidding down than by bidding.",
        ],
    },
    {
        "key": "champion",
        "stage": "Qualification",
        "persona": "Champion",
        "tags": ["Champion building", "Multi-threading"],
        "questions": [
            (
                "How do I test whether my champion is a real champion or just a coach?",
                "She loves us, takes every call, but I'm not sure she has any power to get it done.",
            ),
            (
                "My champion just left the company. What now?",
                "Two weeks before the decision meeting. I found out from LinkedIn.",
            ),
            (
                "Champion keeps saying 'leave it with me' and then nothing happens",
                "Third time this month. Deal has been at the same stage for six weeks.",
            ),
            (
                "How do I equip my champion to sell internally when I'm not in the room?",
                "The real decision happens in their leadership meeting; I'm not invited.",
            ),
            (
                "Is it OK to go over my champion's head to the economic buyer?",
                "He wants to 'handle the exec'. I think he's protecting his own position.",
            ),
            (
                "What do I send a champion to forward to their CFO?",
                "She asked for 'something short I can forward'. I usually send the deck, which nobody reads.",
            ),
            (
                "Champion is enthusiastic but junior. How do I use them without losing the deal?",
                "Analyst-level contact, very keen, wants to run the whole evaluation.",
            ),
            (
                "How do I find a champion when nobody is excited about the problem?",
                "The status quo is painful but nobody owns fixing it.",
            ),
            (
                "Two people both think they're my champion and they don't like each other",
                "Head of ops and head of IT both want to 'own' the project.",
            ),
            (
                "Champion asked me to lower the price so it's easier for them to sell internally",
                "I get it, but I don't want to negotiate against myself.",
            ),
            (
                "How often should I check in with my champion without being annoying?",
                "I don't want to go dark, but I don't want to nag either.",
            ),
            (
                "My champion got a new boss mid-deal who doesn't know us",
                "New VP started last week and is 'reviewing all open projects'.",
            ),
        ],
        "answers": [
            'Test with asks that cost them something: *"Can you get me 30 minutes with the CFO?"*, *"Can you share how the last purchase of this size was approved?"* A champion has power **and** uses it for you. A coach gives you information but can\'t move people. Both are useful — just don\'t forecast on a coach.',
            "Write the internal email *for* them. I send champions a 150-word note in their voice: the problem, the cost, what we'd do, what it costs, the ask. They edit and forward. It gets read, unlike a deck, and you control the story.",
            "When the champion leaves: call them anyway (they'll often tell you who to talk to and why), then go wide immediately — every contact in the account gets a personal note in the same week. This is exactly why we multi-thread from discovery; if you only had one thread, that's the lesson for next time.",
            "'Leave it with me' three times means it's stuck and they're embarrassed. Make it safe to tell you: *\"Usually when this happens, it's because budget moved, someone senior has doubts, or something more urgent came up. Which one is it here?\"* You'll get the truth more often than you'd think.",
            "Don't go over their head — go *with* them. Propose a meeting 'to support you with the exec' and give the champion a role in it (they present the problem, you present the plan). Executives respect the champion more, and you get your access.",
        ],
    },
    {
        "key": "discovery",
        "stage": "Discovery",
        "persona": "Economic buyer",
        "tags": ["Discovery questioning", "Business case"],
        "questions": [
            (
                "What are your best discovery questions to surface budget?",
                "I keep ending discovery calls without knowing if there's any money.",
            ),
            (
                "Buyer gives one-word answers in discovery. How do I open them up?",
                "Technical director, very polite, answers exactly what I ask and nothing more.",
            ),
            (
                "How do I ask about the decision process without sounding pushy?",
                "Asking 'who signs?' on a first call feels aggressive.",
            ),
            (
                "How do I quantify the pain when the buyer says 'it's hard to measure'?",
                "They agree it's a problem but refuse to put a number on it.",
            ),
            (
                "Discovery call ran 45 minutes and I never got to ask about timeline",
                "They wanted to talk features the whole time.",
            ),
            (
                "How much research should I do before a discovery call?",
                "I spend 2 hours per account and still feel unprepared.",
            ),
            (
                "The buyer wants a demo before answering any discovery questions",
                "'Show me what it does and I'll tell you if it fits.'",
            ),
            (
                "How do I run discovery with five people on the buyer's side?",
                "Each one has a different agenda and they talk over each other.",
            ),
            (
                "What should I send after a discovery call?",
                "I send a thank-you email, but it feels like wasted opportunity.",
            ),
            ("How do I find out what happens if they do nothing?", "I suspect 'nothing' is the real competitor here."),
            (
                "Buyer says they're 'just researching for next year'. Worth qualifying?",
                "Nice person, big logo, no project yet.",
            ),
            (
                "How to ask about competitors they're evaluating?",
                "I want to know who else is in, without sounding insecure.",
            ),
            (
                "Discovery with a technical evaluator who cares only about APIs",
                "He wants the integration docs; the business pain never comes up.",
            ),
        ],
        "answers": [
            'Budget question that works for me: *"When you\'ve bought something of this size before, how did the money get found — was it planned, or did someone make a case for it?"* It\'s about their process, not your price, so people answer honestly. Then: "Who would make that case this time?"',
            'Ask for stories, not facts. Instead of "How many tickets do you get?" try "Tell me about the last time this went badly." Stories give you the impact, the people involved and the emotion — and one-word answerers open up when talking about a specific bad day.',
            "Get the cost of inaction in *their* words and write it down in front of them: \"So if nothing changes, you'll lose roughly two analysts' time every quarter end — is that fair?\" If they correct your number, even better: now it's their number.",
            "Send a **recap, not a thank-you**: what we heard (problem, impact, who's affected), what we agreed to do next, open questions. Ask them to correct anything wrong. Half my buyers forward the recap internally — it's the first piece of the business case.",
            "On the demo-first buyer: give a 10-minute 'highlights' demo, then say \"To show you the parts that matter for you, I need to understand X, Y, Z.\" You earn the right to ask questions by showing something first, and the rest of the demo becomes tailored.",
            "Prepare 30 minutes, max. Three things: their last annual report or funding news, the person's LinkedIn (what they've shipped, where they came from), and one hypothesis about their pain. Everything else you learn faster by asking.",
        ],
    },
    {
        "key": "map",
        "stage": "Proposal",
        "persona": "Champion",
        "tags": ["Mutual action plans", "Closing"],
        "questions": [
            (
                "How do I introduce a mutual action plan without it feeling like a sales tactic?",
                "Tried once, buyer said 'we'll buy when we're ready, thanks'.",
            ),
            (
                "What goes into a mutual action plan for a six-month enterprise deal?",
                "I have a template but it's mostly our steps, not theirs.",
            ),
            ("Buyer agreed to a MAP but nobody updates it", "It's a shared doc; only I ever touch it."),
            (
                "How do I work back from the buyer's go-live date?",
                "They want to be live by 1 July. I don't think they know what needs to happen before that.",
            ),
            (
                "Should the MAP include legal and security review steps?",
                "Security review took 6 weeks last time and nobody planned for it.",
            ),
            ("MAP dates keep slipping. When do I escalate?", "Three dates missed, each by a week or two."),
            (
                "How to get the economic buyer to commit to MAP milestones?",
                "Champion owns the plan, but the EB has never seen it.",
            ),
            ("What tool do you use for mutual action plans?", "Spreadsheet, doc, or something in the CRM?"),
            ("Can a MAP work for a 30-day mid-market deal?", "Feels heavyweight for a deal this size."),
            ("Buyer wants to 'pause' the plan for a reorg", "They say 4–6 weeks, might be longer."),
            (
                "How do I use the MAP in the forecast call with my manager?",
                "My manager wants to know why I'm calling it commit.",
            ),
        ],
        "answers": [
            "Frame it around **their** date, not your quarter: *\"You mentioned being live before the July peak. Working back, here's what typically has to happen — want to sanity-check it together?\"* It's a planning conversation, not a closing tactic. Buyers who refuse a plan usually don't have a real date.",
            "A MAP that only has our steps is a sales forecast in disguise. Mine always include: their internal business case approval, security review, legal review, procurement onboarding, the budget sign-off meeting, and *their* implementation prep. Each with an owner on their side.",
            'When nobody updates it: stop sending the doc and review it live. 10 minutes at the start of every call: "Where are we on the plan?" Ownership follows from the ritual, not the tool.',
            "Slipped dates are data. One slip is normal; three is a signal the deal isn't a priority. Ask the champion: *\"We've moved these three times — is the July date still real?\"* Better to learn it's next year now than in the last week of the quarter.",
            "For small deals use a 5-line version in the proposal email: decision date, who signs, paperwork needed, start date, first milestone. It takes two minutes and still catches the 'oh, legal needs to see this' surprise.",
        ],
    },
    {
        "key": "stalled",
        "stage": "Proposal",
        "persona": "Champion",
        "tags": ["Deal re-engagement", "Objection handling"],
        "questions": [
            (
                "Deal went dark after the proposal. What's your best re-engagement email?",
                "Proposal sent three weeks ago, two follow-ups, no reply.",
            ),
            (
                "How long do I wait before I call a stalled deal lost?",
                "My pipeline is full of deals nobody has replied to in 60 days.",
            ),
            (
                "Buyer said 'let's revisit next quarter' — how do I keep it alive?",
                "It's a real project, but it keeps getting pushed.",
            ),
            (
                "Is the 'should I close your file?' email too aggressive?",
                "Heard it works but worried it sounds passive-aggressive.",
            ),
            (
                "How do I re-engage a deal that went dark after a bad demo?",
                "Demo crashed halfway, they were polite, and then nothing.",
            ),
            (
                "Stalled deal: should I go to a different contact in the account?",
                "Main contact is silent. I know two other people there.",
            ),
            (
                "How to use a trigger event to restart a dead deal?",
                "They just announced a new CFO and a cost-cutting program.",
            ),
            (
                "Buyer went quiet after we sent the security questionnaire answers",
                "We answered everything, maybe too honestly on one point.",
            ),
            ("Deal stuck because 'the priorities changed'", "They won't say what changed."),
            ("How to re-engage a lost deal six months later?", "We lost to the incumbent; I hear they're unhappy now."),
            (
                "Customer stalled after a budget freeze announcement",
                "Company-wide freeze on new spend for 'at least one quarter'.",
            ),
            (
                "Follow-up cadence for a deal that's gone quiet?",
                "How many touches, over what period, through which channels?",
            ),
        ],
        "answers": [
            "The email that works best for me is short and gives them an easy out:\n\n> *Hi Sam — I haven't heard back, which usually means priorities have moved. Should I close this for now, or is there something on your side I can help with?*\n\nPeople reply to permission to say no. About half the time the answer is \"no, it's still on, we're just busy\" — and you get a date.",
            "Go wide, not loud. Don't send a fourth email to the same person; find two other people affected by the problem and send them something useful (a benchmark, a customer story from their industry). Deals restart when someone new feels the pain.",
            'Use the trigger: a new CFO with a cost program is the best opening you\'ll get. Rewrite your business case around **cost savings**, not growth, and send it to the champion as "something your new CFO might want to see".',
            "Be honest in your CRM: if there's no reply in 45 days and no next step on the calendar, it's not a deal, it's a hope. Move it to nurture, keep one touch a month, and your forecast gets better immediately.",
            "After a bad demo, own it directly: *\"That demo wasn't our best moment. I'd like 20 minutes to show you the part you actually care about, on a setup I've tested twice.\"* Buyers forgive a failure; they don't forgive pretending it didn't happen.",
        ],
    },
    {
        "key": "competitive",
        "stage": "Solution / demo",
        "persona": "Technical evaluator",
        "tags": ["Competitive positioning", "Objection handling"],
        "questions": [
            (
                "“We're happy with our current vendor.” How do I get past this?",
                "Very common on cold calls, and sometimes in first meetings too.",
            ),
            (
                "How do we displace an incumbent that's been there for eight years?",
                "Deep integration, the team knows it well, contract renews in 9 months.",
            ),
            (
                "Buyer asked me to compare us with our main competitor feature by feature",
                "They sent a spreadsheet with 120 rows.",
            ),
            (
                "Competitor is telling the buyer we're about to be acquired. How do I respond?",
                "It's not true, but the buyer brought it up in a worried tone.",
            ),
            (
                "Should I ever talk negatively about a competitor?",
                "The buyer asked me straight: 'what's wrong with them?'",
            ),
            (
                "How do I win when the competitor is already in a free pilot?",
                "They started a 60-day pilot before we even got the first meeting.",
            ),
            (
                "The incumbent just dropped its price 35% to keep the account",
                "We were in a strong position until this week.",
            ),
            (
                "How do I set traps for the competitor in the evaluation criteria?",
                "I want the criteria to favour what we do best, without being obvious.",
            ),
            (
                "Buyer is considering building it themselves",
                "Their engineering team says they can build it in 'a couple of sprints'.",
            ),
            (
                "How to handle 'your competitor has feature X and you don't'?",
                "It's true, and the feature is on our roadmap for next year.",
            ),
            (
                "Lost three deals in a row to the same competitor. What am I missing?",
                "Each time they say 'it came down to fit'.",
            ),
            (
                "What questions expose the weaknesses of an incumbent?",
                "I don't want to bash them, but I want the buyer to notice the gaps.",
            ),
        ],
        "answers": [
            "For \"we're happy with our current vendor\": agree, then get curious. *\"Good — most of our customers were happy with theirs too. If you could change one thing about how it works today, what would it be?\"* There's always one thing. That's your opening, and you haven't argued with them.",
            'Never bash. Ask questions that make the gap visible: "How long does it take you to get a new report today?" "What happens when you need to change a workflow?" Let the buyer discover the weakness — they\'ll believe their own conclusion far more than your claim.',
            "On the feature-by-feature spreadsheet: don't fill 120 rows blind. Ask which ten rows actually decide the deal and why, then answer those brilliantly with proof (customer, screenshot, doc link). Offer a call for the rest. Long spreadsheets are won on the few rows that matter.",
            "Build-vs-buy: don't argue cost, ask about ownership. *\"Who maintains it in year two when the person who built it moves on? What's the roadmap?\"* Engineering teams underestimate maintenance, and their managers know it.",
            "For the incumbent's last-minute price drop: ask the buyer what it tells them that the price could drop 35% overnight — *what were they paying for all these years?* Then re-focus on the problem they came to solve; if the incumbent couldn't solve it at the old price, a cheaper version won't solve it either.",
        ],
    },
    {
        "key": "security",
        "stage": "Solution / demo",
        "persona": "Technical evaluator",
        "tags": ["Procurement navigation", "Mutual action plans"],
        "questions": [
            (
                "Security review is taking forever. How do I speed it up?",
                "Eight weeks in, three rounds of questions, no end in sight.",
            ),
            (
                "CISO wants a call with our security team before they'll proceed",
                "Our security team is two people and they're booked for weeks.",
            ),
            (
                "How do I handle a security questionnaire answer that's a 'no'?",
                "They require on-prem deployment; we're cloud only.",
            ),
            (
                "When in the deal should I bring up security review?",
                "It's always the thing that blows up our timeline at the end.",
            ),
            (
                "Buyer's security team wants a pen-test report we can't share",
                "Our policy is summary letter only under NDA.",
            ),
            (
                "Data residency: buyer needs EU hosting and we're US-only today",
                "They're a German bank. This might be a deal-breaker.",
            ),
            ("How to get the security reviewer on my side?", "He seems to treat us as a risk to be eliminated."),
            (
                "Security review flagged our SSO as 'paid add-on' — buyer is annoyed",
                "They say SSO should be standard in 2026 and I kind of agree.",
            ),
            (
                "Buyer needs a DPA signed before the trial. Normal?",
                "Legal says it's fine but it'll take two weeks to review.",
            ),
            (
                "How do I keep momentum while the deal sits in security review?",
                "Business side is keen; security is the bottleneck.",
            ),
            (
                "IT security requires a vendor risk assessment platform we've never used",
                "They use a third-party portal with 400 questions.",
            ),
        ],
        "answers": [
            'Start security in discovery, not at the end: *"What does your security review look like for a tool like this, and how long did it take last time?"* Then put it in the mutual action plan with an owner. Reviews that start in week 2 finish in parallel with everything else.',
            "Send the security pack *proactively*: SOC 2 report (under NDA), the standard questionnaire already filled (CAIQ or SIG Lite), architecture diagram, DPA. Security teams reward vendors who make their job easy — it moves you from the bottom of their queue to the top.",
            "On the 'no' answer: answer it honestly, with the compensating control and the roadmap date if there is one. A reviewer who finds a hidden 'no' later stops trusting every 'yes'. A visible 'no' with a plan is often accepted as a documented risk.",
            "Keep the business side busy during the review: run the implementation planning workshop, draft the success plan, do the training schedule. When security clears, the deal is ready to sign instead of starting from cold.",
            "Make the reviewer a person, not a queue: ask the champion to introduce you, and ask the reviewer what *worries them most*. Usually it's one or two things (data deletion, subprocessors). Address those first and in writing.",
        ],
    },
    {
        "key": "multithreading",
        "stage": "Qualification",
        "persona": "Executive sponsor",
        "tags": ["Multi-threading", "Executive presence"],
        "questions": [
            (
                "How do I multi-thread when my contact insists on being the only point of contact?",
                "He says 'route everything through me' and gets upset when I reach out to others.",
            ),
            (
                "How many contacts should I have in an enterprise deal?",
                "I usually have two; my manager says that's not enough.",
            ),
            (
                "How do I get a meeting with an executive sponsor I've never met?",
                "Our champion is a director; the sponsor is the COO.",
            ),
            (
                "What do I say in a 15-minute slot with a C-level?",
                "First time meeting the CEO of a 2,000-person company. Nervous.",
            ),
            (
                "How do I reach the end users when the buyer is in IT?",
                "IT is buying, but the users are in finance and nobody introduced us.",
            ),
            (
                "Is it OK to connect with people on LinkedIn while in an active deal?",
                "Wondering if it looks like I'm going around my contact.",
            ),
            (
                "How to multi-thread in a small company where one person decides?",
                "Founder-led company, 80 people. The CEO does everything.",
            ),
            (
                "Exec sponsor attends the kick-off and then disappears",
                "We need her for the business case sign-off in two months.",
            ),
            (
                "How do I map the buying committee for a deal I inherited?",
                "Took over a deal from a rep who left; CRM has one contact.",
            ),
            (
                "How to use my own executives to multi-thread?",
                "Our VP offered to help; I don't want to waste the favour.",
            ),
            ("What's the best way to engage finance early?", "Finance always shows up late and kills the deal."),
        ],
        "answers": [
            'Make multi-threading *their* idea and about *their* success: *"To make sure this lands well internally, who else will be affected or asked for an opinion? I\'d like to make sure their concerns are covered before it gets to the decision."* Gatekeepers relax when more contacts means less risk for them.',
            "Exec-to-exec works when you give your exec a tight brief: the customer's goal, the one thing we need from the meeting, what not to say. A 20-minute peer call with a clear ask beats any number of emails from me.",
            "With a C-level you get one question and one idea. Open with what you've heard from their team (in numbers), ask how it fits their priorities this year, and propose one next step. No deck. If they want detail, they'll ask.",
            "Rule of thumb: one contact per 25k of deal value, and at least one above the budget owner. Below that, the deal depends on one person's job, mood and calendar. I track it in the CRM as 'threads', and my manager asks about it every deal review.",
            "For the vanishing sponsor: give her a reason to come back that helps *her* — a 15-minute review of early results she can report upwards. Executives show up for things that make them look good to their own boss.",
        ],
    },
    {
        "key": "demo",
        "stage": "Solution / demo",
        "persona": "End user",
        "tags": ["Demo delivery", "Discovery questioning"],
        "questions": [
            (
                "How do I tailor a demo when I only had a 20-minute discovery call?",
                "I don't have enough info to build a custom story.",
            ),
            ("Buyer interrupts the demo every minute with feature questions", "I never get to the 'wow' part."),
            ("What's a good structure for a 30-minute demo?", "Mine always run over and I rush the end."),
            (
                "Should I show the product's weaknesses in a demo?",
                "There's a known limitation they'll hit in month two.",
            ),
            ("How do I demo to a mixed audience of execs and end users?", "The execs leave after 15 minutes."),
            (
                "Demo went great but no next step was agreed. What went wrong?",
                "Everyone was smiling, then 'we'll be in touch'.",
            ),
            ("How do I handle a demo where the product breaks?", "It happened last week. I froze."),
            ("Buyer wants a 'sandbox to play with' instead of a demo", "They'll get lost without guidance."),
            (
                "How to make a demo about the buyer's story, not our features?",
                "My manager says my demos are 'a tour of buttons'.",
            ),
            ("Recorded demo or live demo for a busy executive?", "The exec asked for 'a quick video'."),
            ("Technical evaluator wants to see the API in the first demo", "The business users are also on the call."),
        ],
        "answers": [
            "Start the demo with their problem, not your product: *\"You told us month-end takes 9 days and the main pain is reconciliation. I'll show you how that would look here.\"* Then show only what's relevant to that. Everything else is a follow-up. Buyers remember the one thing that solved their pain.",
            "Tell-show-tell, three times, and stop at 25 minutes. Tell them what they'll see and why it matters to them, show it, tell them what it means. Leave the last 5 minutes for *\"What would need to be true for this to work for you?\"* — that's where the next step comes from.",
            'Book the next step inside the demo, not after it. At the 20-minute mark: "Does this look like it could work? If so, the natural next step is X with Y — can we find a time now?" Smiles without a calendar invite are how good demos die.',
            "When it breaks: name it, don't panic. \"That's not what should happen — let me show you on my backup environment / screenshots, and I'll send you a recording of it working.\" Calm recovery builds more trust than a perfect demo.",
            "For a sandbox request: agree, but guide it. Give a 3-task 'trial plan' with the one outcome they said mattered, and book a 20-minute check-in for day three. Unguided trials convert terribly; guided ones convert better than demos.",
        ],
    },
    {
        "key": "prospecting",
        "stage": "Prospecting",
        "persona": "Executive sponsor",
        "tags": ["Prospecting", "Executive presence"],
        "questions": [
            ("What's your best cold email opener for a VP of Operations?", "Reply rates on my sequences are under 2%."),
            ("How many touches before I give up on a prospect?", "I stop after 4; my SDR friend says 12."),
            (
                "How do I get a referral from a happy customer into a new account?",
                "Customer knows the CFO at a target account but I don't know how to ask.",
            ),
            ("Cold calling: what do I say in the first 10 seconds?", "I get hung up on before I finish my name."),
            (
                "How do I use a trigger event in outbound without being creepy?",
                "Saw they just raised a Series C and hired a new CRO.",
            ),
            ("Should I prospect into the economic buyer or the user first?", "Conflicting advice from two managers."),
            (
                "How do I write a LinkedIn message that gets a reply?",
                "My connection requests get accepted, my messages ignored.",
            ),
            ("Best time to send cold emails?", "Heard everything from 6am to Sunday night."),
            (
                "How do I prospect into an account where we lost a deal last year?",
                "Lost on price to the incumbent, new budget year now.",
            ),
            (
                "How to book a first meeting with a prospect who 'has no time'?",
                "They reply but every date is 'not good, try next month'.",
            ),
            ("What do I put in a voicemail that gets called back?", "Nobody ever calls back."),
        ],
        "answers": [
            'Short, specific, about them: one line on a trigger (new role, announcement), one line on a problem peers had, one question. *"Congrats on the new role. When Sam joined Acme as COO, her first fight was month-end taking 9 days. Is that on your list too?"* No deck, no calendar link in the first email.',
            "The ask for a referral works when it's specific and easy: *\"Would you be comfortable sending Jordan a two-line note that we helped you cut month-end to four days? I'll draft it — you just edit.\"* Specific outcome, specific person, no effort for them.",
            "The first 10 seconds of a cold call: name, company, and *permission based on honesty*: \"It's a cold call — can I have 30 seconds to tell you why I called, and then you decide?\" Most people say yes to that, because it's honest.",
            "Persistence with variety: 8–10 touches over 3–4 weeks across email, phone and LinkedIn, each adding something (an insight, a customer story, a question). Stop when they say no. Four touches is usually giving up right before people reply.",
        ],
    },
    {
        "key": "closing",
        "stage": "Closing",
        "persona": "Legal",
        "tags": ["Closing", "Forecasting"],
        "questions": [
            (
                "Verbal yes, but the contract has been in legal for three weeks",
                "Champion says 'it's just legal being legal'.",
            ),
            (
                "How do I avoid last-minute surprises at signature?",
                "Last deal: a new signatory appeared the day before signing.",
            ),
            ("Buyer wants to sign on their paper, not ours", "Their template is 60 pages and heavily one-sided."),
            ("How do I handle 'we need board approval' at the very end?", "Nobody mentioned a board before."),
            (
                "Is it ever OK to offer an end-of-quarter discount?",
                "My manager says never, my peers do it all the time.",
            ),
            (
                "Deal slipped from this quarter to next. How do I tell my manager?",
                "I had it in commit. Signatory is on holiday.",
            ),
            (
                "How do I forecast honestly when the champion is optimistic?",
                "She says 'definitely this month' every month.",
            ),
            (
                "What's a good question to ask right before asking for the signature?",
                "I feel awkward at the 'so, shall we sign?' moment.",
            ),
            (
                "Buyer asked for an out clause in the first 90 days",
                "They want to be able to cancel if the rollout fails.",
            ),
            (
                "Signed! What should I do in the first week after close?",
                "Want to set up the renewal and expansion from day one.",
            ),
            ("The signatory is travelling and 'can't sign electronically'", "End of quarter is Friday."),
        ],
        "answers": [
            "Ask the signature question in discovery, not at the end: *\"Walk me through what happens between 'yes' and a signed contract — who signs, what paper, any board or committee?\"* Then put every step in the mutual action plan. Surprises at signature are questions we didn't ask in month one.",
            "Forecast on *buyer actions*, not buyer words. My commit rule: the decision meeting is scheduled, the paper process is known, and the economic buyer has seen the final price. If one is missing, it's best case, whatever the champion says.",
            "On the slip: tell your manager early and with a plan — what happened, the new date, what you're doing to hold it. Managers hate surprises more than slips. And learn the lesson: who was on holiday should have been in the plan.",
            "Before asking for the signature, ask: *\"Is there anything that would stop you from signing this week?\"* If the answer is no, ask for it. If there's something, you just found your last objection while there's still time.",
            "Out clauses: trade for it. Offer a success plan with clear milestones and an exit if *we* miss them (not if they change their mind). It shows confidence and protects both sides.",
        ],
    },
    {
        "key": "expansion",
        "stage": "Negotiation",
        "persona": "Economic buyer",
        "tags": ["Business case", "Negotiation"],
        "questions": [
            (
                "Customer wants to cut seats at renewal. How do I protect the contract value?",
                "Usage dropped in two teams after a reorg; they want to go from 400 to 250 seats.",
            ),
            (
                "How do I build an expansion case into a second business unit?",
                "Happy customer in the US; the EMEA division runs a competitor.",
            ),
            (
                "Renewal is in 60 days and the sponsor who bought us has left",
                "The new VP has never used the product and wants to 'review all tools'.",
            ),
            (
                "How early should I start the renewal conversation?",
                "I usually start 90 days out and it always feels rushed.",
            ),
            (
                "Customer asks for a discount at renewal because 'adoption was slow'",
                "Adoption was slow because they never ran the training we offered.",
            ),
            (
                "How do I upsell a new module without it feeling like a cash grab?",
                "The module solves a problem they told us about six months ago.",
            ),
            (
                "Multi-year renewal: what do I trade for a three-year commitment?",
                "Customer is open to three years if the price is right.",
            ),
            (
                "How do I run a business review that leads to expansion?",
                "Our QBRs are a slide of usage stats and nobody cares.",
            ),
            (
                "Customer wants to consolidate two contracts into one at the lower price",
                "They bought in two waves, two years apart, at different prices.",
            ),
            (
                "Usage-based overage bill shocked the customer. How do I keep the relationship?",
                "They went 40% over the committed volume and finance is upset.",
            ),
            (
                "How to get a reference from a customer who is happy but busy?",
                "Great results, but the champion says she has no time for calls.",
            ),
            (
                "Customer asks to pause the contract for three months",
                "Hiring freeze; the team that uses us is half empty.",
            ),
        ],
        "answers": [
            "Renewals are won in the first 90 days after signature, not the last 90 before renewal. Agree the success metrics at kick-off, report on them every quarter, and by renewal time the business case is already written — by the customer's own numbers.",
            "Seat cuts: don't negotiate the number, find the value. Ask which teams *are* getting value and what it would take for the others to get there. Offer a smaller seat count with a re-expansion price locked in, in exchange for a longer term. Revenue you keep beats a discount you give.",
            "For a new sponsor, treat the renewal like a new deal: discovery on *their* priorities, a short business review with results in their language, and a plan for the next year. Never assume the old sponsor's reasons still hold.",
            "Make the business review about their goals, not our usage: three outcomes they care about, progress on each, the gap, and one proposal to close it. Expansion comes naturally when the gap is theirs and the proposal solves it.",
        ],
    },
]

# Each opens a question's body and is followed by " and I'm stuck." (size is a band label
# such as "Under 25k" or "100k-500k", so it always stands on its own).
DEAL_CONTEXTS = [
    "We're working a deal with a {industry} buyer (deal size {size}),",
    "Context: {industry}, {size}, currently at {deal_stage},",
    "Enterprise account in {industry} ({size}),",
    "Mid-market {industry} prospect, deal size {size},",
    "I'm working an opportunity in {industry} ({size}),",
]

CLOSERS = [
    "Any advice from someone who's been there?",
    "What would you do in my place?",
    "What has worked for you?",
    "Is there a technique for this that has numbers behind it?",
    "Would love the exact words you use.",
    "Thanks in advance — first time I'm facing this.",
]

COMMENTS = [
    "What stage is the deal at exactly?",
    "Did they say who else is involved in the decision?",
    "This worked for me last quarter too, almost word for word.",
    "+1 — I'd add: put it in writing right after the call.",
    "Do you have a template for this you could share?",
    "How did the buyer react when you tried it?",
    "Same situation on my Acme deal — following.",
    "Great answer. The trade list alone is worth bookmarking.",
    "Which industry was this in? Financial services buyers react differently.",
    "Tried this yesterday, got a reply within the hour.",
    "Careful with this one in public sector, procurement rules differ.",
    "Can you say more about the wording you used?",
]

ANSWER_OPENERS = [
    "",
    "Been there more than once. ",
    "Short version: ",
    "What works for me: ",
    "Good question — this comes up a lot. ",
    "I had almost exactly this last quarter. ",
]

UNANSWERED = [
    (
        "pricing",
        "Buyer wants usage-based pricing but our model is per seat. How do I structure it?",
        "Logistics company, 300 drivers but only 40 office users. They want to pay per shipment.",
    ),
    (
        "procurement",
        "Procurement wants to add a 'termination for convenience' clause at 30 days' notice",
        "It would make the annual contract effectively monthly. Deal desk hasn't seen this before.",
    ),
    (
        "champion",
        "My champion is asking me to help write their promotion case around our project",
        "Feels like a great sign but also a bit awkward. How far should I go?",
    ),
    (
        "security",
        "Buyer's CISO wants the results of our last three pen tests, not just the summary",
        "Financial services, 900k deal. Our policy says summary letter only.",
    ),
    (
        "multithreading",
        "How do I approach the CFO when my champion is in a different business unit?",
        "The budget sits in finance; my champion runs operations in another division.",
    ),
    (
        "map",
        "The buyer wants our mutual action plan to include penalties if we miss a date",
        "They say it's fair because we asked them to commit to dates too.",
    ),
    (
        "competitive",
        "Competitor offered to buy out our remaining contract if the customer switches",
        "Renewal in four months; the competitor covers the overlap cost.",
    ),
    (
        "discovery",
        "How do I run discovery with a buyer who has already written the RFP?",
        "The RFP arrived before any call. It reads like it was written by a competitor.",
    ),
    (
        "stalled",
        "Economic buyer approved, then went on parental leave with no delegate",
        "Nobody else will sign. Six months of work is sitting in someone's inbox.",
    ),
]
