"""Community models, one module per area, re-exported flat (`from community.models import X`)."""

from .outcomes import Deal, OutcomeSettings, Practice, PracticeSource, Response, TechniqueStats
from .techniques import Evidence, TechniqueIndexPage, TechniquePage, TechniqueReview

__all__ = [
    "Deal",
    "Evidence",
    "OutcomeSettings",
    "Practice",
    "PracticeSource",
    "Response",
    "TechniqueIndexPage",
    "TechniquePage",
    "TechniqueReview",
    "TechniqueStats",
]
