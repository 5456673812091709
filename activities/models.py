from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Limits defined once: the services, serializers, admin forms and session definitions import them.
TITLE_MAX = 200
# A tracked activity's key (contract v1.2, "Series and trends"): 1-40 of [a-z0-9_-].
TRACK_KEY_MAX = 40
TRACK_KEY_PATTERN = r"^[a-z0-9_-]{1,40}$"
HIDDEN_WORD_MAX = 200


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ACTIVE = "active", "Active"
    # The API's value stays "expired"; people read "Ended" (an activity that is over).
    # Translators: the status of an activity that is over (it takes no more answers).
    EXPIRED = "expired", _("Ended")


# In a self-paced session every activity in these statuses is open to every participant.
SELF_PACED_OPEN = frozenset({ActivityStatus.PUBLISHED, ActivityStatus.ACTIVE})


class Activity(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey("sessions_app.Session", on_delete=models.CASCADE, related_name="activities")
    # A key of the activity-type registry (activities/types); validated there, not by a CHECK,
    # so that adding a type is one module and no migration.
    type = models.CharField(max_length=32)
    title = models.CharField(max_length=TITLE_MAX, blank=True, default="")
    config = models.JSONField(default=dict)
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    # Ties this activity to the same question in the other sessions of its session's series
    # (same key and type form a trend); null: not tracked (the API's null; "" is never stored).
    track_key = models.CharField(  # noqa: DJ001
        max_length=TRACK_KEY_MAX, null=True, blank=True, default=None
    )
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    revealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Poker: the round number and the results of finished rounds (kept for the organizer).
    round = models.PositiveIntegerField(default=1, editable=False)
    history = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "created_at"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values), name="activity_status_valid"
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(status=ActivityStatus.ACTIVE),
                name="activity_one_active_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "order"], name="activity_session_order"),
            models.Index(fields=["track_key"], name="activity_track_key"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.type} #{self.order}"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="responses"
    )
    response_data = models.JSONField()
    # Quiz: filled by the type's scoring when the answer is stored (null for unscored types).
    score = models.IntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)
    # Open text: an answer the organizer took off the wall. A database default, because the vote
    # fast path inserts with its own column list; a re-answer keeps it (no way around a hide).
    hidden = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "participant"], name="response_one_per_participant")
        ]
        indexes = [
            models.Index(fields=["activity", "updated_at"], name="response_activity_updated"),
            models.Index(fields=["participant"], name="response_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.activity_id}"


class HiddenWord(models.Model):
    """A word an organizer removed from a word cloud's public results (normalized form)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="hidden_words")
    text = models.CharField(max_length=HIDDEN_WORD_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "text"], name="hiddenword_unique")]

    def __str__(self) -> str:
        return self.text


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # moderation on, not yet approved
    VISIBLE = "visible", "Visible"
    ANSWERED = "answered", "Answered"
    HIDDEN = "hidden", "Hidden"


class Question(models.Model):
    """An audience question of a Q&A activity (type ``qna``): many per participant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(max_length=500)
    # Shown without the nickname (the organizer still knows who asked, for moderation).
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.VISIBLE)
    pinned = models.BooleanField(default=False)
    # Kept equal to the number of QuestionUpvote rows by the upvote services (same transaction,
    # F() arithmetic), so sorting by it needs no join or GROUP BY on every snapshot.
    upvote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.UniqueConstraint(
                fields=["activity"], condition=Q(pinned=True), name="question_one_pinned_per_activity"
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "-upvote_count"], name="question_activity_top"),
            models.Index(fields=["participant"], name="question_participant"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionUpvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="question_upvotes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="questionupvote_one_per_participant"
            )
        ]
        indexes = [models.Index(fields=["participant"], name="questionupvote_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} ↑ {self.question_id}"


class Media(models.Model):
    """An image uploaded to a session (contract v1.2 "Media, slides and decks").

    The file is what Pillow re-encoded, never the upload, stored through Django's default storage
    under a content-addressed name (``media/<sha256>.<ext>``): the same bytes give the same name
    and URL, so two rows (in two sessions, or a duplicate) may share one file, and the file goes
    only when no row names it any more (activities.media_files)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey("sessions_app.Session", on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "media"
        indexes = [
            models.Index(fields=["session", "created_at"], name="media_session_created"),
            models.Index(fields=["name"], name="media_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivitySummary(models.Model):
    """A tracked activity's result, stored when it ends and recomputed when its responses change
    afterwards (a kick's purge, a hidden answer): the trends read these rows, never recount
    responses. ``summary`` is the type's (``ActivityType.summary``); ``count`` the number of
    answers behind it, compared with settings.SERIES_MIN_RESPONSES when shown."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="trend_summary", primary_key=True
    )
    summary = models.JSONField(default=dict)
    # [[id, label], ...] of the ids ``summary`` is keyed by, in their order, as they were (poll
    # options, statements, items).
    labels = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField(default=0)
    # Its responses changed after it was stored; recomputed before the next read.
    stale = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activity summaries"
        # The trends' "anything stale?" check reads this tiny partial index, not the series' rows.
        indexes = [models.Index(fields=["stale"], condition=Q(stale=True), name="activitysummary_stale")]

    def __str__(self) -> str:
        return f"summary of {self.activity_id}"


class ActivityStart(models.Model):
    """When a participant opened a timed activity of a self-paced session (contract v1.2: the
    start endpoint; the first call wins). Their time limit and their score count from it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="starts")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="activity_starts"
    )
    started_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant"], name="activitystart_one_per_participant"
            )
        ]
        indexes = [models.Index(fields=["participant"], name="activitystart_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} ▶ {self.activity_id}"
