"""A learner's own past attempts."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.models import Attempt


@require_GET
@login_required
def attempt_list(request: HttpRequest) -> HttpResponse:
    attempts = Attempt.objects.for_user(request.user).select_related("quiz").order_by("-started_at")
    page = Paginator(attempts, 20).get_page(request.GET.get("page"))
    return render(request, "quizzes/attempt_list.html", {"page": page})
