"""The home page after log-in (a learner's dashboard, an educator's classes) and topic mastery."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes.accounts.permissions import SESSION_KEY, classes_for, is_educator
from quizzes.learning import stats
from quizzes.models import Attempt, Bank, Question, Quiz, ReviewCard
from quizzes.teaching import overview


def _published_banks():
    return Bank.objects.filter(is_published=True).order_by("title")


def topic_quizzes(user, banks) -> dict[int, Quiz]:
    """The practice quiz the user may take on each topic that has one (a quiz on that topic alone).
    One query."""
    quizzes = (
        Quiz.objects.available()
        .authored()
        .visible_to(user)
        .filter(mode=Quiz.Mode.PRACTICE, bank__in=banks)
        .annotate(topic_count=Count("topics"), topic_id=Min("topics__id"))
        .filter(topic_count=1)
        .order_by("position", "pk")
    )
    found: dict[int, Quiz] = {}
    for quiz in quizzes:
        found.setdefault(quiz.topic_id, quiz)
    return found


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A learner's dashboard; an educator's overview of their classes."""
    now = timezone.now()
    # The session's hint (set at log-in) spares learners a query; an educator is checked again.
    if request.session.get(SESSION_KEY) and is_educator(request.user):
        context = {
            "overview": overview.educator_overview(classes_for(request.user), now, request.user),
            "week": overview.WEEK,
        }
        return render(request, "quizzes/educator_home.html", context)
    cards = ReviewCard.objects.for_user(request.user)
    due = cards.due(now).aggregate(
        count=Count("pk"), misconceptions=Count("pk", filter=Q(confidently_wrong=True))
    )
    due_count = due["count"]
    banks = list(_published_banks())
    masteries = stats.mastery(request.user, banks)
    suggestion = stats.weakest([m for topics in masteries.values() for m in topics])
    context = {
        "due_count": due_count,
        "misconceptions_due": due["misconceptions"],
        "next_due": None
        if due_count
        else cards.filter(question__status=Question.Status.ACTIVE)
        .order_by("due")
        .values_list("due", flat=True)
        .first(),
        "in_progress": Attempt.objects.for_user(request.user).unfinished().select_related("quiz"),
        "recent": Attempt.objects.for_user(request.user)
        .finished()
        .select_related("quiz")
        .order_by("-finished_at")[:5],
        "suggestion": suggestion,
        "suggested_quiz": topic_quizzes(request.user, banks).get(suggestion.topic.pk) if suggestion else None,
    }
    # "Welcome back" only to someone who has been here before: with a quiz under way or finished. Asking
    # the two lists now costs nothing more, as the page shows them from the same results.
    context["returning"] = bool(context["in_progress"]) or bool(context["recent"])
    return render(request, "quizzes/home.html", context)


@require_GET
@login_required
def mastery(request: HttpRequest) -> HttpResponse:
    banks = list(_published_banks())
    quizzes = topic_quizzes(request.user, banks)
    rows = [
        (bank, [(m, quizzes.get(m.topic.pk)) for m in topics])
        for bank, topics in stats.mastery(request.user, banks).items()
    ]
    by_tag = stats.mastery_by_tag(request.user, banks)
    tags = [(title, by_tag[name]) for name, (title, _) in stats.TAGS.items()]
    context = {"banks": rows, "recent_answers": stats.RECENT_ANSWERS, "tags": tags}
    return render(request, "quizzes/mastery.html", context)
