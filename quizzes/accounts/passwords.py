"""A password validator for what Django's own let through: passwords of nothing visible, or one key held down.

Django counts characters, so twelve spaces, twelve zero-width spaces or `aaaaaaaaaaaaaaa` pass its
minimum length, and none of them is in its list of common passwords.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Unicode categories nobody sees on their own: separators, control and format characters (zero-width
# space and joiner, the byte-order mark, direction marks), combining marks, unassigned and private ones.
_INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"}
# Letters and symbols that draw as blank space: Hangul fillers, the braille blank.
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# Emoji skin tones modify the emoji before them, so 👍🏽👍🏽👍🏽👍🏽 is one character repeated.
_MODIFIERS = {chr(c) for c in range(0x1F3FB, 0x1F400)}


def visible_characters(password: str) -> str:
    """The password without whitespace, invisible characters and modifiers."""
    return "".join(
        c
        for c in password
        if not c.isspace()
        and unicodedata.category(c) not in _INVISIBLE_CATEGORIES
        and c not in _BLANK_LOOKING
        and c not in _MODIFIERS
    )


class VisibleVariedPasswordValidator:
    """Refuses a password that is blank once whitespace and invisible characters are taken out, or one
    character repeated (`aaaaaaaaaaaa`, `😀😀😀😀😀😀😀😀`)."""

    def validate(self, password: str, user=None) -> None:
        visible = visible_characters(password)
        if not visible:
            raise ValidationError(
                "This password has no visible characters: spaces and invisible characters alone are not a "
                "password.",
                code="password_blank",
            )
        if len(set(visible.casefold())) == 1:
            raise ValidationError(
                "This password is one character repeated. Use several different characters.",
                code="password_repeated",
            )

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces or invisible characters, or one character repeated."
