"""Sign-up. Log-in, log-out and password change are Django's own views (see urls_accounts)."""

from django.contrib.auth import login
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes.demo import LEARNERS
from quizzes.forms import SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("quizzes:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.groups.add(Group.objects.get_or_create(name=LEARNERS)[0])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("quizzes:home")
    return render(request, "registration/signup.html", {"form": form})
