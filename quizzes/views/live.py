"""Live classroom sessions: the educator's start form, projector and moves; the learner's join, play and
answer; the event stream for a WSGI process; the summary CSV.

The rules are in quizzes.live; these views parse, call it, render, and tell the pages following the
session what changed (quizzes.live.broker). The projector and the learner's page follow the session by
server-sent events (htmx's SSE extension); without JavaScript the learner's page refreshes itself while
waiting and offers a "Check for the next question" button.
"""

import csv

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizzes.accounts.access import get_live_seat_for, get_live_session_for
from quizzes.accounts.permissions import classes_for, educator_required, quizzes_for
from quizzes.items import AnswerInProgress, FixableAnswer, InvalidAnswer
from quizzes.live import broker, results, sessions, stream
from quizzes.live.forms import LiveJoinForm, LiveStartForm
from quizzes.live.sessions import Phase
from quizzes.models import LiveParticipant, LiveSession, Slot
from quizzes.taking import attempts
from quizzes.views.taking import HtmxHttpRequest

PROJECTOR = "quizzes/live_projector.html"
PLAY = "quizzes/live_play.html"
GUEST_SEATS = "live_seats"  # the browser session's guest seats: session code -> participant id
WAIT_REFRESH = 5  # seconds between a waiting page's own refreshes, without JavaScript

# -- the educator -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@educator_required
def live_start(request: HtmxHttpRequest) -> HttpResponse:
    """Start a live session of one of the educator's quizzes, for one of their classes or for anyone
    with the code. The quiz and class pages link here with the quiz or class chosen."""
    quizzes, classes = quizzes_for(request.user).filter(is_archived=False), classes_for(request.user)
    initial = {k: request.GET[k] for k in ("quiz", "classroom") if request.GET.get(k, "").isdigit()}
    data = request.POST if request.method == "POST" else None
    form = LiveStartForm(data, quizzes=quizzes, classes=classes, initial=initial)
    if form.is_valid():
        options = form.cleaned_data
        try:
            session = sessions.start_session(
                request.user,
                options["quiz"],
                classroom=options["classroom"],
                allow_guests=options["allow_guests"],
                allow_change=options["allow_change"],
                show_leaderboard=options["show_leaderboard"],
                countdown_seconds=options["countdown"],
            )
        except sessions.CannotJoin as exc:
            form.add_error("quiz", str(exc))
        else:
            return redirect(session)
    return render(request, "quizzes/live_start.html", {"form": form})


@require_GET
@educator_required
@vary_on_headers("HX-Request")
def live_projector(request: HtmxHttpRequest, code) -> HttpResponse:
    """The projector: the join code and QR in the lobby, then each question, its reveal, the summary.
    Reloading it, or opening it on another device, shows the session where it stands."""
    session = get_live_session_for(request.user, code)
    if sessions.end_if_idle(session):
        _publish_stage(session)
    template = PROJECTOR + "#projector-stage" if request.htmx else PROJECTOR
    return render(request, template, _projector_context(request, session))


@require_POST
@educator_required
def live_move(request: HtmxHttpRequest, code) -> HttpResponse:
    """The educator's move: next, reveal, pause, resume or end (the `action` button pressed)."""
    session = get_live_session_for(request.user, code)
    try:
        session = sessions.move(session, request.user, request.POST.get("action", ""))
    except (sessions.IllegalMove, sessions.NotTheOwner) as exc:
        if not request.htmx:
            messages.error(request, str(exc))
            return redirect(session)
        context = _projector_context(request, session)
        context["error"] = str(exc)
        return render(request, PROJECTOR + "#projector-stage", context, status=409)
    _publish_stage(session, fresh_question=request.POST.get("action") == "next")
    if not request.htmx:
        return redirect(session)
    return render(request, PROJECTOR + "#projector-stage", _projector_context(request, session))


