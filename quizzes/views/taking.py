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

from quizzes.accounts.access import get_attempt_for, get_attempt_to_review, get_quiz_for
from quizzes.items import AnswerInProgress, FixableAnswer, InvalidAnswer
from quizzes.learning import stats
from quizzes.models import Attempt, Confidence, Quiz, Slot
from quizzes.sources.quotes import attach_cited
from quizzes.taking import attempts, practice, timing
from quizzes.taking.answers import read_answer
from quizzes.text import without_indentation


class HtmxHttpRequest(HttpRequest):  # for type hints: the middleware adds `htmx` to every request
    htmx: HtmxDetails


ITEM_TEMPLATE = "quizzes/attempt_item.html"


@require_GET
@login_required
def quiz_list(request: HtmxHttpRequest) -> HttpResponse:
    quizzes = Quiz.objects.available().authored().visible_to(request.user).select_related("bank")
    open_attempts = {a.quiz_id: a for a in Attempt.objects.for_user(request.user).unfinished()}
    rows = [(quiz, open_attempts.get(quiz.pk)) for quiz in quizzes]
    return render(request, "quizzes/quiz_list.html", {"rows": rows})


@require_GET
@login_required
def quiz_start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The exam's front door: the rules (with the learner's accommodations) and a button that starts
    the clock. Nothing is written until that button is pressed."""
    quiz = get_quiz_for(request.user, pk)
    return render(request, "quizzes/quiz_start.html", {"rules": attempts.start_rules(request.user, quiz)})


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
    number = attempts.next_slot_number(attempts.slot_states(attempt))
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
    try:
        attempts.check_reachable(attempt, number)
    except attempts.OutOfSequence as exc:
        return _bad_request(request, str(exc))
    return _render_item(request, attempt, slot)


# Buttons inside the answer form that mark the item rather than answer it (see _mark).
MARKS = ("flag", "strike", "restore")


@require_GET
@login_required
def attempt_leave(request: HtmxHttpRequest, code) -> HttpResponse:
    """Asks before leaving an exam (the page the "Leave the exam" link opens without JavaScript): the
    answers are kept and the clock goes on. Leaving itself is only following a link."""
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    context = {
        "attempt": attempt,
        "time_left": attempt.deadline - timezone.now() if attempt.deadline else None,
    }
    return render(request, "quizzes/attempt_leave.html", context)


@require_POST
@login_required
def attempt_answer(request: HtmxHttpRequest, code) -> HttpResponse:
    """Save the answer to the item named by `slot`; or, when the form was sent by one of its MARKS
    buttons, flag the item or strike out an option instead."""
    sent = timezone.now()  # when the answer arrived, before any wait: it counts only if by the deadline
    marking = any(mark in request.POST for mark in MARKS)
    if marking and (number := _posted_number(request.POST)):
        try:
            mark = attempts.Mark.posted(request.POST)
        except InvalidAnswer:
            mark = None  # the usual way below says why
        marked = mark and attempts.mark_in_one_read(request.user, code, number, mark)
        if marked:
            return _marked(request, *marked, mark)
    if not marking and (number := _posted_number(request.POST)):
        try:
            step = attempts.answer_in_one_read(
                request.user,
                code,
                number,
                request.POST,
                sent=sent,
                shown=request.POST.get("shown", ""),
            )
        except (InvalidAnswer, attempts.OutOfSequence, attempts.AttemptClosed):
            step = None  # nothing was saved: the usual way below reads the attempt again and says why
        if step is not None and step.unsaved is not None:
            return _unsaved(request, step.attempt, step.slot, step.unsaved)
        if step is not None:
            return _answered(request, step.attempt, step.slot, step.following)
    # The usual way: anything but a plain answer to an attempt under way (marks, a form error, a closed
    # attempt, another learner's code), one lookup at a time.
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    number = _slot_number(request.POST.get("slot", ""), attempt)
    if number is None:
        return _bad_request(request, "That question is not part of this attempt.")
    if any(mark in request.POST for mark in MARKS):
        return _mark(request, attempt, number)
    try:
        slot = attempts.record_answer(
            attempt, number, request.POST, sent=sent, seconds=_seconds(request, attempt, number)
        )
    except (AnswerInProgress, FixableAnswer) as unsaved:
        return _unsaved(request, attempt, _slots(attempt).get(number=number), unsaved)
    except (InvalidAnswer, attempts.OutOfSequence) as exc:
        return _bad_request(request, str(exc))
    except attempts.AttemptClosed as exc:
        messages.error(request, str(exc))
        return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))
    following = None
    if attempt.is_exam and request.htmx and number < attempt.slot_count:
        following = _slots(attempt).get(number=number + 1)
    return _answered(request, attempt, slot, following)


def _answered(request: HtmxHttpRequest, attempt: Attempt, slot: Slot, following: Slot | None) -> HttpResponse:
    """After an answer was saved to `slot`: practice shows its feedback; an exam moves on to the next item
    (`following`, loaded with its version and response), or to the finish step after the last one."""
    number = slot.number
    if not attempt.is_exam:  # practice: show the feedback for this item, from the response just stored
        if not request.htmx:
            return redirect("quizzes:attempt-item", code=attempt.code, number=number)
        return _render_item(request, attempt, slot)
    if number == attempt.slot_count:
        return _leave(request, reverse("quizzes:attempt-finish", args=[attempt.code]))
    next_url = reverse("quizzes:attempt-item", args=[attempt.code, number + 1])
    if not request.htmx:
        return HttpResponseRedirect(next_url)
    return push_url(_render_item(request, attempt, following, changed=slot), next_url)


def _mark(request: HtmxHttpRequest, attempt: Attempt, number: int) -> HttpResponse:
    """Flag the item (`flag` on/off), or rule an option out or back in (`strike`/`restore`, its id).

    The item comes back with the answer being built, as the form sent it (nothing is answered), the
    same `shown` stamp (the same showing goes on) and the pressed control keeping the focus. Without
    htmx too: a redirect would lose the answer being built, and a repeated POST changes nothing (flag
    on/off, strike/restore), so the page comes straight back rather than after a redirect.
    """
    try:
        attempts.check_reachable(attempt, number)  # before reading the form: nothing of an item not reached
        mark = attempts.Mark.posted(request.POST)
        if mark.kind == "flag":
            attempts.set_flag(attempt, number, mark.value == "on")
        else:
            attempts.strike_option(attempt, number, mark.value, mark.kind == "strike")
    except (InvalidAnswer, attempts.OutOfSequence) as exc:
        return _bad_request(request, str(exc))
    except attempts.AttemptClosed as exc:
        messages.error(request, str(exc))
        return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))
    return _marked(request, attempt, _slots(attempt).get(number=number), mark)  # the marks as now stored


def _marked(request: HtmxHttpRequest, attempt: Attempt, slot: Slot, mark: attempts.Mark) -> HttpResponse:
    """The item again after a mark, with the answer being built and the pressed control focused."""
    data = request.POST
    focus = "flag" if mark.kind == "flag" else f"strike:{mark.value}"
    shown = data.get("shown", "")
    shown = shown if timing.is_stamp_for(shown, attempt.pk, slot.number) else None
    return _render_item(
        request, attempt, slot, draft=_draft(slot, data), focus=focus, shown=shown, changed=slot
    )


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def attempt_finish(request: HtmxHttpRequest, code) -> HttpResponse:
    """Review before submitting: the navigator, the unanswered and flagged items, and the submit button.
    Submitting with unanswered items asks first; the POST that confirms carries `confirm`."""
    attempt = get_attempt_for(request.user, code)
    if closed := _closed(request, attempt):
        return closed
    states = attempts.slot_states(attempt)
    unanswered = [s.number for s in states if not s.answered]
    if request.method == "POST" and (not unanswered or request.POST.get("confirm") == "yes"):
        attempts.finish_attempt(attempt)
        return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))
    context = {
        "attempt": attempt,
        "states": states,
        "answered": len(states) - len(unanswered),
        "unanswered": unanswered,
        "flagged": [s.number for s in states if s.flagged],
        # In a sequential attempt only the item reached can be opened again.
        "reachable": None if not attempt.sequential else len(states) - len(unanswered) + 1,
        "confirming": request.method == "POST",
        "time_left": attempt.deadline - timezone.now() if attempt.deadline else None,
        "closes": attempts.deadline_is_the_close(attempt),
    }
    template = "quizzes/attempt_finish.html"
    return render(request, template + "#submit-panel" if request.htmx else template, context)


@require_GET
@login_required
def attempt_result(request: HtmxHttpRequest, code) -> HttpResponse:
    # The learner's own attempt, or one their educator may review (see get_attempt_to_review).
    attempt = get_attempt_to_review(request.user, code)
    attempts.close_if_expired(attempt)
    if not attempt.is_finished:  # the review shows the key: never before the attempt is over
        return redirect(attempt)
    results = attempts.results(attempt)
    attach_cited([item.slot.version for item in results.items])
    standing = stats.standings([attempt])[attempt.pk]
    own = attempt.user_id == request.user.pk
    # ?show=missed: only the questions answered wrong, partly right or not at all
    missed_only = request.GET.get("show") == "missed"
    missed = attempts.missed_question_ids(results)
    context = {
        "attempt": attempt,
        "results": results,
        "items": [r for r in results.items if not r.grade.is_correct] if missed_only else results.items,
        "missed_only": missed_only,
        "missed": len(missed),
        "topics": results.topics,
        "standing": standing,
        "own": own,
        "try_again": own and attempts.can_try_again(request.user, attempt.quiz, timezone.now()),
    }
    return render(request, "quizzes/attempt_result.html", context)


@require_POST
@login_required
def attempt_practice(request: HtmxHttpRequest, code) -> HttpResponse:
    """ "Practice these": a practice quiz of exactly the questions the learner missed in their finished
    attempt, theirs alone (quizzes.taking.practice), and its attempt starts. Another learner's attempt
    is a 404."""
    attempt = get_object_or_404(
        Attempt.objects.finished().for_user(request.user).select_related("quiz", "user"), code=code
    )
    try:
        started = practice.practice_missed(attempt)
    except practice.NothingMissed as exc:
        messages.info(request, str(exc))
        return redirect("quizzes:attempt-result", code=attempt.code)
    except attempts.QuizUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:attempt-result", code=attempt.code)
    return redirect(started)


# -- helpers ------------------------------------------------------------------------------------------


def _slots(attempt: Attempt):
    return Slot.objects.filter(attempt=attempt).select_related("version", "response")


def _posted_number(data) -> int | None:
    """The posted `slot`, if it can be a slot's number at all (the attempt's own count is checked later)."""
    value = data.get("slot", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) >= 1 else None


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
        ended = (
            "the quiz closed, and your attempt" if attempts.deadline_is_the_close(attempt) else "your exam"
        )
        messages.warning(request, f"Time is up: {ended} was submitted with the answers you had given.")
    return _leave(request, reverse("quizzes:attempt-result", args=[attempt.code]))


def _leave(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Go to another page: a real redirect, or a full-page one for htmx rather than a swap."""
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _bad_request(request: HtmxHttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _seconds(request: HtmxHttpRequest, attempt: Attempt, number: int) -> int:
    """Time on the item since the form was shown (its signed `shown` stamp)."""
    return timing.seconds_since(request.POST.get("shown", ""), attempt.pk, number, timezone.now())


def _draft(slot: Slot, data):
    """The answer being built in a posted form, as far as it goes (None when nothing usable was sent)."""
    try:
        return read_answer(slot.version, data)
    except AnswerInProgress as change:
        return change.draft
    except FixableAnswer as exc:
        return exc.draft
    except InvalidAnswer:
        return None


def _unsaved(
    request: HtmxHttpRequest, attempt: Attempt, slot: Slot, unsaved: AnswerInProgress | FixableAnswer
) -> HttpResponse:
    """The item once more after an answer that was not recorded: a step moved (the answer so far, the
    focus on the control pressed) or a form error (with the answer as sent)."""
    if isinstance(unsaved, AnswerInProgress):
        return _render_item(request, attempt, slot, draft=unsaved.draft, focus=unsaved.focus)
    return _render_item(request, attempt, slot, error=str(unsaved), draft=unsaved.draft)


def _render_item(
    request: HtmxHttpRequest,
    attempt: Attempt,
    slot: Slot,
    *,
    error: str = "",
    draft=None,
    focus: str = "",
    shown: str | None = None,
    changed: Slot | None = None,
) -> HttpResponse:
    """The item, or in practice once answered its feedback. `draft` is an answer being built or sent
    back with an error; `focus` the control that keeps the keyboard focus (else the heading takes it);
    `shown` the stamp of the item's showing, when it goes on.

    An exam shows its navigator: whole on a page (one query), and after an htmx step only the entry of
    the item the step `changed` (answered or flagged), swapped out of band."""
    response = getattr(slot, "response", None)
    now = timezone.now()
    navigator = attempt.is_exam and not attempt.sequential
    context = {
        "attempt": attempt,
        "slot": slot,
        "number": slot.number,
        "error": error,
        "focus": focus,
        "next_number": slot.number + 1 if slot.number < attempt.slot_count else None,
        "time_left": attempt.deadline - now if attempt.deadline else None,
        "closes": attempts.deadline_is_the_close(attempt),
        "states": attempts.slot_states(attempt) if navigator and not request.htmx else None,
        "changed": [attempts.SlotState.of(changed)] if navigator and request.htmx and changed else [],
        "shown": shown or timing.shown_stamp(attempt.pk, slot.number, now),
    }
    if response is not None and not attempt.is_exam:
        # Practice, answered: now, and only now, the key, rationales and explanation.
        context["review"] = attempts.item_review(attempt, slot, response)
        context["version"] = slot.version
        attach_cited([slot.version])
    else:
        answering = draft is not None or error or focus
        answer = draft if answering else getattr(response, "answer", None)
        context["answer"] = answer
        context["item"] = attempts.public_item(attempt, slot, answer)
        context["confidence"] = (
            _posted_confidence(request) if answering else getattr(response, "confidence", "")
        )
        context["confidences"] = Confidence.choices
        context["struck"] = slot.struck
    if not request.htmx:
        return render(request, ITEM_TEMPLATE, context)
    # The swap is sent after every answer: without the template's indentation (about 250 bytes of 5 KB).
    response = render(request, ITEM_TEMPLATE + "#question-card", context)
    response.content = without_indentation(response.content.decode())
    return response


def _posted_confidence(request: HtmxHttpRequest) -> str:
    value = request.POST.get("confidence", "")
    return value if value in Confidence.values else ""
