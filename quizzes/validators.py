"""What every piece of text or time a user or an import gives must satisfy before it is stored.

One set of rules, used by the models (and so by every ModelForm and `full_clean`), by the plain forms
(`PlainTextField`) and by the importers (`control_character_problem`, `moment_problem`), so that nothing
a form refuses can arrive by a file instead.

- Text holds no C0 control characters except tab, line feed and carriage return (browsers send a
  textarea's line breaks as CR LF), and neither of the non-characters U+FFFE and U+FFFF: XML 1.0, and
  so the site's backups, cannot hold them, and PostgreSQL cannot hold NUL at all.
- Dates and times lie between 1900 and 2999 (UTC): Python cannot represent year 10,000, which a
  far-future time shifted into another time zone becomes.
"""

import re
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def control_character_problem(text: str) -> str | None:
    """Why `text` cannot be stored (naming the first control character and where it is), or None."""
    match = _CONTROL.search(text)
    if match is None:
        return None
    return (
        f"contains the control character U+{ord(match.group()):04X} at character {match.start() + 1}, "
        "which cannot be stored: remove it"
    )


def validate_plain_text(value) -> None:
    """The text validator of every model field and form field a user or an import can fill."""
    if isinstance(value, str) and (problem := control_character_problem(value)):
        raise ValidationError(f"This text {problem}.", code="control_character")


def moment_problem(moment: datetime) -> str | None:
    """Why a date and time cannot be stored (outside 1900-2999), or None."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if EARLIEST <= moment < LATEST:
        return None
    return "must be a date between the years 1900 and 2999"


def validate_moment(value) -> None:
    """The validator of every date and time field an educator or an import can fill."""
    if isinstance(value, datetime) and (problem := moment_problem(value)):
        raise ValidationError(f"This {problem}.", code="out_of_range")


class PlainTextField(forms.CharField):
    """forms.CharField for a plain (non-model) form: refuses control characters like the models do."""

    default_validators = [validate_plain_text]
