"""Who may author, and what: the one place that says what an educator is and which banks are theirs.

Every authoring view goes through `educator_required` and one `get_*_for` helper. Anonymous visitors
are sent to log in; a learner gets a 403 (authoring exists, they may not use it); another educator's
bank, topic, question or quiz is a 404, so its existence is not confirmed. Superusers may author
every bank, as they can in the admin.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import user_logged_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.dispatch import receiver
from django.shortcuts import get_object_or_404

from ..demo import EDUCATORS
from ..models import Assignment, Bank, ClassGroup, Classroom, Question, Quiz, Source, SourceVersion, Topic

# The session remembers whether the user is an educator, so the nav can show the Author link without
# a query on every page (base.html reads it). Views never trust it: they ask is_educator().
SESSION_KEY = "is_educator"


def is_educator(user) -> bool:
    """Members of the Educator group and superusers. The answer is kept on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_educator"):
        user._is_educator = user.groups.filter(name=EDUCATORS).exists()
    return user._is_educator


def require_educator(user) -> None:
    if not is_educator(user):
        raise PermissionDenied("Only educators can author questions and quizzes.")


def educator_required(view: Callable) -> Callable:
    """Log in first; then anyone who is not an educator gets a 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        allowed = is_educator(request.user)
        if request.session.get(SESSION_KEY, False) != allowed:  # promoted or demoted since log-in
            request.session[SESSION_KEY] = allowed
        if not allowed:
            raise PermissionDenied("Only educators can author questions and quizzes.")
        return view(request, *args, **kwargs)

    return wrapped


@receiver(user_logged_in)
def remember_role(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = is_educator(user)


# -- the objects an educator may author -------------------------------------------------------------------


def _owned(queryset: QuerySet, user, owner_path: str) -> QuerySet:
    require_educator(user)
    return queryset if user.is_superuser else queryset.filter(**{owner_path: user})


def banks_for(user) -> QuerySet[Bank]:
    """The banks the user may author: their own (a superuser: every bank)."""
    return _owned(Bank.objects.all(), user, "owner")


def get_bank_for(user, slug: str) -> Bank:
    return get_object_or_404(banks_for(user), slug=slug)


def get_topic_for(user, pk: int) -> Topic:
    return get_object_or_404(_owned(Topic.objects.select_related("bank"), user, "bank__owner"), pk=pk)


def get_question_for(user, pk: int) -> Question:
    """The question with its bank, topic and current version."""
    questions = Question.objects.select_related("bank", "topic", "current_version")
    return get_object_or_404(_owned(questions, user, "bank__owner"), pk=pk)


def get_authored_quiz_for(user, pk: int) -> Quiz:
    quizzes = Quiz.objects.authored().select_related("bank")  # a learner's practice quiz is theirs alone
    return get_object_or_404(_owned(quizzes, user, "bank__owner"), pk=pk)


def get_source_for(user, pk: int) -> Source:
    """A source of the user's own bank, with its bank and current version."""
    sources = Source.objects.select_related("bank", "current_version")
    return get_object_or_404(_owned(sources, user, "bank__owner"), pk=pk)


def get_source_version_for(user, pk: int) -> SourceVersion:
    """A version of a source of the user's own bank, with its source and bank."""
    versions = SourceVersion.objects.select_related("source__bank", "source__current_version")
    return get_object_or_404(_owned(versions, user, "source__bank__owner"), pk=pk)


# -- classes ----------------------------------------------------------------------------------------------


def quizzes_for(user) -> QuerySet[Quiz]:
    """The quizzes an educator may assign and analyse: those of their own banks (not the learners' own
    practice quizzes of what they missed)."""
    return _owned(Quiz.objects.authored().select_related("bank"), user, "bank__owner")


def classes_for(user) -> QuerySet[Classroom]:
    """The classes the user teaches (a superuser: every class)."""
    return _owned(Classroom.objects.all(), user, "owner")


def get_class_for(user, pk: int) -> Classroom:
    return get_object_or_404(classes_for(user), pk=pk)


def get_group_for(user, pk: int) -> ClassGroup:
    """A group of one of the user's classes, with its class."""
    groups = ClassGroup.objects.select_related("classroom")
    return get_object_or_404(_owned(groups, user, "classroom__owner"), pk=pk)


def get_assignment_for(user, pk: int) -> Assignment:
    assignments = Assignment.objects.select_related("classroom", "quiz")
    return get_object_or_404(_owned(assignments, user, "classroom__owner"), pk=pk)


def teaches(user, learner_id: int, quiz_id: int) -> bool:
    """Whether the user teaches a class that the learner is in and that has the quiz assigned.

    The one membership check behind an educator's view of a learner's results: leaving the class, or the
    quiz being unassigned, ends it. One query (none for a learner).
    """
    if not is_educator(user):
        return False
    return classes_for(user).filter(memberships__user_id=learner_id, assignments__quiz_id=quiz_id).exists()


# -- promotion --------------------------------------------------------------------------------------------


def can_promote(user) -> bool:
    """Superusers and educators may make a learner an educator; sign-up never does."""
    return is_educator(user)


def promote_to_educator(user, *, by) -> bool:
    """Add `user` to the Educator group. False when they already were an educator."""
    if not can_promote(by):
        raise PermissionDenied("Only educators can promote other users.")
    group, _ = Group.objects.get_or_create(name=EDUCATORS)
    if user.is_superuser or user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    return True
