"""Time spent on an item, measured without writing anything when the item is shown.

The item's forms carry a signed "shown at" stamp. An answer saved from them adds the time since that
stamp to the response; a flag or a strike sends the page back with the same stamp (the same showing),
and an item shown again gets a fresh one. Time spent looking at an item and leaving it by a link, or
re-sending an unchanged answer, is therefore not counted: only time up to an answer saved.
"""

from datetime import datetime, timedelta

from django.core import signing

# A tab left open over lunch should not count as an hour on one question.
LONGEST_COUNTED = timedelta(minutes=15)

_signer = signing.Signer(salt="quizzes.timing.shown")


def shown_stamp(attempt_pk: int, number: int, now: datetime) -> str:
    """The stamp a form carries: which item of which attempt was shown, and when (in milliseconds)."""
    return _signer.sign(f"{attempt_pk}:{number}:{int(now.timestamp() * 1000)}")


def _shown_at(stamp: str, attempt_pk: int, number: int) -> float | None:
    """When the item was shown (a POSIX time), or None unless the stamp is genuine and this item's."""
    try:
        item, millis = _signer.unsign(stamp).rsplit(":", 1)
        shown = int(millis) / 1000
    except (signing.BadSignature, ValueError):
        return None
    return shown if item == f"{attempt_pk}:{number}" else None


def is_stamp_for(stamp: str, attempt_pk: int, number: int) -> bool:
    return _shown_at(stamp, attempt_pk, number) is not None


def seconds_since(stamp: str, attempt_pk: int, number: int, now: datetime) -> int:
    """Whole seconds from the stamp to `now`, at most LONGEST_COUNTED; 0 for a missing, forged or
    future stamp, or one of another item (time is a statistic, never a reason to refuse an answer)."""
    shown = _shown_at(stamp, attempt_pk, number)
    if shown is None:
        return 0
    elapsed = now.timestamp() - shown
    return int(min(max(elapsed, 0), LONGEST_COUNTED.total_seconds()))
