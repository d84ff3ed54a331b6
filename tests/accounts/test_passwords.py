"""quizzes.accounts.passwords: no password of nothing visible, or of one character repeated."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from quizzes.accounts.passwords import VisibleVariedPasswordValidator

REFUSED = {
    "one letter": "aaaaaaaaaaaaaaa",
    "one letter in both cases": "AaAaAaAaAaAa",
    "spaces": " " * 12,
    "tabs and line breaks": "\t\n\r \t\n\r \t\n",
    "zero-width spaces": "\u200b" * 12,
    "zero-width joiners and a byte-order mark": "\u200d\u200c\ufeff" * 4,
    "Hangul fillers": "\u3164" * 10,
    "braille blanks": "\u2800" * 10,
    "no-break and ideographic spaces": "\u00a0\u3000" * 6,
    "one emoji": "\U0001f600" * 8,
    "one emoji with a skin tone": "\U0001f44d\U0001f3fd" * 8,
    "one letter between invisible characters": "\u200ba\u200ba\u200ba\u200ba\u200b",
}
ACCEPTED = {
    "words": "correct horse battery staple",
    "a long pass phrase": "a-long-study-pass-22",
    "different emoji": "\U0001f600\U0001f40d\U0001f335\U0001f389\U0001f680\U0001f355\U0001f3b2\U0001f9e0",
    "two letters": "abababababab",
}


@pytest.mark.parametrize("password", REFUSED.values(), ids=REFUSED.keys())
def test_blank_or_one_character_passwords_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        VisibleVariedPasswordValidator().validate(password)
    assert refused.value.code in {"password_blank", "password_repeated"}


@pytest.mark.parametrize("password", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_passwords_with_several_visible_characters_pass(password):
    VisibleVariedPasswordValidator().validate(password)


def test_the_validator_is_one_of_the_sites_password_validators():
    with pytest.raises(ValidationError, match="one character repeated"):
        password_validation.validate_password("zzzzzzzzzzzzzzzz")
    assert any(
        "invisible characters" in text for text in password_validation.password_validators_help_texts()
    )
