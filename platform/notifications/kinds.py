"""What a notification can be about, with its label and default delivery.

Apps add their kinds here (one line each). Defaults keep the volume sane: only what a person
must act on arrives by e-mail at once; the rest waits for the daily digest.
"""

from __future__ import annotations

from dataclasses import dataclass


class Delivery:
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"
    CHOICES = [
        (IMMEDIATE, "E-mail at once"),
        (DAILY, "Daily digest"),
        (WEEKLY, "Weekly digest"),
        (OFF, "In the app only"),
    ]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default: str = Delivery.DAILY


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind("mention", "Someone @mentioned you", Delivery.IMMEDIATE),
        Kind("account.welcome", "Welcome and account notices", Delivery.OFF),
        # Techniques and outcomes
        Kind("technique.moderated", "Your technique was approved or sent back", Delivery.IMMEDIATE),
        Kind("technique.submitted", "A technique awaits moderation (managers)", Delivery.DAILY),
        Kind("technique.reviewed", "A peer reviewed your technique", Delivery.DAILY),
        Kind("practice.followup", "What happened on a deal you practised on?", Delivery.DAILY),
        Kind("import.finished", "A deals import finished", Delivery.OFF),
        # Questions and answers
        Kind("qa.answer", "A new answer to your question", Delivery.IMMEDIATE),
        Kind("qa.comment", "A comment on your post", Delivery.DAILY),
        Kind("qa.accepted", "Your answer was accepted", Delivery.DAILY),
        Kind("qa.routed", "A question was routed to you", Delivery.IMMEDIATE),
        Kind("qa.followed", "New questions in the tags and stages you follow", Delivery.DAILY),
        Kind("qa.followed_question", "New answers to questions you follow", Delivery.DAILY),
        Kind("qa.moderation", "Moderation of your posts", Delivery.IMMEDIATE),
        # Discussion
        Kind("thread.message", "New messages in your coaching threads", Delivery.DAILY),
        # Mentoring
        Kind("mentoring.request", "Mentoring requests and replies", Delivery.IMMEDIATE),
        Kind("mentoring.update", "Mentoring goals, check-ins and fit", Delivery.DAILY),
    ]
}


def get_kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError as exc:
        raise ValueError(f"Unknown notification kind {key!r}; add it to notifications.kinds.") from exc
