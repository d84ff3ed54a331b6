"""Promoting learners to educators: a superuser or an educator may; sign-up never does."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from quizzes.accounts.forms import UserSearchForm
from quizzes.accounts.permissions import educator_required, promote_to_educator
from quizzes.demo import EDUCATORS
from quizzes.views.taking import HtmxHttpRequest

USERS_PER_PAGE = 25


@require_GET
@educator_required
def educator_list(request: HtmxHttpRequest) -> HttpResponse:
    """Users by username, each an educator already or with a "Make educator" button."""
    form = UserSearchForm(request.GET)
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        users = users.filter(username__icontains=form.cleaned_data["q"])
    users = users.annotate(
        in_educators=Exists(Group.objects.filter(name=EDUCATORS, user=OuterRef("pk")))
    ).only("username", "is_superuser")
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quizzes/educator_list.html", {"form": form, "page": page})


@require_POST
@educator_required
def educator_promote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    if promote_to_educator(user, by=request.user):
        messages.success(
            request,
            f"{user.get_username()} is now an educator. They see the Author link after their next log-in.",
        )
    else:
        messages.info(request, f"{user.get_username()} is already an educator.")
    search = request.POST.get("q", "")  # back to the same search
    return redirect(reverse("quizzes:educator-list") + (f"?{urlencode({'q': search})}" if search else ""))
