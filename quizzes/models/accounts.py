"""A user's own settings beyond Django's User (name and e-mail live there)."""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One per user, made when first saved. An empty time zone means: the browser's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="An IANA name such as Europe/London; empty: the browser's."
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone or 'browser time zone'})"
