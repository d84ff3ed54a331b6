"""A user's profile (name, e-mail, time zone) and the time zone each request is shown in.

Times are stored in UTC and shown, and typed into forms, in the user's time zone: the one chosen on their
profile, else their browser's (app.js keeps it in the `tz` cookie), else the site's TIME_ZONE. The chosen
zone is copied into the session at log-in and on saving the profile, so finding it costs no query.
"""

import zoneinfo
from functools import cache
from urllib.parse import unquote

from django.contrib.auth import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from ..models import Profile

SESSION_KEY = "time_zone"
COOKIE = "tz"


@cache
def time_zones() -> list[str]:
    """Every IANA time zone name Python knows, sorted."""
    return sorted(zoneinfo.available_timezones())


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The time zone called `name`, or None for anything that is not one (an empty or forged value)."""
    name = unquote(name or "")
    if not name or len(name) > 64 or name not in time_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def chosen_zone(session, cookies) -> zoneinfo.ZoneInfo | None:
    """The zone a request is shown in: the profile's (from the session), else the browser's cookie."""
    return zone_named(session.get(SESSION_KEY, "")) or zone_named(cookies.get(COOKIE, ""))


def profile_of(user) -> Profile:
    """The user's profile, unsaved (with the defaults) until they first save it."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def save_profile(user, *, first_name: str, last_name: str, email: str, time_zone: str, session) -> None:
    """Save the user's name and e-mail (on the User) and time zone (on the Profile)."""
    with transaction.atomic():
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.save(update_fields=["first_name", "last_name", "email"])
        Profile.objects.update_or_create(user=user, defaults={"time_zone": time_zone})
    session[SESSION_KEY] = time_zone


@receiver(user_logged_in)
def remember_time_zone(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        zone = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
        request.session[SESSION_KEY] = zone or ""
