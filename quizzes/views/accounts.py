"""Sign-up, log-in and the profile. Log-out, password change and password reset are Django's own views
(see urls_accounts)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes.accounts import profiles, throttling
from quizzes.accounts.forms import LogInForm, ProfileForm, ResetForm, SignUpForm
from quizzes.accounts.permissions import is_educator
from quizzes.demo import LEARNERS

# Django's view with our form; django-axes (its backend and middleware) throttles the failures.
log_in = auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LogInForm)

# Django's password reset, with the address checked as every text the site takes is (quizzes.validators).
password_reset = auth_views.PasswordResetView.as_view(form_class=ResetForm)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("quizzes:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        # Counted before the form is validated: a refused attempt says nothing about which usernames exist.
        if not throttling.note_signup_attempt(throttling.client_address(request)):
            context = {"form": SignUpForm(), "throttled": True}
            return render(request, "registration/signup.html", context, status=429)
        if form.is_valid():
            with transaction.atomic():
                user = form.save()
                user.groups.add(Group.objects.get_or_create(name=LEARNERS)[0])
            login(request, user, backend="quizzes.accounts.backends.CachedModelBackend")
            return redirect("quizzes:home")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    saved = profiles.profile_of(user)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "time_zone": saved.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial, email_required=is_educator(user))
    if request.method == "POST" and form.is_valid():
        profiles.save_profile(user, session=request.session, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})
