"""Review my mistakes: the due cards one at a time, practice-style, each rescheduled by FSRS."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from quizzes.accounts.access import get_card_for
from quizzes.items import AnswerInProgress, FixableAnswer, InvalidAnswer
from quizzes.learning import review_queue
from quizzes.models import Question, Review, ReviewCard
from quizzes.sources.quotes import attach_cited

TEMPLATE = "quizzes/review_session.html"


@require_GET
@login_required
@vary_on_headers("HX-Request")
def review_next(request: HttpRequest) -> HttpResponse:
    """The most overdue card as a question, or, when nothing is due, when the next review is."""
    card = review_queue.next_due(request.user, timezone.now())
    return _render_question(request, card)


@require_POST
@login_required
def review_answer(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_card_for(request.user, pk)
    round_text = request.POST.get("round", "")
    if not (round_text.isascii() and round_text.isdigit() and len(round_text) <= 9):
        return _bad_request(request, "That review could not be read.")
    try:
        outcome = review_queue.review_answer(card, request.POST, int(round_text))
    except AnswerInProgress as change:  # e.g. a step moved up: show the answer so far, record nothing
        return _render_question(request, card, draft=change.draft, focus=change.focus)
    except FixableAnswer as exc:
        return _render_question(request, card, error=str(exc), draft=exc.draft)
    except (InvalidAnswer, review_queue.NotReviewable) as exc:
        return _bad_request(request, str(exc))
    except review_queue.AlreadyReviewed:
        url = reverse("quizzes:review-result", args=[card.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if not request.htmx:
        return redirect("quizzes:review-result", pk=card.pk)
    return _render_feedback(request, outcome.card, outcome.version, outcome.review)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def review_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The feedback of the card's latest review: where a review answer posted without JavaScript lands."""
    card = get_card_for(request.user, pk)
    try:  # the feedback shows the key: not while the question is in an exam under way
        review_queue.check_reviewable(card, timezone.now(), answering=False)
    except review_queue.NotReviewable as exc:
        return _bad_request(request, str(exc))
    last = card.reviews.filter(source=Review.Source.REVIEW).select_related("version").first()
    if last is None:
        return redirect("quizzes:review-next")
    shown_round = ReviewCard(pk=card.pk, review_count=card.review_count - 1)
    review = last.version.item.review(last.version.spec, last.answer, shown_round.option_rng())
    return _render_feedback(request, card, last.version, review)


def _queue_status(request: HttpRequest) -> dict:
    now = timezone.now()
    cards = ReviewCard.objects.for_user(request.user)
    return {
        "due_count": review_queue.due_cards(request.user, now).count(),
        "held_back": review_queue.held_back(request.user, now),
        "next_due": cards.filter(question__status=Question.Status.ACTIVE)
        .order_by("due")
        .values_list("due", flat=True)
        .first(),
        "queue_size": cards.count(),
    }


def _render_question(
    request: HttpRequest, card: ReviewCard | None, *, error: str = "", draft=None, focus: str = ""
) -> HttpResponse:
    context = {"card": card, "error": error, "answer": draft, "focus": focus, **_queue_status(request)}
    if card is not None:
        context["item"] = review_queue.public_item(card, draft)
    return render(request, TEMPLATE + "#review-card" if request.htmx else TEMPLATE, context)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _render_feedback(request: HttpRequest, card: ReviewCard, version, review) -> HttpResponse:
    attach_cited([version])
    context = {"card": card, "version": version, "review": review, **_queue_status(request)}
    return render(request, TEMPLATE + "#review-card" if request.htmx else TEMPLATE, context)
