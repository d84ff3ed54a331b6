"""Item types, one module each. Adding a type means adding its module and template and registering it here."""

from .base import (
    AnswerInProgress,
    EmptyAnswer,
    FixableAnswer,
    Grade,
    InvalidAnswer,
    ItemReview,
    ItemType,
    PublicItem,
    SpecError,
)
from .cloze import Cloze
from .matching import Matching
from .matrix import Matrix
from .multiple import SelectAllThatApply
from .numeric import Numeric
from .ordering import Ordering
from .shortanswer import ShortAnswer
from .single import SingleAnswer
from .truefalse import TrueFalse

ITEM_TYPES: dict[str, ItemType] = {
    t.name: t
    for t in (
        SingleAnswer(),
        SelectAllThatApply(),
        TrueFalse(),
        Numeric(),
        ShortAnswer(),
        Matching(),
        Ordering(),
        Matrix(),
        Cloze(),
    )
}
ITEM_TYPE_CHOICES = [(name, item.label) for name, item in ITEM_TYPES.items()]


def item_type_choices() -> list[tuple[str, str]]:
    """The model field's choices: a callable, so a new type needs no migration."""
    return ITEM_TYPE_CHOICES


def get_item_type(name: str) -> ItemType:
    return ITEM_TYPES[name]


__all__ = [
    "ITEM_TYPES",
    "ITEM_TYPE_CHOICES",
    "AnswerInProgress",
    "EmptyAnswer",
    "FixableAnswer",
    "Grade",
    "InvalidAnswer",
    "ItemReview",
    "ItemType",
    "PublicItem",
    "SpecError",
    "get_item_type",
    "item_type_choices",
]
