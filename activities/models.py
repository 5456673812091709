from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Limits defined once: the services, serializers, admin forms and session definitions import them.
TITLE_MAX = 200
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
        indexes = [models.Index(fields=["session", "order"], name="activity_session_order")]

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
