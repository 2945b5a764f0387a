"""Default vocabulary (from the domain brief), loaded by migration 0002."""

STAGES = [
    ("Prospecting", "Finding and first contact with accounts that fit."),
    ("Discovery", "Understanding the buyer's problem, impact, budget and process."),
    ("Qualification", "Deciding whether the deal is real and winnable."),
    ("Solution / demo", "Showing how the product solves the problem discovered."),
    ("Proposal", "Pricing, scope and the business case in writing."),
    ("Negotiation", "Terms, price and procurement."),
    ("Closing", "Signatures, paperwork and the handover."),
]
PERSONAS = [
    ("Economic buyer", "Owns the budget and signs."),
    ("Champion", "Sells for you inside the account."),
    ("Technical evaluator", "Judges fit, security and integration."),
    ("End user", "Lives with the product every day."),
    ("Procurement", "Runs the commercial process and terms."),
    ("Executive sponsor", "Senior leader who backs the initiative."),
    ("Legal", "Reviews contracts, privacy and liability."),
]
INDUSTRIES = [
    "Software / SaaS",
    "Financial services",
    "Healthcare",
    "Manufacturing",
    "Retail and e-commerce",
    "Logistics",
    "Public sector",
    "Telecommunications",
    "Education",
    "Energy and utilities",
]
SKILLS = [
    ("Discovery questioning", "Questions that surface pain, impact, budget and process."),
    ("Multi-threading", "Building relationships beyond one contact."),
    ("Objection handling", "Turning concerns into next steps."),
    ("Pricing and value", "Defending price with value and ROI."),
    ("Negotiation", "Trading concessions, not giving them away."),
    ("Procurement navigation", "Working with procurement and legal teams."),
    ("Mutual action plans", "Agreeing the path to signature with the buyer."),
    ("Demo delivery", "Tailored demos that tell the buyer's story."),
    ("Prospecting", "Outbound sequences, referrals and first meetings."),
    ("Competitive positioning", "Winning against incumbents and alternatives."),
    ("Champion building", "Finding, testing and equipping a champion."),
    ("Executive presence", "Conversations with senior buyers."),
    ("Business case", "Quantifying impact and building the ROI story."),
    ("Deal re-engagement", "Reviving stalled and dark deals."),
    ("Closing", "Getting to signature without last-minute surprises."),
    ("Forecasting", "Honest pipeline and deal reviews."),
]
