"""A bank's source documents: each with immutable versions, split into sections and sentence passages
that question versions cite, and the questions a revision left needing review."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..validators import validate_plain_text
from .authoring import Bank, Question, QuestionVersion


class Source(models.Model):
    """A document a bank is written from (the MMN fact sheet); what it says lives in its versions."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="sources")
    key = models.SlugField(max_length=100, help_text="Stable identifier within the bank.")
    title = models.CharField(max_length=200, validators=[validate_plain_text])
    # The newest version, so the coverage and reading pages find it without a subquery.
    current_version = models.ForeignKey(
        "SourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bank", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="source_unique_key_per_bank")]

    def __str__(self) -> str:
        return self.title


class SourceVersion(models.Model):
    """One immutable text of a source, with its passages. Saving an existing version is refused."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Source versions are immutable: create a new version instead.")
        super().save(*args, **kwargs)


class Passage(models.Model):
    """A sentence (or list item) of a source version, under its section heading.

    Its key is stable across versions: a revision gives an unchanged or edited passage the key it had,
    so a citation's key still finds it.
    """

    version = models.ForeignKey(SourceVersion, on_delete=models.CASCADE, related_name="passages")
    key = models.SlugField(max_length=100)
    section = models.CharField(max_length=200, validators=[validate_plain_text])
    text = models.TextField(validators=[validate_plain_text])
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="passage_unique_key_per_version")
        ]

    def __str__(self) -> str:
        return self.key


class Citation(models.Model):
    """A question version citing a passage; written with the version, and as immutable as it."""

    question_version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="citations")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question_version", "passage"], name="citation_unique_passage_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_version_id} cites {self.passage_id}"


class NeedsReview(models.Model):
    """A question whose cited passage a revision edited or removed; gone once an author confirms or edits."""

    class Change(models.TextChoices):
        EDITED = "edited", "Edited"
        REMOVED = "removed", "Removed"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_flags")
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(SourceVersion, on_delete=models.CASCADE, related_name="review_flags")
    change = models.CharField(max_length=10, choices=Change.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "passage", "revision"], name="needs_review_unique_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: passage {self.passage_id} {self.change}"
