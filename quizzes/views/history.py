"""A learner's own past attempts: the history page with its chart, and the CSV download."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from quizzes.learning import stats
from quizzes.learning.charts import score_chart
from quizzes.learning.forms import HistoryFilterForm
from quizzes.models import Attempt
from quizzes.text import csv_safe

PAGE_SIZE = 20
CHART_POINTS = 30  # the chart shows the latest attempts; the table below it pages through all of them


@require_GET
@login_required
@vary_on_headers("HX-Request")
def attempt_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None, user=request.user)
    finished = form.apply(Attempt.objects.for_user(request.user).finished()).select_related("quiz")
    page = Paginator(finished.order_by("-finished_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    latest = list(finished.order_by("-finished_at", "-pk")[:CHART_POINTS])[::-1]
    chart = score_chart([(a.finished_at, a.percent, a.quiz.title, a.mode) for a in latest])
    context = {
        "form": form,
        "page": page,
        "standings": stats.standings(page.object_list),
        "chart": chart,
        "in_progress": Attempt.objects.for_user(request.user).unfinished().select_related("quiz"),
        "query": _query_without_page(request),
    }
    template = "quizzes/attempt_list.html#history-results" if request.htmx else "quizzes/attempt_list.html"
    return render(request, template, context)


@require_GET
@login_required
def attempt_history_csv(request: HttpRequest) -> HttpResponse:
    """Every finished attempt of the learner (with the page's filters), one row each."""
    form = HistoryFilterForm(request.GET or None, user=request.user)
    attempts = form.apply(Attempt.objects.for_user(request.user).finished()).select_related("quiz")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mmn-quiz-history.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["quiz", "mode", "started", "finished", "seconds taken", "points", "max points", "percent"]
    )
    for attempt in attempts.order_by("finished_at", "pk").iterator():
        writer.writerow(
            [
                csv_safe(attempt.quiz.title),
                attempt.mode,
                attempt.started_at.isoformat(),
                attempt.finished_at.isoformat(),
                int(attempt.time_taken.total_seconds()),
                f"{attempt.points:g}",
                f"{attempt.max_points:g}",
                f"{attempt.percent:.1f}",
            ]
        )
    return response


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
