"""Attempts: one sitting of a quiz, its slots, and the answers given in them."""

import random
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .authoring import QuestionVersion, Quiz


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user) -> "AttemptQuerySet":
        return self.filter(user=user)

    def finished(self) -> "AttemptQuerySet":
        return self.filter(finished_at__isnull=False)

    def unfinished(self) -> "AttemptQuerySet":
        """Attempts under way that their learner resumes on their own. A live session's attempt is driven
        by its session (quizzes.live) and finished when the session ends: it is not one of them."""
        return self.filter(finished_at__isnull=True, live_participant__isnull=True)

    def self_paced(self) -> "AttemptQuerySet":
        """Attempts taken on the learner's own, not in a live session."""
        return self.filter(live_participant__isnull=True)


class Attempt(models.Model):
    """One sitting of a quiz by one learner. Its questions and their order are fixed at the start."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    # A quiz with attempts is not deleted (it is archived); RESTRICT rather than PROTECT only so that
    # deleting a learner also deletes their own practice quizzes of missed questions (Quiz.practice_of)
    # with the attempts at them.
    quiz = models.ForeignKey(Quiz, on_delete=models.RESTRICT, related_name="attempts")
    mode = models.CharField(max_length=10, choices=Quiz.Mode.choices)
    seed = models.BigIntegerField(help_text="Seeds the order of each item's options.")
    slot_count = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField()
    # Copied from the quiz at the start, so changing the quiz never changes an attempt under way or a result.
    shuffle_options = models.BooleanField(default=True)
    pass_mark_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    sequential = models.BooleanField(default=False)
    # The time limit this attempt was given, accommodations included (empty: none, or started before they
    # were kept; quizzes.taking.attempts.deadline_is_the_close then reads the quiz's).
    time_limit = models.DurationField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="attempt_user_started")]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt-detail", args=[self.code])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_exam(self) -> bool:
        return self.mode == Quiz.Mode.EXAM

    def is_past_deadline(self, now: datetime) -> bool:
        return self.deadline is not None and now > self.deadline

    @property
    def percent(self) -> float | None:
        if self.points is None or not self.max_points:
            return None
        return 100 * self.points / self.max_points

    @property
    def time_taken(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def passed(self) -> bool | None:
        """Whether a finished attempt reached its pass mark; None without a score or a pass mark."""
        if self.points is None or self.pass_mark_percent is None:
            return None
        return 100 * self.points >= self.pass_mark_percent * self.max_points

    def option_rng(self, slot: "Slot") -> random.Random | None:
        """How a slot's options are ordered: the same shuffle on every visit, or as written (None)."""
        return slot.option_rng(self.seed) if self.shuffle_options else None


class Slot(models.Model):
    """Position `number` of an attempt, holding the question version the learner is shown."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="slots")
    # The learner's marks on the item while taking it, kept for the review.
    flagged = models.BooleanField(default=False, help_text="Flagged for review by the learner.")
    struck = models.JSONField(default=list, blank=True, help_text="Option ids the learner ruled out.")

    class Meta:
        ordering = ["attempt", "number"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "number"], name="slot_unique_number_per_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.number}"

    def option_rng(self, seed: int) -> random.Random:
        """The same shuffle of options on every visit to this slot."""
        return random.Random(f"{seed}:{self.number}")


class Confidence(models.TextChoices):
    """How sure the learner said they were of an answer (optional)."""

    SURE = "sure", "Sure"
    UNSURE = "unsure", "Unsure"
    GUESSING = "guessing", "Guessing"


class Response(models.Model):
    """The learner's current answer to one slot. One per slot, enforced by the database."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="response")
    answer = models.JSONField()
    points = models.FloatField()
    max_points = models.FloatField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    seconds_spent = models.PositiveIntegerField(
        default=0, help_text="Time on the item up to each answer saved (see quizzes.timing)."
    )
    answered_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an exam answer was last changed."
    )

    def __str__(self) -> str:
        return f"{self.slot} = {self.answer}"


class ResponseChange(models.Model):
    """An exam answer the learner replaced: what it was, when it was given and when it was changed.

    The Response holds the answer that counts; with these rows, oldest first, it is the slot's whole
    history (for the review and item statistics). Answers never changed have none.
    """

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="changes")
    answer = models.JSONField()
    points = models.FloatField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    answered_at = models.DateTimeField()
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["slot", "replaced_at", "id"]

    def __str__(self) -> str:
        return f"{self.slot} = {self.answer} until {self.replaced_at:%H:%M:%S}"