@require_GET
@educator_required
def live_summary_csv(request: HtmxHttpRequest, code) -> HttpResponse:
    session = get_live_session_for(request.user, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="live-{session.join_code}-summary.csv"'
    writer = csv.writer(response)
    writer.writerows(results.csv_rows(session, results.summary(session)))
    return response


def _projector_context(request: HtmxHttpRequest, session: LiveSession) -> dict:
    join_url = request.build_absolute_uri(reverse("quizzes:live-join") + f"?code={session.join_code}")
    context = {
        "session": session,
        "stage": sessions.stage_of(session),
        "joined": session.participants.count(),
        "join_url": join_url,
        "stream_url": _stream_url(session, "host"),
    }
    if session.phase == Phase.LOBBY:
        qr = segno.make(join_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=8, border=2, title="QR code of the join link", omitsize=True)
    elif session.phase in (Phase.OPEN, Phase.REVEALED):
        question = results.question_summary(session, session.number)
        version = question.version
        context["question"] = question
        context["item"] = version.item.public_view(
            version.stem, version.spec, results.option_rng(session, session.number)
        )
        if session.phase == Phase.REVEALED:
            context["review"] = version.item.review(
                version.spec, None, results.option_rng(session, session.number)
            )
    else:
        context["summary"] = results.summary(session)
        if session.show_leaderboard:
            context["leaderboard"] = results.leaderboard(session)
    return context


def _stream_url(session: LiveSession, role: str) -> str:
    token = stream.stream_token(session.pk, role)
    return reverse("quizzes:live-stream", args=[token]) + f"?seen={session.seq}"


def _publish_stage(session: LiveSession, *, fresh_question: bool = False) -> None:
    """Tell every page following the session that it changed. A question just opened goes out whole
    (the same for everyone, without its key), so phones show it without asking; after any other change
    each page fetches its own state (a learner's verdict is theirs alone)."""
    if fresh_question and session.phase == Phase.OPEN:
        broker.reset_count(session.pk, session.number)
        version = results.question_summary(session, session.number).version
        item = version.item.public_view(
            version.stem, version.spec, results.option_rng(session, session.number)
        )
        context = {"session": session, "stage": sessions.stage_of(session), "item": item, "broadcast": True}
        html = render_to_string(PLAY + "#live-stage", context)
    else:
        html = render_to_string(PLAY + "#stage-fetch", {"session": session})
    broker.publish(session.pk, "all", broker.Event(session.seq, "stage", html))


# -- learners ---------------------------------------------------------------------------------------------


@never_cache  # a guest's page too: it holds their answers
@require_http_methods(["GET", "POST"])
def live_join(request: HtmxHttpRequest) -> HttpResponse:
    """Join a live session with its code (a QR code brings the code in the link). Signed-in learners
    join as themselves, recognised if they are in the session's class; visitors join as guests with a
    nickname when the educator allows it."""
    data = request.POST if request.method == "POST" else None
    form = LiveJoinForm(data, initial={"code": request.GET.get("code", "")[:20]})
    if form.is_valid():
        session, nickname = form.cleaned_data["code"], form.cleaned_data["nickname"]
        try:
            seat = _join(request, session, nickname)
        except sessions.CannotJoin as exc:
            form.add_error(None, str(exc))
        else:
            broker.publish(session.pk, "host", broker.Event(0, "joined", str(session.participants.count())))
            return redirect("quizzes:live-play", code=seat.session.code)
    return render(request, "quizzes/live_join.html", {"form": form})


def _join(request: HtmxHttpRequest, session: LiveSession, nickname: str) -> LiveParticipant:
    if request.user.is_authenticated:
        return sessions.join(session, request.user, nickname=nickname)
    seats = request.session.get(GUEST_SEATS, {})
    if isinstance(seats.get(str(session.code)), int):  # this browser already holds a seat: keep it
        seat = session.participants.filter(pk=seats[str(session.code)], is_guest=True).first()
        if seat is not None:
            return seat
    seat = sessions.join_as_guest(session, nickname)
    request.session[GUEST_SEATS] = {**seats, str(session.code): seat.pk}
    return seat


def _seat(request: HtmxHttpRequest, code) -> LiveParticipant:
    return get_live_seat_for(request.user, request.session.get(GUEST_SEATS, {}), code)


@never_cache  # a guest's page too: it holds their answers
@require_GET
@vary_on_headers("HX-Request")
def live_play(request: HtmxHttpRequest, code) -> HttpResponse:
    """The learner's page: where the session is, from their side (waiting, the open question, their
    answer, their verdict at the reveal, their score at the end)."""
    seat = _seat(request, code)
    session = seat.session
    if sessions.end_if_idle(session):
        _publish_stage(session)
    return _render_play(request, seat)


@never_cache  # a guest's page too: it holds their answers
@require_POST
def live_answer(request: HtmxHttpRequest, code) -> HttpResponse:
    """The learner's answer to the open question (its number in `question`: an item's own fields may
    be called `number`, as a numeric item's answer box is). A retried POST is not counted twice.
    A whole class sends theirs within seconds: this path reads what it needs in one query (the seat,
    session and attempt), stores the answer, and counts it in Redis without a query (_publish_count)."""
    seat = _seat(request, code)
    session = seat.session
    number = request.POST.get("question", "")
    if not (number.isascii() and number.isdigit() and len(number) <= 4):
        return _bad_request(request, "That question is not part of this session.")
    try:
        # The seat lookup just read the session (its phase and open question): no need to read it again.
        answered = sessions.answer(session, seat, int(number), request.POST, fresh=True)
    except sessions.NotAnswerable as exc:
        if not request.htmx:
            messages.error(request, str(exc))
            return redirect("quizzes:live-play", code=session.code)
        return _render_play(request, seat, error=str(exc), status=409)
    except AnswerInProgress as change:
        return _render_play(request, seat, draft=change.draft)
    except FixableAnswer as exc:
        return _render_play(request, seat, error=str(exc), draft=exc.draft)
    except InvalidAnswer as exc:
        return _bad_request(request, str(exc))
    if answered.first:
        _publish_count(session, int(number))
    if not request.htmx:
        return redirect("quizzes:live-play", code=session.code)
    return _render_play(request, seat, answered=answered.slot)


def _publish_count(session: LiveSession, number: int) -> None:
    """Tell the projector how many have answered: counted in Redis by one step per first answer (a class
    answering at once costs no count query each), else (one process, no Redis) in the database."""
    if broker.uses_redis():
        broker.count_answer(session.pk, number)
    else:
        count = sessions.answered_count(session, number)
        broker.publish(session.pk, "host", broker.Event(0, "count", str(count)))


def _render_play(
    request: HtmxHttpRequest,
    seat: LiveParticipant,
    *,
    error: str = "",
    draft=None,
    status: int = 200,
    answered: Slot | None = None,
) -> HttpResponse:
    """The learner's stage; `answered`: the slot just answered, with its version and response (saves
    reading them again)."""
    session = seat.session
    stage = sessions.stage_of(session)
    context = {
        "session": session,
        "seat": seat,
        "stage": stage,
        "error": error,
        "stream_url": _stream_url(session, "learner"),
    }
    if session.phase in (Phase.OPEN, Phase.REVEALED):
        if answered is not None and answered.number == session.number:
            slot, response = answered, answered.response
        else:
            slot, response = sessions.own_response(seat, session.number)
        context["response"] = response
        if session.phase == Phase.REVEALED:
            context["review"] = attempts.item_review(seat.attempt, slot, response)
            context["version"] = slot.version
        elif response is None or draft is not None or error or session.allow_change:
            answer = draft if draft is not None else getattr(response, "answer", None)
            context["answer"] = answer
            context["item"] = attempts.public_item(seat.attempt, slot, answer)
    elif session.phase == Phase.ENDED:
        seat.attempt.refresh_from_db()
        context["attempt"] = seat.attempt
    context["waiting"] = "item" not in context and session.phase != Phase.ENDED
    template = PLAY + "#live-stage" if request.htmx else PLAY
    return render(request, template, context, status=status)


def _bad_request(request: HtmxHttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


@require_GET
def live_stream(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The event stream when a WSGI process serves it (the dev server, the tests). In production the load
    balancer sends this path to the ASGI servers (mmnquiz.asgi), which serve it without Django."""
    found = stream.read_token(token)
    if found is None:
        return HttpResponse("No such stream.", status=404, content_type="text/plain")
    session_id, role = found
    seen = stream.seen_of(request.headers.get("Last-Event-ID"), request.GET.get("seen", ""))
    events = stream.sync_stream(session_id, role, seen, lifetime=settings.LIVE_WSGI_STREAM_SECONDS)
    response = StreamingHttpResponse(events, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response
