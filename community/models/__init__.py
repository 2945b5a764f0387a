"""Community models, one module per area, re-exported flat (`from community.models import X`)."""

from .outcomes import Deal, Practice, PracticeSource, Response, TechniqueStats
from .techniques import Evidence, TechniqueIndexPage, TechniquePage

__all__ = [
    "Deal",
    "Evidence",
    "Practice",
    "PracticeSource",
    "Response",
    "TechniqueIndexPage",
    "TechniquePage",
    "TechniqueStats",
]
