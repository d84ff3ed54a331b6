"""Request-wide rules that no single view should have to remember."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views import defaults

from quizzes.accounts.profiles import chosen_zone

logger = logging.getLogger("django.request")


def private_pages(get_response):
    """Nothing sent to a signed-in user is kept by a browser's or a proxy's cache: results and reviews show
    answer keys, and a shared computer's back button or a caching proxy must not show them to the next
    person. Static files are served before this (whitenoise) and stay cacheable."""

    def middleware(request):
        response = get_response(request)
        # A response may say it is safe to keep privately (quizzes.views.media: an image named by its
        # content hash, which only the person allowed to see it fetched).
        if request.user.is_authenticated and not getattr(response, "keep_private_cache", False):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def time_zone(get_response):
    """Show times, and read the times typed into forms, in the user's own time zone (see
    quizzes.accounts.profiles); the database keeps UTC whatever is shown."""

    def middleware(request):
        zone = chosen_zone(request.session, request.COOKIES)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


class DesignedErrorPages:
    """Under DEBUG Django answers a 404 or a crash with its technical pages; with DESIGNED_ERROR_PAGES on
    (to see and test them while developing) it answers with the app's own 400, 403, 404 and 500 pages, as
    production does. Off, or with DEBUG off, this changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def on(self) -> bool:
        return settings.DEBUG and settings.DESIGNED_ERROR_PAGES

    def __call__(self, request):
        response = self.get_response(request)
        # A URL that matched nothing never reaches a view (nor process_exception): Django's technical 404.
        if response.status_code == 404 and self.on() and getattr(request, "resolver_match", None) is None:
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not self.on():
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return defaults.bad_request(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return defaults.server_error(request)
