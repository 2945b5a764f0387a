"""Mentoring settings with their defaults, read through `conf.get(name)`.

The matching weights live in the project settings (`MENTORING_MATCH_WEIGHTS`, documented
there and in the README); everything else has a sensible default here and can be overridden
by a setting of the same name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MENTORING_MATCH_WEIGHTS": {
        "coverage": 0.35,
        "techniques": 0.12,
        "answers": 0.08,
        "results": 0.10,
        "timezone": 0.15,
        "region_language": 0.07,
        "diversity": 0.08,
        "style": 0.05,
    },
    # Inferred gaps: a stage is a gap when the mentee has at least this many decided practices
    # there, the rest of the team at least TEAM_MIN, and the mentee's success rate lags the
    # team's by at least MIN_LAG (a fraction, 0.05 = 5 points). Less data, no inference.
    "MENTORING_GAP_MIN_PRACTICES": 8,
    "MENTORING_GAP_TEAM_MIN_PRACTICES": 30,
    "MENTORING_GAP_MIN_LAG": 0.05,
    # The mentor's own results count at a stage only with this many decided practices there;
    # full marks for being RESULTS_FULL_ADVANTAGE (fraction) above the team.
    "MENTORING_RESULTS_MIN_PRACTICES": 10,
    "MENTORING_RESULTS_FULL_ADVANTAGE": 0.15,
    # Evidence saturates: this many proven techniques (promising count half) / accepted answers
    # in the mentee's areas earn full marks.
    "MENTORING_TECHNIQUES_FULL": 3.0,
    "MENTORING_ANSWERS_FULL": 5.0,
    # Timezones: the mentor's working day (local hours) and full marks at this many shared hours.
    "MENTORING_MENTOR_HOURS": (9, 17),
    "MENTORING_TZ_FULL_HOURS": 3.0,
    # How each sales stage maps to coachable skills (stage slug -> skill slugs): a mentor
    # "coaches discovery" when they coach one of its skills.
    "MENTORING_STAGE_SKILLS": {
        "prospecting": ["prospecting"],
        "discovery": ["discovery-questioning", "business-case"],
        "qualification": ["discovery-questioning", "champion-building", "multi-threading"],
        "solution-demo": ["demo-delivery", "competitive-positioning"],
        "proposal": ["business-case", "pricing-and-value", "mutual-action-plans"],
        "negotiation": ["negotiation", "pricing-and-value", "procurement-navigation"],
        "closing": ["closing", "mutual-action-plans", "procurement-navigation"],
    },
    # Matches kept per mentee: the best this many among mentors who accept mentees, plus the best
    # this many among those with a free seat now (see services.matches_refresh).
    "MENTORING_STORED_MATCHES": 30,
    # A mentee may have this many requests waiting for an answer at once.
    "MENTORING_MAX_PENDING_REQUESTS": 1,
    # Fit check: a rating at or below this (1-5) from either side is a poor fit.
    "MENTORING_POOR_FIT_AT_MOST": 2,
    # Ramp time: "won_deal" (first won deal) or "stage_advance" (first practice that advanced
    # a stage); people who started within this many days form the comparison; "mentored"
    # means a mentorship started within MENTORED_WITHIN_DAYS of their start date.
    "MENTORING_RAMP_EVENT": "won_deal",
    "MENTORING_RAMP_WINDOW_DAYS": 540,
    "MENTORING_MENTORED_WITHIN_DAYS": 60,
    "MENTORING_RAMP_MIN_GROUP": 5,
    "MENTORING_BOOTSTRAP_RESAMPLES": 2000,
    # Mentor effectiveness: success rate in this many days before vs after a mentorship starts,
    # counted for a mentee only with MIN practices on each side.
    "MENTORING_EFFECT_WINDOW_DAYS": 90,
    "MENTORING_EFFECT_MIN_PRACTICES": 5,
    # Confirming a cohort proposal sends one request per pair (notifications included): up to this
    # many pairs it happens in the request, beyond it in the background (the manager is notified).
    "MENTORING_CONFIRM_INLINE_MAX": 150,
    # Programme numbers are cached this long (and refreshed when mentoring changes).
    "MENTORING_PROGRAMME_CACHE_SECONDS": 900,
    # Pluggable signals: dotted paths of functions (see mentoring/providers.py). Q&A plugs its
    # accepted answers and questions in here at merge time.
    "MENTORING_EVIDENCE_PROVIDERS": {
        "techniques": "mentoring.providers.technique_evidence",
        "answers": "mentoring.providers.answer_evidence",
    },
    "MENTORING_QUESTIONS_PROVIDER": "mentoring.providers.questions_asked",
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def weights() -> dict[str, float]:
    configured = dict(DEFAULTS["MENTORING_MATCH_WEIGHTS"])
    configured.update(getattr(settings, "MENTORING_MATCH_WEIGHTS", {}))
    return {k: float(v) for k, v in configured.items()}
