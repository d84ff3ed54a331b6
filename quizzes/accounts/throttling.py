"""Who is asking, and how often: the client's address, failed log-ins per address, sign-ups per address.

Behind a load balancer every request arrives from the balancer's address, so the client's own address is
read from X-Forwarded-For, but only when settings.TRUSTED_PROXIES says how many proxies append to it:
each trusted proxy appends the address it received the request from, and everything to the left of
those entries came from the client, who can write anything there.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest

SIGNUP_WINDOW = 3600  # seconds; the hour runs from the address's first sign-up attempt


def forwarded_address(remote_addr: str | None, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client's address: the entry the outermost of `trusted_proxies` proxies appended to
    X-Forwarded-For, or the connection's own address when there are none or that entry is not an address."""
    if trusted_proxies > 0:
        hops = [hop.strip() for hop in forwarded_for.split(",")]
        if len(hops) >= trusted_proxies:
            try:
                return str(ipaddress.ip_address(hops[-trusted_proxies]))
            except ValueError:
                pass  # a misconfigured proxy chain: the connection's address is all we know
    return remote_addr


def client_address(request: HttpRequest) -> str | None:
    """The client's address for throttling (django-axes' AXES_CLIENT_IP_CALLABLE, and sign-up's)."""
    return forwarded_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )


class AxesHandler(AxesDatabaseHandler):
    """django-axes' records, with two locks instead of one.

    Axes locks a (username, address) pair after AXES_FAILURE_LIMIT failures, so nobody can lock an account
    for anyone else: its owner still logs in from any address that has not failed. That alone would let
    one address try one password on every account, so an address is also locked after
    LOGIN_ADDRESS_FAILURE_LIMIT failures across usernames (set high enough for a classroom behind one NAT).
    Both locks end AXES_COOLOFF_TIME after the last failure that counted.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or (
            self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )

    def address_failures(self, request) -> int:
        failures = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))
        return failures["total"] or 0


def _signup_key(address: str | None) -> str:
    return f"signup-attempts:{address}"


def note_signup_attempt(address: str | None) -> bool:
    """Count a sign-up attempt from this address; False when the address has used up its hour.

    Every attempt counts, not only successful ones: "that username is taken" tells which usernames
    exist, and this limit is what keeps anyone from asking about many. The count lives in the shared
    cache (Redis in production), and add + incr are atomic there, so app servers share one count.
    """
    key = _signup_key(address)
    cache.add(key, 0, timeout=SIGNUP_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=SIGNUP_WINDOW)
        count = 1
    return count <= settings.SIGNUPS_PER_HOUR
