"""The one place that decides which objects a user may reach. Everyone else gets a 404."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import media
from ..models import Attempt, BankMedia, LiveParticipant, LiveSession, Quiz, ReviewCard, SourceVersion
from .permissions import banks_for, is_educator, teaches


def _attempts_to_take(user):
    """The user's own attempts at quizzes they may still take (Quiz.visible_to: a learner who left the class
    keeps the results, see get_attempt_to_review, but cannot go on answering), without a live session's
    attempt under way: that one is answered only through its session (quizzes.live)."""
    return Attempt.objects.filter(user=user, quiz__in=Quiz.objects.visible_to(user)).exclude(
        finished_at__isnull=True, live_participant__isnull=False
    )


def get_attempt_for(user, code) -> Attempt:
    """The user's own attempt with that code, to take or resume (see _attempts_to_take). Anything else is a
    404, so its existence is not confirmed. One query."""
    return get_object_or_404(_attempts_to_take(user).select_related("quiz"), code=code)


def may_go_on_answering(user, attempt: Attempt, bank_owner_id: int, in_live_session: bool) -> bool:
    """_attempts_to_take's rules for one of the user's own attempts already read with its quiz (the answer
    path's locked read, quizzes.taking.locked_read): not a live session's attempt under way, at a quiz the
    user may take (Quiz.visible_to). No query for a quiz open to everyone or of the user's own bank; one
    for a class-only quiz."""
    if in_live_session and not attempt.is_finished:
        return False
    quiz = attempt.quiz
    if quiz.audience == Quiz.Audience.EVERYONE or bank_owner_id == user.pk:
        return True
    return Quiz.objects.visible_to(user).filter(pk=quiz.pk).exists()


def get_attempt_to_review(user, code) -> Attempt:
    """The user's own attempt; or, for an educator, a finished attempt of a learner in one of their classes
    at a quiz assigned to that class (quizzes.accounts.permissions.teaches). Anything else is a 404."""
    attempt = get_object_or_404(Attempt.objects.select_related("quiz__bank", "user"), code=code)
    if attempt.user_id == user.pk:
        return attempt
    if attempt.is_finished and teaches(user, attempt.user_id, attempt.quiz_id):
        return attempt
    raise Http404("No such attempt.")


def get_quiz_for(user, pk: int) -> Quiz:
    """A published quiz of a published bank that the user may take (Quiz.visible_to); anything else is a
    404, so a class-only quiz is not confirmed to a learner outside its classes.

    A closed quiz is still found, so that starting it can say when it opens or closed.
    """
    return get_object_or_404(Quiz.objects.published().visible_to(user).select_related("bank"), pk=pk)


def get_card_for(user, pk: int) -> ReviewCard:
    """A card of the user's own review queue, with the question's current version."""
    cards = ReviewCard.objects.select_related("question__current_version", "question__topic")
    return get_object_or_404(cards, pk=pk, user=user)


def get_source_version_to_read(user, pk: int) -> SourceVersion:
    """A version of a source of a published bank (what learners quiz on), or of a bank the user authors.
    Anything else is a 404."""
    version = get_object_or_404(SourceVersion.objects.select_related("source__bank"), pk=pk)
    bank = version.source.bank
    if bank.is_published or (is_educator(user) and banks_for(user).filter(pk=bank.pk).exists()):
        return version
    raise Http404("No such source.")


def get_live_session_for(user, code) -> LiveSession:
    """A live session, for the educator who runs it; anyone else gets a 404."""
    sessions = LiveSession.objects.select_related("quiz", "classroom")
    return get_object_or_404(sessions, code=code, owner_id=user.pk)


def get_live_seat_for(user, guest_seats: dict, code, *, with_quiz: bool = True) -> LiveParticipant:
    """The seat in a live session of a signed-in learner, or of a guest whose browser session holds it
    (`guest_seats`: session code -> participant id), with its session and attempt read (and the quiz,
    unless `with_quiz` is off: a class's answers arrive at once, and their fragment does not name it).
    Anyone not seated gets a 404. One query."""
    seats = LiveParticipant.objects.select_related("session__quiz" if with_quiz else "session", "attempt")
    if user.is_authenticated:
        return get_object_or_404(seats, session__code=code, user_id=user.pk)
    seat_id = guest_seats.get(str(code))
    if not isinstance(seat_id, int):
        raise Http404("Not in this session.")
    return get_object_or_404(seats, session__code=code, pk=seat_id, is_guest=True)


def get_media_to_show(user, name: str, guest_seats: dict | None = None) -> BankMedia:
    """The stored image `name` if `user` may see it, else a 404 (so nobody learns whether it exists). An
    educator sees their own banks' images; a learner those of a bank with a quiz they may take now (Quiz
    .visible_to), or one they took (their results, reviews and spaced review show its questions), or one
    whose live session they joined; a guest without an account, those of the live sessions their browser
    session holds a seat in (`guest_seats`, as get_live_seat_for). One query."""
    if not media.NAME.fullmatch(name):
        raise Http404
    rows = BankMedia.objects.filter(name=name)
    if not user.is_authenticated:
        seats = [seat for seat in (guest_seats or {}).values() if isinstance(seat, int)]
        if not seats:
            raise Http404
        seated = LiveParticipant.objects.filter(
            pk__in=seats, is_guest=True, session__quiz__bank=OuterRef("bank")
        )
        rows = rows.filter(Exists(seated))
    elif not user.is_superuser:
        takeable = Quiz.objects.available().visible_to(user).filter(bank=OuterRef("bank"))
        taken = Attempt.objects.filter(user=user, quiz__bank=OuterRef("bank"))
        joined = LiveParticipant.objects.filter(user=user, session__quiz__bank=OuterRef("bank"))
        rows = rows.filter(Q(bank__owner=user) | Exists(takeable) | Exists(taken) | Exists(joined))
    found = rows.first()
    if found is None:
        raise Http404
    return found
