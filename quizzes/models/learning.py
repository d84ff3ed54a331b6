"""A learner's spaced-review queue: one card per question, and its reviews."""

import random
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from .authoring import Question, QuestionVersion


class ReviewCardQuerySet(models.QuerySet):
    def for_user(self, user) -> "ReviewCardQuerySet":
        return self.filter(user=user)

    def due(self, now: datetime) -> "ReviewCardQuerySet":
        return self.filter(due__lte=now, question__status=Question.Status.ACTIVE)


class ReviewCard(models.Model):
    """A question in one learner's spaced-review queue, scheduled by FSRS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    fsrs_state = models.JSONField(help_text="The FSRS card, as fsrs.Card.to_dict() gives it.")
    due = models.DateTimeField()
    review_count = models.PositiveIntegerField(default=0)
    # Answered wrong while the learner said they were sure: a misconception, reviewed before anything else.
    confidently_wrong = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="review_card_unique_per_user")
        ]
        indexes = [models.Index(fields=["user", "due"], name="review_card_user_due")]

    def __str__(self) -> str:
        return f"{self.user} – {self.question} due {self.due:%Y-%m-%d %H:%M}"

    def option_rng(self) -> random.Random:
        """Options keep their order while one review is on screen, and change for the next review."""
        return random.Random(f"review:{self.pk}:{self.review_count}")


class Review(models.Model):
    """One rating of a review card: from a review session, or from a quiz answer that fed the schedule."""

    class Source(models.TextChoices):
        REVIEW = "review", "Review session"
        QUIZ = "quiz", "Quiz answer"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    answer = models.JSONField()
    points = models.FloatField()
    max_points = models.FloatField()
    rating = models.PositiveSmallIntegerField(help_text="FSRS rating: 1 Again, 2 Hard, 3 Good, 4 Easy.")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.card} rated {self.rating}"
