"""Taking a quiz: start, one item at a time, answer, finish, results.

Each view serves the full page, or the `#question-card` fragment when htmx asks for it, and every
step also works as a plain form POST followed by a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url
from django_htmx.middleware import HtmxDetails

from quizzes import attempts, stats
from quizzes.access import get_attempt_for, get_attempt_to_review, get_quiz_for
from quizzes.items import AnswerInProgress, FixableAnswer, InvalidAnswer
from quizzes.models import Attempt, Quiz, Response, Slot


class HtmxHttpRequest(HttpRequest):  # for type hints: the middleware adds `htmx` to every request
    htmx: HtmxDetails


ITEM_TEMPLATE = "quizzes/attempt_item.html"


@require_GET
@login_required
def quiz_list(request: HtmxHttpRequest) -> HttpResponse:
    quizzes = Quiz.objects.available().select_related("bank")
    open_attempts = {a.quiz_id: a for a in Attempt.objects.for_user(request.user).unfinished()}
    rows = [(quiz, open_attempts.get(quiz.pk)) for quiz in quizzes]
    return render(request, "quizzes/quiz_list.html", {"rows": rows})


@require_POST
@login_required
def attempt_start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_quiz_for(request.user, pk)
    try:
        attempt = attempts.start_attempt(request.user, quiz)
    except attempts.QuizUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:quiz-list")
    return redirect(attempt)


@require_GET
@login_required
def attempt_detail(request: HtmxHttpRequest, code) -> HttpResponse:
    """Send the learner to where the attempt stands: the next unanswered item, the finish step or results."""
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    answered = set(Response.objects.filter(slot__attempt=attempt).values_list("slot__number", flat=True))
    number = attempts.next_slot_number(attempt, answered)
    if number is None:
        return redirect("quizzes:attempt-finish", code=attempt.code)
    return redirect("quizzes:attempt-item", code=attempt.code, number=number)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def attempt_item(request: HtmxHttpRequest, code, number: int) -> HttpResponse:
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    slot = get_object_or_404(_slots(attempt), number=number)
    return _render_item(request, attempt, slot)


@require_POST
@login_required
def attempt_answer(request: HtmxHttpRequest, code) -> HttpResponse:
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    number = _slot_number(request.POST.get("slot", ""), attempt)
    if number is None:
        return _bad_request(request, "That question is not part of this attempt.")
    try:
        slot = attempts.record_answer(attempt, number, request.POST)
    except AnswerInProgress as change:  # e.g. a step moved up: show the answer so far, record nothing
        slot = _slots(attempt).get(number=number)
        return _render_item(request, attempt, slot, draft=change.draft, focus=change.focus)
    except FixableAnswer as exc:
        slot = _slots(attempt).get(number=number)
        return _render_item(request, attempt, slot, error=str(exc), draft=exc.draft)
    except InvalidAnswer as exc:
        return _bad_request(request, str(exc))
    except attempts.AttemptClosed as exc:
        messages.error(request, str(exc))
        return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))

    if not attempt.is_exam:  # practice: show the feedback for this item, from the response just stored
        if not request.htmx:
            return redirect("quizzes:attempt-item", code=attempt.code, number=number)
        return _render_item(request, attempt, slot)
    # exam: record silently and move on to the next item, or to the finish step after the last one
    if number == attempt.slot_count:
        return _leave(request, reverse("quizzes:attempt-finish", args=[attempt.code]))
    next_url = reverse("quizzes:attempt-item", args=[attempt.code, number + 1])
    if not request.htmx:
        return HttpResponseRedirect(next_url)
    return push_url(_render_item(request, attempt, _slots(attempt).get(number=number + 1)), next_url)


@require_http_methods(["GET", "POST"])
@login_required
def attempt_finish(request: HtmxHttpRequest, code) -> HttpResponse:
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    if request.method == "POST":
        attempts.finish_attempt(attempt)
        return redirect("quizzes:attempt-result", code=attempt.code)
    answered = set(Response.objects.filter(slot__attempt=attempt).values_list("slot__number", flat=True))
    unanswered = [n for n in range(1, attempt.slot_count + 1) if n not in answered]
    return render(
        request,
        "quizzes/attempt_finish.html",
        {"attempt": attempt, "answered": len(answered), "unanswered": unanswered},
    )


@require_GET
@login_required
def attempt_result(request: HtmxHttpRequest, code) -> HttpResponse:
    # The learner's own attempt, or one their educator may review (see get_attempt_to_review).
    attempt = get_attempt_to_review(request.user, code)
    attempts.close_if_expired(attempt)
    if not attempt.is_finished:  # the review shows the key: never before the attempt is over
        return redirect(attempt)
    items, topics = attempts.results(attempt)
    standing = stats.standings([attempt])[attempt.pk]
    context = {
        "attempt": attempt,
        "items": items,
        "topics": topics,
        "standing": standing,
        "own": attempt.user_id == request.user.pk,
    }
    return render(request, "quizzes/attempt_result.html", context)


# -- helpers ------------------------------------------------------------------------------------------


def _slots(attempt: Attempt):
    return Slot.objects.filter(attempt=attempt).select_related("version", "response")


def _slot_number(value: str, attempt: Attempt) -> int | None:
    # ASCII digits only and short: int() would also take "١" or 5,000 digits (and then raise).
    if not (value.isascii() and value.isdigit() and len(value) <= 4):
        return None
    return int(value) if 1 <= int(value) <= attempt.slot_count else None


def _closed(request: HtmxHttpRequest, attempt: Attempt) -> HttpResponse | None:
    """A finished (or just expired) attempt only has its results left to show."""
    was_open = not attempt.is_finished
    if not attempts.close_if_expired(attempt, now=timezone.now()):
        return None
    if was_open:
        messages.warning(request, "Time is up: your exam was submitted with the answers you had given.")
    return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))


def _leave(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Go to another page: a real redirect, or a full-page one for htmx rather than a swap."""
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _bad_request(request: HtmxHttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _render_item(
    request: HtmxHttpRequest, attempt: Attempt, slot: Slot, *, error: str = "", draft=None, focus: str = ""
) -> HttpResponse:
    """The item, or in practice once answered its feedback. `draft` is an answer being built or sent back
    with an error; `focus` the control that keeps the keyboard focus (else the heading takes it)."""
    response = getattr(slot, "response", None)
    context = {
        "attempt": attempt,
        "number": slot.number,
        "error": error,
        "focus": focus,
        "next_number": slot.number + 1 if slot.number < attempt.slot_count else None,
        "time_left": attempt.deadline - timezone.now() if attempt.deadline else None,
    }
    if response is not None and not attempt.is_exam:
        # Practice, answered: now, and only now, the key, rationales and explanation.
        context["review"] = attempts.item_review(attempt, slot, response)
        context["version"] = slot.version
    else:
        answer = draft if draft is not None or error or focus else getattr(response, "answer", None)
        context["answer"] = answer
        context["item"] = attempts.public_item(attempt, slot, answer)
    template = ITEM_TEMPLATE + "#question-card" if request.htmx else ITEM_TEMPLATE
    return render(request, template, context)
