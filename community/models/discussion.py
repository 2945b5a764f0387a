"""Live discussion: threads, their messages, read state and live connections.

A thread is attached to anything through a generic relation (content_type, object_id) and a
`kind` (technique, question, mentorship) or stands alone as a team room. That keeps this
module free of imports of the parents (questions and mentorships live in other apps): the
visibility of a public thread is asked of its parent through hooks registered per kind
(see community.discussion). Private threads (coaching) admit their explicit members only.

The database is the log. Every change to a thread's messages (a new message, an edit, a
delete) takes the thread's next sequence number (`Thread.last_seq`, allocated under a row
lock); a message keeps the number it was created with (`seq`) and carries the number of its
latest change (`updated_seq`). "Everything after N" is one indexed query:
messages with `updated_seq > N` ordered by `updated_seq`, each once, in its current state.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse


class ThreadKind(models.TextChoices):
    ROOM = "room", "Team room"
    TECHNIQUE = "technique", "Technique discussion"
    QUESTION = "question", "Question discussion"
    MENTORSHIP = "mentorship", "Coaching thread"


class Thread(models.Model):
    kind = models.CharField(max_length=20, choices=ThreadKind.choices, default=ThreadKind.ROOM, db_index=True)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=300, blank=True, help_text="One line: what this room is for.")
    is_private = models.BooleanField(
        default=False, help_text="Private threads admit their members only (coaching threads are private)."
    )
    # The parent (a technique, a question, a mentorship), or none for a team room.
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    parent = GenericForeignKey("content_type", "object_id")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The sequence allocator: the number of the thread's latest change (0 = no message yet).
    last_seq = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    message_count = models.PositiveIntegerField(default=0, help_text="Messages not deleted.")

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ThreadMember",
        through_fields=("thread", "user"),
        related_name="discussion_threads",
        blank=True,
    )

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(content_type__isnull=False),
                name="discussion_one_thread_per_object",
            ),
            models.CheckConstraint(
                condition=Q(kind="room") | Q(content_type__isnull=False),
                name="discussion_attached_unless_room",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussion:thread", kwargs={"thread_id": self.pk})

    @property
    def group_name(self) -> str:
        """The channel-layer group of everyone connected to this thread."""
        return f"thread-{self.pk}"

    def member_group_name(self, user_id: int) -> str:
        """One user's connections to this thread (to kick them when removed)."""
        return f"thread-{self.pk}-user-{user_id}"

    # The permission policy asks these (attributes and methods only, no model imports there).
    def has_member(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        cache = getattr(self, "_member_ids", None)
        if cache is None:
            cache = self._member_ids = set(self.memberships.values_list("user_id", flat=True))
        return user.pk in cache

    def parent_visible_to(self, user) -> bool:
        from community.discussion import parent_visible_to

        return parent_visible_to(self, user)


class ThreadMember(models.Model):
    """An explicit member of a thread: who may see a private thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_memberships")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="discussion_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.thread}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="thread_messages"
    )
    # The sender's own id for this message: a retried send with the same id is not a new message.
    client_id = models.CharField(max_length=64, blank=True)
    seq = models.PositiveBigIntegerField(help_text="Per-thread number given when the message was posted.")
    updated_seq = models.PositiveBigIntegerField(help_text="Per-thread number of the message's latest change.")
    body = models.TextField(max_length=4000)
    body_html = models.TextField(editable=False)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["thread", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "seq"], name="discussion_message_seq_unique"),
            models.UniqueConstraint(fields=["thread", "updated_seq"], name="discussion_message_updated_seq_unique"),
            models.UniqueConstraint(
                fields=["thread", "author", "client_id"],
                condition=~Q(client_id=""),
                name="discussion_message_client_id_once",
            ),
        ]
        indexes = [models.Index(fields=["author", "created_at"], name="discussion_msg_author_time")]

    def __str__(self) -> str:
        return f"#{self.seq} in thread {self.thread_id}"

    def get_absolute_url(self) -> str:
        url = reverse("discussion:thread", kwargs={"thread_id": self.thread_id})
        return f"{url}#m-{self.seq}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None


class ThreadReadState(models.Model):
    """How far one person has read one thread; the threads they follow are those with a row."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states")
    last_read_seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="discussion_read_state_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread} to {self.last_read_seq}"


class ThreadConnection(models.Model):
    """One open WebSocket on a thread: presence and the per-user connection limit.

    Kept in the database so that every server process sees every connection; a process that
    dies leaves rows whose `seen_at` goes stale, and stale rows count for nothing.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_connections")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.user} on {self.thread}"
