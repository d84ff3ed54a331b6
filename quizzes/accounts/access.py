"""The one place that decides which objects a user may reach. Everyone else gets a 404."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import media
from ..models import Attempt, BankMedia, LiveParticipant, LiveSession, Quiz, ReviewCard, SourceVersion
from ..prebuilt import Read, field_value
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


def _seat_read(where) -> Read:
    """A live seat (p) with its session (ls), the session's quiz (q) and the seat's attempt (a)."""
    return Read(
        (("p", LiveParticipant), ("ls", LiveSession), ("q", Quiz), ("a", Attempt)),
        lambda n: (
            f"FROM {n.table(LiveParticipant)} p "
            f"INNER JOIN {n.table(LiveSession)} ls "
            f"ON ls.{n.pk(LiveSession)} = p.{n.column(LiveParticipant, 'session')} "
            f"INNER JOIN {n.table(Quiz)} q ON q.{n.pk(Quiz)} = ls.{n.column(LiveSession, 'quiz')} "
            f"INNER JOIN {n.table(Attempt)} a "
            f"ON a.{n.pk(Attempt)} = p.{n.column(LiveParticipant, 'attempt')} "
            f"WHERE ls.{n.column(LiveSession, 'code')} = %s AND {where(n)}"
        ),
    )


# A class answers at once: the seat is read by a statement built once, not compiled on every answer.
_USER_SEAT = _seat_read(lambda n: f"p.{n.column(LiveParticipant, 'user')} = %s")
_GUEST_SEAT = _seat_read(
    lambda n: f"p.{n.pk(LiveParticipant)} = %s AND p.{n.column(LiveParticipant, 'is_guest')} = %s"
)


def get_live_seat_for(user, guest_seats: dict, code) -> LiveParticipant:
    """The seat in a live session of a signed-in learner, or of a guest whose browser session holds it
    (`guest_seats`: session code -> participant id), with its session (and the session's quiz) and attempt
    read. Anyone not seated gets a 404. One query."""
    try:
        code_value = field_value(LiveSession, "code", code)
    except ValueError:
        raise Http404("No such session.") from None
    if user.is_authenticated:
        rows = _USER_SEAT.fetch([code_value, user.pk])
    else:
        seat_id = guest_seats.get(str(code))
        if not isinstance(seat_id, int):
            raise Http404("Not in this session.")
        rows = _GUEST_SEAT.fetch([code_value, seat_id, True])
    if not rows:
        raise Http404("Not in this session.")
    (seat, session, quiz, attempt), _ = rows[0]
    session.quiz = quiz
    seat.session, seat.attempt = session, attempt
    return seat


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
