"""Classes: an educator's class, its members and the quizzes assigned to it."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from ..validators import validate_moment, validate_plain_text
from .authoring import Quiz

# -- classes ----------------------------------------------------------------------------------------------


class Classroom(models.Model):
    """An educator's class: learners join it with its code and see the quizzes assigned to it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms_taught"
    )
    name = models.CharField(max_length=200, validators=[validate_plain_text])
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
    due_at = models.DateTimeField(null=True, blank=True, validators=[validate_moment])
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "quiz"], name="assignment_unique_quiz_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.classroom}"


class ClassGroup(models.Model):
    """A named group of a class's learners ("Extra time 50 %"), for giving them accommodations at once.
    A learner may be in several groups; a group is the class's, and counts its members only while they
    are in the class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100, validators=[validate_plain_text])
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="class_groups")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "name"], name="class_group_unique_name_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.classroom})"


class Override(models.Model):
    """An accommodation on an assignment, for one learner or for a group of the class: extra time (a
    percentage of the time limit and/or minutes), extra attempts, or a different close time. It applies
    while the learner is in the class; where several apply, the most generous of each kind counts."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    # Exactly one of the two: a learner's own override, or a group's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="overrides", null=True, blank=True
    )
    group = models.ForeignKey(
        ClassGroup, on_delete=models.CASCADE, related_name="overrides", null=True, blank=True
    )
    extra_time_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(400)], help_text="50 gives one and a half times the limit."
    )
    extra_minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(600)])
    extra_attempts = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    closes_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_moment], help_text="Empty: the quiz's own close time."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "user__username", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="override_unique_per_learner"),
            models.UniqueConstraint(fields=["assignment", "group"], name="override_unique_per_group"),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, group__isnull=False)
                | models.Q(user__isnull=False, group__isnull=True),
                name="override_for_a_learner_or_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.group} on {self.assignment}"
