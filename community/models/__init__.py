"""Community models, one module per area, re-exported flat (`from community.models import X`)."""

from .discussion import Message, Thread, ThreadConnection, ThreadKind, ThreadMember, ThreadReadState
from .outcomes import Deal, Practice, PracticeSource, Response, TechniqueStats
from .techniques import Evidence, TechniqueIndexPage, TechniquePage

__all__ = [
    "Deal",
    "Evidence",
    "Message",
    "Practice",
    "PracticeSource",
    "Response",
    "TechniqueIndexPage",
    "TechniquePage",
    "TechniqueStats",
    "Thread",
    "ThreadConnection",
    "ThreadKind",
    "ThreadMember",
    "ThreadReadState",
]
