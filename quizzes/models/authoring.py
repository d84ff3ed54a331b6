"""Banks, their topics and questions (each with immutable versions), and the quizzes drawn from them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from ..items import get_item_type, item_type_choices
from ..validators import validate_moment, validate_plain_text


class Bank(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200, validators=[validate_plain_text])
    description = models.TextField(blank=True, validators=[validate_plain_text])
    source = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_plain_text],
        help_text="Where the questions come from.",
    )
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
    title = models.CharField(max_length=200, validators=[validate_plain_text])
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


class ClinicalJudgment(models.TextChoices):
    """The steps of the NCSBN Clinical Judgment Measurement Model (layer 3) an item can exercise."""

    RECOGNIZE_CUES = "recognize-cues", "Recognize cues"
    ANALYZE_CUES = "analyze-cues", "Analyze cues"
    PRIORITIZE_HYPOTHESES = "prioritize-hypotheses", "Prioritize hypotheses"
    GENERATE_SOLUTIONS = "generate-solutions", "Generate solutions"
    TAKE_ACTION = "take-action", "Take action"
    EVALUATE_OUTCOMES = "evaluate-outcomes", "Evaluate outcomes"


class CognitiveLevel(models.TextChoices):
    """Bloom's levels as the NCLEX test plan uses them: most NCLEX items are application or higher."""

    RECALL = "recall", "Recall"
    APPLICATION = "application", "Application"
    ANALYSIS = "analysis", "Analysis"


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
    stem = models.TextField(validators=[validate_plain_text])
    explanation = models.TextField(validators=[validate_plain_text])
    source_section = models.CharField(max_length=200, validators=[validate_plain_text])
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    # Optional tags ("" untagged): learners' mastery and the item analysis break down by them.
    clinical_judgment = models.CharField(
        max_length=30, choices=ClinicalJudgment.choices, blank=True, default=""
    )
    cognitive_level = models.CharField(max_length=20, choices=CognitiveLevel.choices, blank=True, default="")
    spec = models.JSONField(help_text="Type-specific content, e.g. the options of a choice item.")
    max_points = models.FloatField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The item-level checks (authoring.checks.item_warnings) whose warnings this version trips, worked
    # out once when it is saved: a version never changes, and the educator's home lists the questions
    # needing review without running the checks on every question on every visit.
    warnings = models.JSONField(default=list, blank=True)

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


class WarningDismissal(models.Model):
    """An author's decision that one item-quality warning (authoring.checks) does not apply to one
    version, and why. A new version is checked afresh: the text the reason was about has changed."""

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="dismissals")
    check_id = models.CharField(max_length=40)
    reason = models.TextField(validators=[validate_plain_text])
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "check_id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "check_id"], name="dismissal_unique_check_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.check_id}"


class QuizQuerySet(models.QuerySet):
    def published(self) -> "QuizQuerySet":
        """Published, unarchived quizzes of published banks: the most a learner may ever see."""
        return self.filter(is_published=True, is_archived=False, bank__is_published=True)

    def open_at(self, now: datetime) -> "QuizQuerySet":
        return self.filter(
            models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now),
            models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now),
        )

    def available(self, now: datetime | None = None) -> "QuizQuerySet":
        """Published and open now (whoever may take them: see visible_to)."""
        return self.published().open_at(now or timezone.now())

    def authored(self) -> "QuizQuerySet":
        """The quizzes an educator built, without the learners' own practice quizzes of missed questions."""
        return self.filter(practice_of__isnull=True)

    def visible_to(self, user) -> "QuizQuerySet":
        """The quizzes `user` may see and take: those open to everyone, those assigned to a class they
        are in, those of their own banks (an educator trying their quiz), and their own practice quizzes
        of missed questions (nobody else's, not even the bank owner's). No duplicate rows: the class test
        is an EXISTS, so the count of classes never multiplies the rows or the queries."""
        assignment = self.model._meta.get_field("assignments").related_model  # teaching imports this module
        member = assignment.objects.filter(quiz=models.OuterRef("pk"), classroom__memberships__user=user)
        authored = models.Q(practice_of__isnull=True) & (
            models.Q(audience=Quiz.Audience.EVERYONE) | models.Exists(member) | models.Q(bank__owner=user)
        )
        return self.filter(authored | models.Q(practice_of__user=user))


class Quiz(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        EXAM = "exam", "Exam"

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Everyone signed in"
        CLASSES = "classes", "Members of the classes it is assigned to"

    class Selection(models.TextChoices):
        RANDOM = "random", "Drawn at random from topics"
        FIXED = "fixed", "A fixed list of questions"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="quizzes")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200, validators=[validate_plain_text])
    description = models.TextField(blank=True, validators=[validate_plain_text])
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
    shuffle_options = models.BooleanField(
        default=True,
        help_text="Off: options come in alphabetical order, never the order written (which may point at the "
        "key); ordering steps are still shuffled.",
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Empty: no pass mark."
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    sequential = models.BooleanField(
        default=False,
        help_text="On: questions are answered in order, with no skipping ahead and no going back.",
    )
    opens_at = models.DateTimeField(null=True, blank=True, validators=[validate_moment])
    closes_at = models.DateTimeField(null=True, blank=True, validators=[validate_moment])
    position = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    # Who may take it once published (unpublished, it is a draft nobody takes). New quizzes are for their
    # classes; the shipped banks' quizzes, loaded from files that do not say, are open to everyone.
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.CLASSES)
    # A quiz learners have attempted cannot be deleted (their results point at it): it is archived instead,
    # out of every list and closed to new attempts, its results kept.
    is_archived = models.BooleanField(default=False)
    # A learner's own practice quiz of the questions they missed in this attempt ("Practice these"): only
    # they see it, it is listed nowhere (see QuizQuerySet.authored), and it goes when the attempt does.
    practice_of = models.ForeignKey(
        "Attempt", on_delete=models.CASCADE, null=True, blank=True, related_name="practice_quizzes"
    )

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


class BankMedia(models.Model):
    """An image a bank's questions show, stored once under its content hash (storage name
    `question-media/<sha256>.<ext>`, shared by every bank holding the same bytes) and referenced from any
    question text as Markdown, `![alt text](media:<sha256>.<ext>)`. The reference is in the version's
    text, so it survives every new version; the file is never changed or deleted under it."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=80, help_text="<sha256 of the bytes>.<png|jpg|gif|webp>")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The alt text it came with (an import's alt attribute, the upload form's field): what the editor
    # offers when the image is put in a question. Each reference carries its own alt text.
    alt = models.CharField(max_length=500, blank=True, validators=[validate_plain_text])
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["bank", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="media_unique_name_per_bank")]

    def __str__(self) -> str:
        return f"{self.bank_id}/{self.name}"
