"""Banks of questions, quizzes drawn from them, and learners' attempts.

Two rules shape this module. Question versions are immutable: an edit makes a new version and every
response points at the version it answered. And every answer is saved when given, one Response per
attempt slot, so nothing is lost or counted twice.
"""

import random
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .items import get_item_type, item_type_choices


class Bank(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the questions come from.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="banks"
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bank", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "slug"], name="topic_unique_slug_per_bank")]

    def __str__(self) -> str:
        return self.title


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Question(models.Model):
    """A question's identity; what it says lives in its versions."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=100, help_text="Stable identifier within the bank.")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The newest version, kept here so picking questions for an attempt is one query.
    current_version = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="question_unique_key_per_bank")]

    def __str__(self) -> str:
        return f"{self.bank.slug}/{self.key}"


class QuestionVersion(models.Model):
    """One immutable state of a question. Saving an existing version is refused."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    item_type = models.CharField(max_length=20, choices=item_type_choices)
    stem = models.TextField()
    explanation = models.TextField()
    source_section = models.CharField(max_length=200)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    spec = models.JSONField(help_text="Type-specific content, e.g. the options of a choice item.")
    max_points = models.FloatField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="version_unique_number_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Question versions are immutable: create a new version instead.")
        super().save(*args, **kwargs)

    @property
    def item(self):
        return get_item_type(self.item_type)


class QuizQuerySet(models.QuerySet):
    def published(self) -> "QuizQuerySet":
        """Published quizzes of published banks: the most a learner may ever see."""
        return self.filter(is_published=True, bank__is_published=True)

    def open_at(self, now: datetime) -> "QuizQuerySet":
        return self.filter(
            models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now),
            models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now),
        )

    def available(self, now: datetime | None = None) -> "QuizQuerySet":
        """What a learner's quiz list offers: published and open now."""
        return self.published().open_at(now or timezone.now())


class Quiz(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        EXAM = "exam", "Exam"

    class Selection(models.TextChoices):
        RANDOM = "random", "Drawn at random from topics"
        FIXED = "fixed", "A fixed list of questions"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="quizzes")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PRACTICE)
    selection = models.CharField(max_length=10, choices=Selection.choices, default=Selection.RANDOM)
    question_count = models.PositiveSmallIntegerField(default=10)
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, help_text="Leave empty to draw from every topic.")
    questions = models.ManyToManyField(
        "Question", blank=True, related_name="fixed_quizzes", help_text="The questions of a fixed list."
    )
    shuffle_questions = models.BooleanField(
        default=True, help_text="Off: questions come in topic order, as the bank lists them."
    )
    shuffle_options = models.BooleanField(default=True, help_text="Off: options come in the order written.")
    pass_mark_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Empty: no pass mark."
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    sequential = models.BooleanField(
        default=False,
        help_text="On: questions are answered in order, with no skipping ahead and no going back.",
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["bank", "position", "id"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["bank", "slug"], name="quiz_unique_slug_per_bank"),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__isnull=True) | models.Q(pass_mark_percent__lte=100),
                name="quiz_pass_mark_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    @property
    def is_fixed(self) -> bool:
        return self.selection == self.Selection.FIXED

    def is_open(self, now: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user) -> "AttemptQuerySet":
        return self.filter(user=user)

    def finished(self) -> "AttemptQuerySet":
        return self.filter(finished_at__isnull=False)

    def unfinished(self) -> "AttemptQuerySet":
        return self.filter(finished_at__isnull=True)


class Attempt(models.Model):
    """One sitting of a quiz by one learner. Its questions and their order are fixed at the start."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
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


# -- classes ----------------------------------------------------------------------------------------------


class Classroom(models.Model):
    """An educator's class: learners join it with its code and see the quizzes assigned to it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms_taught"
    )
    name = models.CharField(max_length=200)
    join_code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="classrooms"
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="membership_unique_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom}"


class Assignment(models.Model):
    """A quiz handed out to a class, with an optional due date."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments")
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "quiz"], name="assignment_unique_quiz_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.classroom}"
