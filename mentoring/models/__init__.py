"""Mentoring models, one module per area, re-exported flat (`from mentoring.models import X`)."""

from .choices import LANGUAGES, CoachingStyle, PreferredTime, SkillLevel
from .matches import AssignmentProposal, MatchScore, ProposedPair
from .mentorships import CheckIn, FitRating, Goal, Mentorship
from .profiles import MenteeProfile, MentorProfile, MentorSkill

__all__ = [
    "LANGUAGES",
    "AssignmentProposal",
    "CheckIn",
    "CoachingStyle",
    "FitRating",
    "Goal",
    "MatchScore",
    "MenteeProfile",
    "MentorProfile",
    "MentorSkill",
    "Mentorship",
    "PreferredTime",
    "ProposedPair",
    "SkillLevel",
]
