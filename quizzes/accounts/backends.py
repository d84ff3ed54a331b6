"""The signed-in user of each request, from the shared cache rather than the database.

Django's AuthenticationMiddleware loads the user on every request that touches `request.user` (nearly all):
one query each time. CachedModelBackend keeps the user in the cache (Redis in production, shared by every
app server) for settings.USER_CACHE_SECONDS (0, no caching, when the cache is not shared by every process),
and any save or delete of the user drops it, so a password change, a deactivation or a new name is seen by
the next request on any server. Django still checks the session's auth hash against the (cached) user's
password on each request: a changed password still ends the other sessions. A queryset `update()` sends no
signal: none is made to users in this app.
"""

import copy

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


def _key(user_id) -> str:
    return f"auth-user:{user_id}"


class CachedModelBackend(ModelBackend):
    """ModelBackend whose get_user (the per-request lookup) reads the cache first."""

    def get_user(self, user_id):
        if not settings.USER_CACHE_SECONDS:
            return super().get_user(user_id)
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)  # None for an unknown or inactive user: not cached
            if user is not None:
                cache.set(key, user, settings.USER_CACHE_SECONDS)
        return user


def forget_user(user_id) -> None:
    cache.delete(_key(user_id))


@receiver(user_logged_in)
def _remember_at_log_in(sender, request, user, **kwargs) -> None:
    """The first request after a log-in finds the user in the cache too (the log-in itself saved it, once
    Django stamped last_login, which dropped any earlier copy). Without what this request learnt about it
    (its role, kept on the object): that is asked again on every request."""
    if settings.USER_CACHE_SECONDS and user.pk is not None:
        remembered = copy.copy(user)
        remembered.__dict__.pop("_is_educator", None)
        cache.set(_key(user.pk), remembered, settings.USER_CACHE_SECONDS)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def _user_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)
