"""The one place that decides which objects a user may reach. Everyone else gets a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Attempt, Quiz, ReviewCard
from .permissions import teaches


def get_attempt_for(user, code) -> Attempt:
    """The user's own attempt; somebody else's is a 404, so its existence is not confirmed."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), code=code, user=user)


def get_attempt_to_review(user, code) -> Attempt:
    """The user's own attempt; or, for an educator, a finished attempt of a learner in one of their classes
    at a quiz assigned to that class (quizzes.permissions.teaches). Anything else is a 404."""
    attempt = get_object_or_404(Attempt.objects.select_related("quiz", "user"), code=code)
    if attempt.user_id == user.pk:
        return attempt
    if attempt.is_finished and teaches(user, attempt.user_id, attempt.quiz_id):
        return attempt
    raise Http404("No such attempt.")


def get_quiz_for(user, pk: int) -> Quiz:
    """A published quiz of a published bank; learners see nothing else.

    A closed quiz is still found, so that starting it can say when it opens or closed.
    """
    return get_object_or_404(Quiz.objects.published().select_related("bank"), pk=pk)


def get_card_for(user, pk: int) -> ReviewCard:
    """A card of the user's own review queue, with the question's current version."""
    cards = ReviewCard.objects.select_related("question__current_version", "question__topic")
    return get_object_or_404(cards, pk=pk, user=user)
