"""Questions and answers: posts, votes, comments, revisions, flags, following and reputation.

Questions and answers are both *posts*: a concrete `Post` table (multi-table inheritance)
holds what they share (author, Markdown body, score, moderation state), and `Question` and
`Answer` extend it with a one-to-one primary key. A post id is therefore unambiguous across
both kinds, which is what `POST /api/v1/posts/{id}/vote` needs; votes, comments, flags and
revisions all point at `Post`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PostKind(models.TextChoices):
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"


class DealSize(models.TextChoices):
    """Annual contract value bands (the team's currency)."""

    UNDER_25K = "lt25k", "Under 25k"
    FROM_25K = "25k-100k", "25k \u2013 100k"
    FROM_100K = "100k-500k", "100k \u2013 500k"
    FROM_500K = "500k-1m", "500k \u2013 1M"
    OVER_1M = "gt1m", "Over 1M"


class HiddenReason(models.TextChoices):
    NONE = "", "Visible"
    FLAGS = "flags", "Hidden by flags, waiting for a manager"
    MODERATOR = "moderator", "Hidden by a manager"


class PostQuerySet(models.QuerySet):
    def visible(self) -> PostQuerySet:
        return self.filter(hidden_reason="")

    def visible_to(self, user) -> PostQuerySet:
        """Hidden posts stay visible to their author and to managers."""
        from accounts import policy

        if policy.allowed(user, "qa.moderate"):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(models.Q(hidden_reason="") | models.Q(author=user))
        return self.visible()


class Post(models.Model):
    """What questions and answers share; its id is the post id of the API."""

    kind = models.CharField(max_length=10, choices=PostKind.choices, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="qa_posts")
    body = models.TextField(max_length=20_000, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # Denormalised vote totals, changed only by services.vote_cast under a row lock.
    score = models.IntegerField(default=0, db_index=True)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=10, choices=HiddenReason.choices, default="", blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["author", "created_at"], name="qa_post_author_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    def get_absolute_url(self) -> str:
        if self.kind == PostKind.QUESTION:
            return reverse("qa:detail", args=[self.pk])
        return reverse("qa:detail", args=[self.as_answer.question_id]) + f"#post-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)


class Label(models.Model):
    """A free-form tag typed by askers, for what the managed skill tags do not cover."""

    name = models.CharField(max_length=30, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(PostQuerySet):
    def open(self) -> QuestionQuerySet:
        return self.filter(duplicate_of__isnull=True)

    def unanswered(self) -> QuestionQuerySet:
        return self.filter(answer_count=0, duplicate_of__isnull=True)


class Question(Post):
    post_ptr = models.OneToOneField(
        Post, parent_link=True, primary_key=True, on_delete=models.CASCADE, related_name="as_question"
    )
    title = models.CharField(max_length=200)
    stage = models.ForeignKey(
        "taxonomy.SalesStage", null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )
    persona = models.ForeignKey(
        "taxonomy.BuyerPersona", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    tags = models.ManyToManyField("taxonomy.SkillTag", blank=True, related_name="questions")
    labels = models.ManyToManyField(Label, blank=True, related_name="questions")
    # Optional deal context
    deal_industry = models.ForeignKey(
        "taxonomy.Industry", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    deal_size = models.CharField(max_length=12, choices=DealSize.choices, blank=True)
    deal_stage = models.ForeignKey(
        "taxonomy.SalesStage", null=True, blank=True, on_delete=models.SET_NULL, related_name="deal_questions"
    )
    accepted_answer = models.OneToOneField(
        "community.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_for"
    )
    answer_count = models.PositiveIntegerField(default=0, help_text="Visible answers.")
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    routed_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="community.QuestionRouting", related_name="questions_routed", blank=True
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-post_ptr_id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.kind = PostKind.QUESTION
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("qa:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.duplicate_of_id is not None


class Answer(Post):
    post_ptr = models.OneToOneField(
        Post, parent_link=True, primary_key=True, on_delete=models.CASCADE, related_name="as_answer"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    is_accepted = models.BooleanField(default=False, db_index=True)
    techniques = models.ManyToManyField(
        "community.TechniquePage", through="community.AnswerCitation", related_name="cited_by_answers", blank=True
    )

    class Meta:
        ordering = ["-is_accepted", "-score", "created_at"]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.question_id}"

    def save(self, *args, **kwargs) -> None:
        self.kind = PostKind.ANSWER
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("qa:detail", args=[self.question_id]) + f"#post-{self.pk}"


class AnswerCitation(models.Model):
    """An answer points at a technique; the technique's evidence label shows beside it."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations")
    technique = models.ForeignKey("community.TechniquePage", on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["answer", "technique"], name="qa_citation_unique")]

    def __str__(self) -> str:
        return f"{self.answer_id} cites {self.technique_id}"


class QuestionRouting(models.Model):
    """Who a question was routed to on posting, with why (shown as "asked to: …")."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="routings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_routings")
    score = models.FloatField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="qa_routing_unique")]

    def __str__(self) -> str:
        return f"{self.question_id} -> {self.user_id}"


class Comment(models.Model):
    """A clarification on a post. Its author edits or deletes it; a manager hides it (and shows it
    again): a hidden comment stays visible to its author and to managers only, like a hidden post.
    The post's `comment_count` counts the comments everyone sees."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="qa_comments"
    )
    body = models.TextField(max_length=1000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a manager.")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"


class Vote(models.Model):
    """One vote per person per post (+1 or -1); voting 0 deletes it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="qa_vote_once"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="qa_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d} on {self.post_id}"


class PostRevision(models.Model):
    """A snapshot of a post after each save: who, when, what (diffs are computed on view)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    tags = models.CharField(max_length=500, blank=True, help_text="Tags as text, for the diff.")
    context = models.TextField(
        blank=True, help_text="A question's stage, persona and deal context as text lines, for the diff."
    )
    summary = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="qa_revision_number")]

    def __str__(self) -> str:
        return f"{self.post_id} r{self.number}"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    WRONG = "wrong", "Wrong or misleading"
    OFFENSIVE = "offensive", "Offensive"


class FlagResolution(models.TextChoices):
    OPEN = "", "Waiting for review"
    HIDDEN = "hidden", "Post hidden"
    DUPLICATE = "duplicate", "Closed as duplicate"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_flags")
    reason = models.CharField(max_length=10, choices=FlagReason.choices)
    note = models.CharField(max_length=500, help_text="Why: what a manager should look at.")
    trusted = models.BooleanField(default=False, help_text="The flagger was trusted when flagging.")
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(max_length=10, choices=FlagResolution.choices, default="", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=models.Q(resolution=""), name="qa_flag_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} flagged {self.post_id} ({self.reason})"


class FollowTarget(models.TextChoices):
    TAG = "tag", "Tag"
    STAGE = "stage", "Stage"
    QUESTION = "question", "Question"


class Follow(models.Model):
    """A person follows a skill tag, a sales stage or one question."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_follows")
    target = models.CharField(max_length=10, choices=FollowTarget.choices)
    tag = models.ForeignKey("taxonomy.SkillTag", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey("taxonomy.SalesStage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], condition=models.Q(target="tag"), name="qa_follow_tag"),
            models.UniqueConstraint(
                fields=["user", "stage"], condition=models.Q(target="stage"), name="qa_follow_stage"
            ),
            models.UniqueConstraint(
                fields=["user", "question"], condition=models.Q(target="question"), name="qa_follow_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target}"


class ReputationEvent(models.Model):
    """One reason someone's reputation changed; totals are the sum of these.

    Every event is derived from a source row (a vote, an accepted answer, a technique's
    evidence, a peer review), keyed by `source` so that recomputing is idempotent:
    `recompute_reputation` deletes the events and rebuilds them from the sources.
    """

    class Kind(models.TextChoices):
        VOTE_QUESTION = "vote_q", "Vote on a question"
        VOTE_ANSWER = "vote_a", "Vote on an answer"
        ACCEPTED = "accepted", "Answer accepted"
        ACCEPTOR = "acceptor", "Accepted an answer to their question"
        TECHNIQUE_PROVEN = "tech_proven", "Technique with proven evidence"
        TECHNIQUE_PROMISING = "tech_promising", "Technique with promising evidence"
        REVIEW = "review", "Reviewed a peer's technique"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    points = models.IntegerField()
    source = models.CharField(max_length=60, help_text="e.g. vote:42, accepted:7, technique:3, review:9")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "source"], name="qa_rep_event_once")]
        indexes = [models.Index(fields=["user", "created_at"], name="qa_rep_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} ({self.source})"


class Reputation(models.Model):
    """A person's reputation total (the sum of their events), stored to show next to names."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="reputation"
    )
    points = models.IntegerField(default=0, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.points}"
