"""Live classroom sessions: an educator runs a quiz on the projector, learners answer on their phones.

A session's questions are fixed when it starts (`version_ids`), like an attempt's. Each participant answers
through an Attempt of their own at the session's quiz, one slot per question, so live answers are Responses
scored by the item types like any others and feed history, mastery, the review queue and item analysis.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..validators import validate_plain_text
from .authoring import Quiz
from .taking import Attempt
from .teaching import Classroom


class LiveSession(models.Model):
    """One live run of a quiz, driven by its owner. Where it stands is quizzes.live.machine's Stage."""

    class Phase(models.TextChoices):
        LOBBY = "lobby", "Waiting to start"
        OPEN = "open", "Question open"
        REVEALED = "revealed", "Answer revealed"
        ENDED = "ended", "Ended"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    join_code = models.CharField(max_length=12, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="live_sessions")
    classroom = models.ForeignKey(
        Classroom, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_sessions"
    )
    version_ids = models.JSONField(help_text="The question versions, in the order they are asked.")
    seed = models.BigIntegerField(help_text="Seeds the order of each item's options, the same for everyone.")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.LOBBY)
    number = models.PositiveSmallIntegerField(default=0, help_text="The question on screen (0: none yet).")
    paused = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="When the open question's time is up.")
    remaining_seconds = models.FloatField(null=True, blank=True, help_text="Countdown left while paused.")
    countdown_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    allow_guests = models.BooleanField(default=False)
    allow_change = models.BooleanField(default=False)
    show_leaderboard = models.BooleanField(default=False)
    # Numbers every change the learners' pages must follow: the id of the server-sent event announcing it.
    seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.quiz} live ({self.join_code})"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:live-projector", args=[self.code])

    @property
    def question_count(self) -> int:
        return len(self.version_ids)

    @property
    def is_ended(self) -> bool:
        return self.phase == self.Phase.ENDED

    @property
    def countdown(self) -> timedelta | None:
        return timedelta(seconds=self.countdown_seconds) if self.countdown_seconds else None


class LiveParticipant(models.Model):
    """A learner in a live session, answering through their own attempt. A guest (when the educator allows
    guests) is an inactive account made for the session, known only by the nickname they chose."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_seats")
    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="live_participant")
    nickname = models.CharField(max_length=30, blank=True, validators=[validate_plain_text])
    is_guest = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="live_participant_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.nickname or self.user} in {self.session_id}"
